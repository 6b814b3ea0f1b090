"""A municipality's successors move to their own table (Succession), so that a
split municipality can have several, each with the kind of change and its
source; begin dates come from the register.

The old single ``successor`` was mostly guessed by the register import (same
day, same province), which is wrong for every annexation and split: those
links are dropped, and the next import of ``herindelingen.csv`` gives the
verified ones. A link a person set in the admin (its history names a user) is
kept, as a merger whose source says who entered it."""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


def keep_successors_people_chose(apps, schema_editor):
    Municipality = apps.get_model("municipalities", "Municipality")
    HistoricalMunicipality = apps.get_model("municipalities", "HistoricalMunicipality")
    Succession = apps.get_model("municipalities", "Succession")
    for municipality in Municipality.objects.filter(successor__isnull=False):
        chosen = (
            HistoricalMunicipality.objects.filter(
                id=municipality.pk,
                successor_id=municipality.successor_id,
                history_user__isnull=False,
            )
            .select_related("history_user")
            .order_by("history_date")
            .first()
        )
        if chosen is not None:
            Succession.objects.create(
                predecessor_id=municipality.pk,
                successor_id=municipality.successor_id,
                kind="samenvoeging",
                share="geheel",
                position=1,
                source=f"ingevoerd door {chosen.history_user.username} "
                f"op {chosen.history_date:%Y-%m-%d}",
            )


class Migration(migrations.Migration):

    dependencies = [
        ('municipalities', '0003_contact_follow_up_not_before_contact'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='HistoricalSuccession',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('kind', models.CharField(choices=[('samenvoeging', 'samenvoeging'), ('opsplitsing', 'opsplitsing'), ('naamswijziging', 'naamswijziging')], default='samenvoeging', max_length=20, verbose_name='soort')),
                ('share', models.CharField(choices=[('geheel', 'geheel'), ('gedeeltelijk', 'gedeeltelijk')], default='geheel', max_length=20, verbose_name='deel')),
                ('position', models.PositiveSmallIntegerField(default=1, help_text='1 is de hoofdopvolger.', verbose_name='volgorde')),
                ('source', models.CharField(help_text='Waar deze opvolging is nagegaan.', max_length=1000, verbose_name='bron')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
            ],
            options={
                'verbose_name': 'historical opvolging',
                'verbose_name_plural': 'historical opvolgingen',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='Succession',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('samenvoeging', 'samenvoeging'), ('opsplitsing', 'opsplitsing'), ('naamswijziging', 'naamswijziging')], default='samenvoeging', max_length=20, verbose_name='soort')),
                ('share', models.CharField(choices=[('geheel', 'geheel'), ('gedeeltelijk', 'gedeeltelijk')], default='geheel', max_length=20, verbose_name='deel')),
                ('position', models.PositiveSmallIntegerField(default=1, help_text='1 is de hoofdopvolger.', verbose_name='volgorde')),
                ('source', models.CharField(help_text='Waar deze opvolging is nagegaan.', max_length=1000, verbose_name='bron')),
            ],
            options={
                'verbose_name': 'opvolging',
                'verbose_name_plural': 'opvolgingen',
                'ordering': ['predecessor', 'position', 'pk'],
            },
        ),
        migrations.AddField(
            model_name='historicalmunicipality',
            name='began_on',
            field=models.DateField(blank=True, help_text='Volgens het CBS-register; leeg als onbekend.', null=True, verbose_name='ontstaan op'),
        ),
        migrations.AddField(
            model_name='municipality',
            name='began_on',
            field=models.DateField(blank=True, help_text='Volgens het CBS-register; leeg als onbekend.', null=True, verbose_name='ontstaan op'),
        ),
        migrations.AlterField(
            model_name='historicalmunicipality',
            name='dissolved_on',
            field=models.DateField(blank=True, help_text='Bij een herindeling: de eerste dag waarop de gemeente niet meer bestond.', null=True, verbose_name='opgeheven op'),
        ),
        migrations.AlterField(
            model_name='municipality',
            name='dissolved_on',
            field=models.DateField(blank=True, help_text='Bij een herindeling: de eerste dag waarop de gemeente niet meer bestond.', null=True, verbose_name='opgeheven op'),
        ),
        migrations.AddField(
            model_name='historicalsuccession',
            name='history_user',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='historicalsuccession',
            name='predecessor',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='municipalities.municipality', verbose_name='opgeheven gemeente'),
        ),
        migrations.AddField(
            model_name='historicalsuccession',
            name='successor',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='municipalities.municipality', verbose_name='opvolger'),
        ),
        migrations.AddField(
            model_name='succession',
            name='predecessor',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='successions', to='municipalities.municipality', verbose_name='opgeheven gemeente'),
        ),
        migrations.AddField(
            model_name='succession',
            name='successor',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='origins', to='municipalities.municipality', verbose_name='opvolger'),
        ),
        migrations.AddField(
            model_name='municipality',
            name='successors',
            field=models.ManyToManyField(blank=True, related_name='predecessors', through='municipalities.Succession', through_fields=('predecessor', 'successor'), to='municipalities.municipality', verbose_name='opvolgers'),
        ),
        migrations.RunPython(keep_successors_people_chose, migrations.RunPython.noop),
        migrations.RemoveConstraint(
            model_name='municipality',
            name='municipality_successor_only_when_dissolved',
        ),
        migrations.RemoveConstraint(
            model_name='municipality',
            name='municipality_not_own_successor',
        ),
        migrations.RemoveField(
            model_name='historicalmunicipality',
            name='successor',
        ),
        migrations.RemoveField(
            model_name='municipality',
            name='successor',
        ),
        migrations.AddConstraint(
            model_name='municipality',
            constraint=models.CheckConstraint(condition=models.Q(('began_on__isnull', True), ('dissolved_on__isnull', True), ('dissolved_on__gt', models.F('began_on')), _connector='OR'), name='municipality_ends_after_it_begins', violation_error_message='Een gemeente kan niet opgeheven zijn vóór of op de dag dat ze ontstond.'),
        ),
        migrations.AddConstraint(
            model_name='succession',
            constraint=models.CheckConstraint(condition=models.Q(('successor', models.F('predecessor')), _negated=True), name='municipality_not_own_successor', violation_error_message='Een gemeente kan niet in zichzelf opgaan.'),
        ),
        migrations.AddConstraint(
            model_name='succession',
            constraint=models.UniqueConstraint(fields=('predecessor', 'successor'), name='succession_once_per_successor', violation_error_message='Deze opvolger staat al bij deze gemeente.'),
        ),
    ]
