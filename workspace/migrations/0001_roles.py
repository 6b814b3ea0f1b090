"""Create the groups "vrijwilliger" and "coördinator" with their permissions."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from workspace import roles


def ensure_permissions(apps):
    # Permissions are normally created after all migrations ran; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None


def create_roles(apps, schema_editor):
    ensure_permissions(apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    domain = Permission.objects.filter(content_type__app_label__in=roles.DOMAIN_APPS).exclude(
        content_type__model__startswith="historical"
    )

    volunteer, _ = Group.objects.get_or_create(name=roles.VOLUNTEER)
    volunteer_perms = domain.filter(codename__startswith="view_")
    for app_label, model in roles.VOLUNTEER_EDITS:
        volunteer_perms |= domain.filter(
            content_type__app_label=app_label,
            codename__in=[f"add_{model}", f"change_{model}"],
        )
    for app_label, model in roles.VOLUNTEER_CHANGES:
        volunteer_perms |= domain.filter(
            content_type__app_label=app_label, codename=f"change_{model}"
        )
    volunteer.permissions.set(volunteer_perms)

    coordinator, _ = Group.objects.get_or_create(name=roles.COORDINATOR)
    coordinator_perms = domain
    for app_label, codename in roles.COORDINATOR_EXTRA:
        coordinator_perms |= Permission.objects.filter(
            content_type__app_label=app_label, codename=codename
        )
    coordinator.permissions.set(coordinator_perms)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(
        name__in=[roles.VOLUNTEER, roles.COORDINATOR]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("municipalities", "0002_history"),
        ("motions", "0002_history_and_workspace_permissions"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
