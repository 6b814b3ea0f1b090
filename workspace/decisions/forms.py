"""Logging a council's decision outside the admin, and the history of changes.

One page creates or updates a motion with its sponsors, each faction's vote
and its timeline, saved together or not at all. Every change is kept by
django-simple-history; here volunteers read it, coordinators revert a record
to an earlier version and bring back a deleted motion with its parts.

Dates are typed as text ("3-4-2025", "4-2025", "april 2025", "2025"): one
field per date, and the way it is written says how precisely it is known.
"""

import datetime
from dataclasses import dataclass, field

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.db.models import Count, F, Q, Sum
from django.forms.models import BaseInlineFormSet, inlineformset_factory
from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.text import Truncator, capfirst
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kinderpardon.concurrency import (
    VersionedForm,
    lock,
    stored_display,
    take_changes_of_others,
)
from kinderpardon.dates import (
    DATE_INPUT_HELP,
    DatePrecision,
    PartialDate,
    PartialDateField,
    format_partial,
)
from kinderpardon.uploads import DOCUMENT_KINDS, shorten_document_name, validate_document
from motions.models import FactionVote, ModelMotion, Motion, MotionEvent, Sponsorship
from municipalities.forms import MunicipalityNameField, municipality_names
from municipalities.models import ContactMoment, Faction, Municipality, Party
from municipalities.resolver import resolve

from ..roles import requires
from ..triage import views as triage

# --- dates known to the day, the month or the year, typed as text -------------


class PartialDatesMixin:
    """For a model form whose ``<name>_on`` fields are PartialDateFields: shows
    the stored (date, precision) pair as text, and stores what was typed back
    into the pair."""

    partial_dates: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.partial_dates:
            value = getattr(self.instance, f"{name}_on")
            precision = getattr(self.instance, f"{name}_precision")
            self.initial[f"{name}_on"] = PartialDate(value, precision) if value else None

    def clean(self):
        cleaned_data = super().clean()
        for name in self.partial_dates:
            if f"{name}_on" in cleaned_data:  # not when what was typed is unreadable
                value = cleaned_data[f"{name}_on"]
                cleaned_data[f"{name}_on"] = value.date if value else None
                precision = value.precision if value else DatePrecision.DAY
                setattr(self.instance, f"{name}_precision", precision)
        return cleaned_data


# --- the motion form -----------------------------------------------------------------


def https_urls(model_field, **kwargs):
    """Model form fields, a link typed without a scheme read as https."""
    if isinstance(model_field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return model_field.formfield(**kwargs)


def council_seats(municipality: Municipality) -> int | None:
    """The seats of the council's current term, when every faction's seats are known."""
    known = (
        Faction.objects.current()
        .filter(municipality=municipality)
        .aggregate(factions=Count("pk"), with_seats=Count("seats"), seats=Sum("seats"))
    )
    if known["factions"] and known["factions"] == known["with_seats"]:
        return known["seats"]
    return None


class MotionForm(PartialDatesMixin, VersionedForm):
    partial_dates = ("submitted", "decided")
    parts = ((Sponsorship, "motion"), (FactionVote, "motion"), (MotionEvent, "motion"))
    wide_fields = {"municipality", "title", "summary", "text", "source_url", "document"}
    municipality = MunicipalityNameField(
        allow_dissolved=True, label=gettext_lazy("Gemeente"), required=False
    )

    class Meta:
        model = Motion
        formfield_callback = https_urls
        fields = [
            "municipality",
            "title",
            "kind",
            "status",
            "submitted_on",
            "decided_on",
            "votes_for",
            "votes_against",
            "summary",
            "text",
            "source_url",
            "document",
            "level",
            "kamerstuk",
        ]
        field_classes = {"submitted_on": PartialDateField, "decided_on": PartialDateField}
        help_texts = {
            "submitted_on": "",
            "decided_on": gettext_lazy("Verplicht bij aangenomen of verworpen."),
        }
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "text": forms.Textarea(attrs={"rows": 6}),
            "document": forms.ClearableFileInput(
                attrs={"accept": ",".join(f".{extension}" for extension in DOCUMENT_KINDS)}
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.municipality_id:
            self.initial["municipality"] = self.instance.municipality
        self.fields["document"].help_text = _("PDF of Word (of .odt), hooguit %(limit)s MB.") % {
            "limit": settings.MAX_UPLOAD_MB
        }
        # Council file names are often long: clean_document shortens them instead of refusing.
        self.fields["document"].max_length = None

    def clean_document(self):
        """A new upload is checked by its content (kinderpardon.uploads)."""
        document = self.cleaned_data.get("document")
        if isinstance(document, UploadedFile):
            validate_document(document)
            shorten_document_name(document)
        return document

    def clean(self):
        cleaned_data = super().clean()
        municipality = cleaned_data.get("municipality")
        votes = [cleaned_data.get("votes_for"), cleaned_data.get("votes_against")]
        if municipality and any(v is not None for v in votes):
            seats = council_seats(municipality)
            total = sum(v or 0 for v in votes)
            if seats is not None and total > seats:
                self.add_error(
                    "votes_for",
                    _(
                        "Voor en tegen samen (%(total)s) is meer dan het aantal zetels "
                        "in de raad van %(municipality)s (%(seats)s)."
                    )
                    % {"total": total, "municipality": municipality, "seats": seats},
                )
        return cleaned_data


# --- sponsors, votes and events: inline formsets ------------------------------------


def faction_choices(factions: list[Faction]) -> list:
    """Select options for a council's factions, grouped by term, newest first."""
    groups: dict[int, list] = {}
    for faction in factions:
        groups.setdefault(faction.election_year, []).append((faction.pk, str(faction.party)))
    return [
        ("", _("— kies een fractie —")),
        *((_("Raadsperiode %(year)s") % {"year": year}, rows) for year, rows in groups.items()),
    ]


class FactionRowForm(forms.ModelForm):
    """A row naming a faction. Its select offers the council's factions (given,
    not queried per row); any faction is accepted here so that one of another
    council gets a readable message from the formset instead of 'invalid choice'."""

    def __init__(self, *args, faction_options=(), **kwargs):
        super().__init__(*args, **kwargs)
        faction = self.fields["faction"]
        faction.queryset = Faction.objects.select_related("party", "municipality")
        faction.choices = faction_options


class SponsorForm(FactionRowForm):
    wide_fields = {"member_name"}

    class Meta:
        model = Sponsorship
        fields = ["faction", "role", "member_name"]
        labels = {"member_name": gettext_lazy("Naam (raadslid of Kamerlid)")}


class VoteForm(FactionRowForm):
    class Meta:
        model = FactionVote
        fields = ["faction", "vote"]

    def has_changed(self) -> bool:
        """A new row without a vote is left out, whichever faction it names: the
        rows come prefilled with the council's factions, and a vote nobody knows
        stays empty."""
        if self.instance.pk is None and not self.data.get(self.add_prefix("vote")):
            return False
        return super().has_changed()


class EventForm(PartialDatesMixin, forms.ModelForm):
    partial_dates = ("happened",)
    wide_fields = {"note", "source_url"}

    class Meta:
        model = MotionEvent
        formfield_callback = https_urls
        fields = ["kind", "happened_on", "note", "source_url"]
        field_classes = {"happened_on": PartialDateField}
        help_texts = {"happened_on": gettext_lazy("3-4-2025, 4-2025 of 2025")}
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}


class FactionRowsFormSet(BaseInlineFormSet):
    """Each faction belongs to the motion's council and appears once."""

    def __init__(self, *args, municipality: Municipality | None = None, **kwargs):
        self.municipality = municipality
        super().__init__(*args, **kwargs)

    def clean(self):
        # Replaces the generic uniqueness check with readable Dutch messages.
        seen = self.factions_outside_the_form()
        for form in self.forms:
            if self._should_delete_form(form) or not form.cleaned_data.get("faction"):
                continue
            faction = form.cleaned_data["faction"]
            if self.municipality is None:
                form.add_error(
                    "faction",
                    _("Een motie van de Tweede Kamer heeft geen fracties van een gemeenteraad."),
                )
            elif faction.municipality_id != self.municipality.pk:
                form.add_error(
                    "faction",
                    _("%(faction)s hoort niet bij de gemeenteraad van %(municipality)s.")
                    % {"faction": faction, "municipality": self.municipality},
                )
            elif faction.pk in seen:
                form.add_error(
                    "faction",
                    _("%(faction)s staat al bij deze motie.") % {"faction": faction.party},
                )
            seen.add(faction.pk)

    def factions_outside_the_form(self) -> set[int]:
        """Factions of rows stored for the motion but not in what was sent: added
        by someone else since the form was opened."""
        if self.instance.pk is None:
            return set()
        in_form = {form.instance.pk for form in self.initial_forms}
        stored = self.model.objects.filter(motion=self.instance).exclude(pk__in=in_form)
        return set(stored.exclude(faction=None).values_list("faction_id", flat=True))


class VoteFormSet(FactionRowsFormSet):
    """Without any votes yet, one row per faction of the council's latest term,
    so that only the votes remain to be chosen."""

    def __init__(self, *args, latest_term: list[Faction] = (), **kwargs):
        super().__init__(*args, **kwargs)
        if latest_term and not self.get_queryset():  # the rows' query, done once here
            self.extra = len(latest_term)
            self.initial_extra = [{"faction": faction.pk} for faction in latest_term]


def council_factions(municipality: Municipality | None) -> list[Faction]:
    """Every term's factions of a council, the latest term first, largest first."""
    if municipality is None:
        return []
    return list(
        Faction.objects.filter(municipality=municipality)
        .select_related("party")
        .order_by("-election_year", F("seats").desc(nulls_last=True), "party__name")
    )


def inline(model, form, formset=BaseInlineFormSet, extra: int = 1):
    return inlineformset_factory(
        Motion, model, form=form, formset=formset, extra=extra, can_delete_extra=False
    )


FORMSET_PARTS = {
    "indieners": (Sponsorship, SponsorForm),
    "stemmen": (FactionVote, VoteForm),
    "tijdlijn": (MotionEvent, EventForm),
}


def keep_rows_of_gone_parts(data: QueryDict, motion: Motion, then: dict) -> QueryDict:
    """A sponsor, vote or event deleted since the form was opened still has its
    row in what the user sent. Left as it was then (``then``: the parts as of
    opening, see ``parts_as_of``), the row goes: the deletion stands. Changed by
    the user, it becomes a new row, so that what was typed is kept and shown."""
    for prefix, (model, form_class) in FORMSET_PARTS.items():
        initial = data.get(f"{prefix}-INITIAL_FORMS", "")
        total = data.get(f"{prefix}-TOTAL_FORMS", "")
        if not (initial.isdigit() and total.isdigit() and int(initial) <= int(total) <= 1000):
            continue  # the formset itself says what is wrong with its counts
        initial, total = int(initial), int(total)
        ids = [data.get(f"{prefix}-{i}-id", "") for i in range(initial)]
        existing = {
            str(pk)
            for pk in model.objects.filter(
                motion=motion, pk__in=[i for i in ids if i.isdigit()]
            ).values_list("pk", flat=True)
        }
        gone = [i for i, pk in enumerate(ids) if pk not in existing]
        if not gone:
            continue
        untouched = set()
        for i in gone:
            record = then.get(model, {}).get(int(ids[i])) if ids[i].isdigit() else None
            row = form_class(data, prefix=f"{prefix}-{i}", instance=record and record.instance)
            if record is not None and not row.has_changed():
                untouched.add(i)
        rows = {
            i: {
                key.removeprefix(f"{prefix}-{i}-"): data.getlist(key)
                for key in data
                if key.startswith(f"{prefix}-{i}-")
            }
            for i in range(total)
        }
        data = data.copy()
        for key in [key for i in rows for key in data if key.startswith(f"{prefix}-{i}-")]:
            del data[key]
        kept = [i for i in gone if i not in untouched]
        order = [i for i in range(initial) if i not in gone] + kept + list(range(initial, total))
        for new, old in enumerate(order):
            for name, values in rows[old].items():
                gone_id = old in gone and name == "id"
                data.setlist(f"{prefix}-{new}-{name}", [""] if gone_id else values)
        data[f"{prefix}-INITIAL_FORMS"] = str(initial - len(gone))
        data[f"{prefix}-TOTAL_FORMS"] = str(len(order))
    return data


@dataclass
class Section:
    """One fieldset of the decision page: form fields or a formset."""

    legend: str
    fields: list = field(default_factory=list)
    formset: BaseInlineFormSet | None = None
    help: str = ""
    collapsed: bool = False


class DecisionForms:
    """The motion form and its three formsets, bound together."""

    def __init__(self, request, motion: Motion, municipality: Municipality | None):
        creating = motion.pk is None
        self.parts_then: dict = {}
        data = request.POST if request.method == "POST" else None
        files = request.FILES if request.method == "POST" else None
        initial = {"municipality": municipality} if municipality else {}
        self.form = MotionForm(data, files, instance=motion, initial=initial)
        if data is not None:
            # The municipality of this POST chooses the factions, even when
            # another field of the form is wrong.
            self.form.is_valid()
            municipality = self.form.cleaned_data.get("municipality", municipality)
            opened_at = self.form.opened_at_time
            if not creating and opened_at:
                self.parts_then = parts_as_of(motion.pk, opened_at)
                data = keep_rows_of_gone_parts(data, motion, self.parts_then)
        self.municipality = municipality
        factions = council_factions(municipality)
        latest_term = [f for f in factions if f.election_year == factions[0].election_year]
        faction_rows = {
            "municipality": municipality,
            "form_kwargs": {"faction_options": faction_choices(factions)},
        }
        sponsors = inline(Sponsorship, SponsorForm, FactionRowsFormSet, extra=2 if creating else 1)
        votes = inline(FactionVote, VoteForm, VoteFormSet, extra=1 if factions else 0)
        self.sponsors = sponsors(data, instance=motion, prefix="indieners", **faction_rows)
        self.votes = votes(
            data, instance=motion, prefix="stemmen", latest_term=latest_term, **faction_rows
        )
        self.events = inline(MotionEvent, EventForm)(data, instance=motion, prefix="tijdlijn")
        self.formsets = [self.sponsors, self.votes, self.events]
        self.has_factions = bool(factions)

    def is_valid(self) -> bool:
        valid = all([self.form.is_valid(), *(f.is_valid() for f in self.formsets)])
        if self.form.is_stale:
            for formset in self.formsets:
                self.take_changes_of_others(formset)
        return valid

    def take_changes_of_others(self, formset) -> None:
        """Each row of a part the user left as it was shows what is stored now;
        beside a row both changed, what is stored now (see VersionedForm)."""
        then = self.parts_then.get(formset.model, {})
        # Read again: validating put the user's input on the forms' instances.
        pks = [form.instance.pk for form in formset.initial_forms]
        stored = formset.model.objects.in_bulk(pks)
        for i, form in enumerate(formset.initial_forms):
            if form.instance.pk not in stored:
                continue
            kwargs = {"prefix": form.prefix, **formset.get_form_kwargs(i)}
            record = then.get(form.instance.pk)
            opened = type(form)(instance=record.instance, **kwargs) if record else None
            current = type(form)(instance=stored[form.instance.pk], **kwargs)
            for name in take_changes_of_others(form, opened, current):
                if name not in form.errors:
                    shown = stored_display(form[name])
                    form.add_error(name, _("Nu opgeslagen: %(value)s") % {"value": shown})

    def save(self) -> Motion:
        """Call inside the transaction that locked the motion (``decision_page``)."""
        motion = self.form.save()
        for formset in self.formsets:
            formset.instance = motion
            formset.save()
        return motion

    def sections(self) -> list[Section]:
        form = self.form

        def fields(*names):
            return [form[name] for name in names]

        no_factions = ""
        if not self.has_factions and self.municipality is not None:
            no_factions = format_html(
                '{} <a href="{}#factions-heading">{}</a>',
                _("Voor deze gemeente zijn nog geen fracties bekend."),
                reverse("workspace:municipality", args=[self.municipality.slug]),
                _("Voeg ze toe op de pagina van de gemeente."),
            )
        national = form.instance.level == Motion.Level.NATIONAL
        return [
            Section(_("De motie"), fields("municipality", "title", "kind", "status")),
            Section(
                _("Data en stemming"),
                fields("decided_on", "submitted_on", "votes_for", "votes_against"),
                help=DATE_INPUT_HELP,
            ),
            Section(_("Indieners"), formset=self.sponsors, help=no_factions),
            Section(
                _("Stem per fractie"),
                formset=self.votes,
                help=no_factions or _("Laat de stem leeg voor een fractie die u niet weet."),
            ),
            Section(_("Inhoud en bron"), fields("summary", "text", "source_url", "document")),
            Section(_("Tijdlijn"), formset=self.events),
            Section(
                _("Motie van de Tweede Kamer"),
                fields("level", "kamerstuk"),
                collapsed=not (national or form["level"].errors or form["kamerstuk"].errors),
            ),
        ]


def municipality_from_query(request) -> tuple[Municipality | None, str]:
    """``?gemeente=``: a slug, name, alias, CBS code or former name, and the
    resolver's message when it names none or several."""
    text = request.GET.get("gemeente", "")
    try:
        return (resolve(text).named if text.strip() else None), ""
    except ValidationError as error:
        return None, " ".join(error.messages)


@requires("motions.add_motion")
def create(request):
    report = triage.report_to_accept(request)
    municipality, not_understood = municipality_from_query(request)
    municipality = municipality or (report and report.municipality)
    national = request.GET.get("niveau") == Motion.Level.NATIONAL
    if municipality is None and not national and request.method != "POST":
        # Choosing the council first lets its factions fill the selects, without a script.
        return render(
            request,
            "workspace/motion_form.html",
            {
                "choose_municipality": True,
                "typed": request.GET.get("gemeente", ""),
                "not_understood": not_understood,
                "municipality_names": municipality_names(),
            },
        )
    motion = Motion(level=Motion.Level.NATIONAL if national else Motion.Level.MUNICIPAL)
    return decision_page(request, motion, municipality, report)


@requires("motions.change_motion")
def update(request, pk: int):
    motion = get_object_or_404(Motion.objects.select_related("municipality"), pk=pk)
    return decision_page(request, motion, motion.municipality, triage.report_to_accept(request))


@transaction.non_atomic_requests  # an accepted report is committed before its e-mail goes out
def edit(request, pk: int | None = None):
    """``motion_create`` and ``motion_edit``: one page, each with its own permission.
    With ``?melding=<pk>`` the form starts from what that report claims, and
    saving it marks the report accepted (workspace.triage)."""
    return create(request) if pk is None else update(request, pk)


def decision_page(request, motion: Motion, municipality: Municipality | None, report=None):
    if request.method != "POST":
        if report is not None:
            triage.prefill(motion, report)
        decision = DecisionForms(request, motion, municipality)
        accept = triage.AcceptForm(report=report) if report else None
    else:
        creating = motion.pk is None
        try:
            with transaction.atomic():  # the motion stays locked until its parts are saved
                if not creating:
                    motion = lock(Motion.objects.select_related("municipality"), motion.pk)
                decision = DecisionForms(request, motion, municipality)
                accept = triage.AcceptForm(request.POST, report=report) if report else None
                saved = decision.is_valid() and (accept is None or accept.is_valid())
                if saved:
                    motion = decision.save()
                    if report is not None:
                        triage.accept(report, motion, request.user)
        except triage.AlreadyHandled:
            report.refresh_from_db(fields=["outcome"])
            return triage.already_handled(request, report)
        if saved:
            message = (
                _("Motie '%(title)s' vastgelegd.")
                if creating
                else _("Motie '%(title)s' opgeslagen.")
            )
            messages.success(request, message % {"title": motion.title})
            if accept is not None:
                triage.accepted(request, report, accept)
            return redirect("workspace:motion_edit", pk=motion.pk)
        if not decision.form.is_stale:
            messages.error(request, _("Er is niets opgeslagen. Verbeter wat hieronder rood staat."))
    return render_decision(request, motion, decision, accept, report)


def render_decision(request, motion: Motion, decision: DecisionForms, accept, report):
    sections = decision.sections()
    if accept is not None:
        fields = [accept[name] for name in accept.fields]
        sections.insert(0, Section(_("Melding"), fields, help=triage.report_summary(report)))
    return render(
        request,
        "workspace/motion_form.html",
        {
            "motion": motion,
            "decision": decision,
            "sections": sections,
            "municipality_names": municipality_names(),
            "public_url": motion.get_absolute_url()
            if motion.pk and motion.status != Motion.Status.DRAFT
            else "",
        },
    )


# --- deleting a motion, and bringing it back ------------------------------------------

# A motion's sponsors, votes and events are deleted with it (CASCADE) in the
# same request, so their deletion records share its changeset
# (kinderpardon.history): that is how a restore finds them.
MOTION_PARTS = [Sponsorship, FactionVote, MotionEvent]


@requires("motions.delete_motion")
def delete(request, pk: int):
    motion = get_object_or_404(Motion.objects.select_related("municipality"), pk=pk)
    if request.method == "POST":
        with transaction.atomic():
            motion.delete()
        messages.success(
            request,
            _("Motie '%(title)s' verwijderd. U kunt haar hieronder weer herstellen.")
            % {"title": motion.title},
        )
        return redirect("workspace:motions_deleted")
    counts = Motion.objects.filter(pk=pk).aggregate(
        sponsors=Count("sponsorships", distinct=True),
        votes=Count("faction_votes", distinct=True),
        events=Count("events", distinct=True),
    )
    return render(request, "workspace/motion_delete.html", {"motion": motion, **counts})


def latest_per_object(records) -> list:
    """The newest record of each object, from records ordered newest first."""
    seen, latest = set(), []
    for record in records:
        if record.id not in seen:
            seen.add(record.id)
            latest.append(record)
    return latest


@requires("motions.delete_motion")
def deleted(request):
    records = (
        Motion.history.filter(history_type="-")
        .exclude(id__in=Motion.objects.values("pk"))
        .select_related("history_user", "municipality")
        .order_by("-history_date", "-history_id")
    )
    return render(
        request, "workspace/motions_deleted.html", {"records": latest_per_object(records)}
    )


def deleted_parts(record) -> list:
    """The deletion records of the sponsors, votes and events deleted with a
    motion: those of its changeset (a sponsor removed by an earlier edit has
    another)."""
    if record.history_changeset is None:
        return []
    parts = []
    for model in MOTION_PARTS:
        records = model.history.filter(
            motion_id=record.id, history_type="-", history_changeset=record.history_changeset
        ).exclude(id__in=model.objects.values("pk"))
        parts.extend(latest_per_object(records.order_by("-history_date", "-history_id")))
    return parts


def save_version(record, reason: str) -> models.Model:
    """Save a historical version as the current one, if it is still valid."""
    instance = record.instance
    # An existing row is updated, not added: its own pk is no duplicate.
    instance._state.adding = not type(instance).objects.filter(pk=instance.pk).exists()
    instance.full_clean()
    instance._change_reason = reason
    instance.save()
    return instance


def parts_as_of(
    motion_id: int, when: datetime.datetime, changeset=None
) -> dict[type[models.Model], dict[int, models.Model]]:
    """The sponsors, votes and events a motion had at ``when``: per model, the
    last history record of each part written up to then (or in ``changeset``,
    the change that ``when`` belongs to), if it is not a deletion."""
    in_version = Q(history_date__lte=when)
    if changeset is not None:
        in_version |= Q(history_changeset=changeset)
    parts = {}
    for model in MOTION_PARTS:
        records = model.history.filter(in_version, motion_id=motion_id)
        latest = latest_per_object(records.order_by("-history_date", "-history_id"))
        parts[model] = {r.id: r for r in latest if r.history_type != "-"}
    return parts


def revert_motion(record, reason: str) -> tuple[Motion, list[str]]:
    """Put back the motion of version ``record`` with its sponsors, votes and
    events as they were then; call inside a transaction. Parts added since are
    deleted first (so that a faction's old vote can take its place again).
    Returns the motion and the parts that could not come back (their faction
    was deleted since), named."""
    lock(Motion.objects.all(), record.id)
    wanted = parts_as_of(record.id, record.history_date, record.history_changeset)
    for model, records in wanted.items():
        for part in model.objects.filter(motion_id=record.id).exclude(pk__in=records):
            part._change_reason = reason
            part.delete()
    motion = save_version(record, reason)
    skipped = []
    for model, records in wanted.items():
        current = {p.pk: p for p in model.objects.filter(motion_id=record.id)}
        changed = [r for pk, r in records.items() if pk not in current or differs(r, current[pk])]
        skipped += save_parts(changed, reason)
    return motion, skipped


def save_parts(records: list, reason: str) -> list[str]:
    """Save each part's version; one whose faction no longer exists is left
    out and named in the list returned (any other rule it breaks stops all)."""
    skipped = []
    for record in records:
        faction_id = getattr(record, "faction_id", None)
        if faction_id is not None and not Faction.objects.filter(pk=faction_id).exists():
            skipped.append(
                _("%(part)s van %(faction)s")
                % {"part": record.instance_type._meta.verbose_name, "faction": gone(faction_id)}
            )
        else:
            save_version(record, reason)
    return skipped


def gone(faction_id: int) -> str:
    """The party of a faction that was deleted, from its history, if known."""
    last = Faction.history.filter(id=faction_id).order_by("-history_date").first()
    party = Party.objects.filter(pk=last.party_id).first() if last else None
    return str(party) if party else f"#{faction_id}"


def not_all_back(skipped: list[str]) -> str:
    return _("Niet teruggezet, omdat de fractie niet meer bestaat: %(parts)s.") % {
        "parts": "; ".join(skipped)
    }


def differs(record, instance: models.Model) -> bool:
    """Whether a historical version differs from the record as it is now."""
    return any(
        getattr(record, f.attname) != getattr(instance, f.attname) for f in record.tracked_fields
    )


@requires("motions.delete_motion")
@require_POST
def restore(request, history_id: int):
    record = get_object_or_404(Motion.history.filter(history_type="-"), history_id=history_id)
    if Motion.objects.filter(pk=record.id).exists():
        messages.info(request, _("Deze motie bestaat al weer."))
        return redirect("workspace:motion_edit", pk=record.id)
    reason = _("Hersteld na verwijdering")
    try:
        with transaction.atomic():
            motion = save_version(record, reason)
            skipped = save_parts(deleted_parts(record), reason)
    except ValidationError as error:
        messages.error(request, not_restored_message(error))
        return redirect("workspace:motions_deleted")
    messages.success(request, _("Motie '%(title)s' hersteld.") % {"title": motion.title})
    if skipped:
        messages.warning(request, not_all_back(skipped))
    return redirect("workspace:motion_edit", pk=motion.pk)


def not_restored_message(error: ValidationError) -> str:
    return _("Niet teruggezet: deze versie voldoet niet meer aan de regels. %(errors)s") % {
        "errors": " ".join(error.messages)
    }


# --- history -------------------------------------------------------------------

# The models whose history the workspace shows, by the name in the URL.
HISTORY_MODELS: dict[str, type[models.Model]] = {
    "motion": Motion,
    "municipality": Municipality,
    "faction": Faction,
    "contactmoment": ContactMoment,
    "motionevent": MotionEvent,
    "modelmotion": ModelMotion,
}
TYPE_LABELS = {
    "+": gettext_lazy("aangemaakt"),
    "~": gettext_lazy("gewijzigd"),
    "-": gettext_lazy("verwijderd"),
}
LONG_TEXT = 160  # characters of a long text shown in a change


def history_model(name: str) -> type[models.Model]:
    try:
        return HISTORY_MODELS[name]
    except KeyError:
        raise Http404 from None


@dataclass
class Change:
    name: str
    label: str
    old: str
    new: str


@dataclass
class Entry:
    record: models.Model
    changes: list[Change]
    subject: str = ""
    revert_url: str = ""

    @property
    def type_label(self) -> str:
        return TYPE_LABELS[self.record.history_type]


class Labels:
    """Names of the objects that historical records point to, fetched with one
    query per related model, whatever the number of records."""

    SELECT_RELATED = {Faction: ["party", "municipality"]}

    def __init__(self, records, skip: set[str]):
        wanted: dict[type[models.Model], set] = {}
        for record in records:
            for model_field in relations(record.instance_type, skip):
                value = getattr(record, model_field.attname)
                if value is not None:
                    wanted.setdefault(model_field.related_model, set()).add(value)
        self.names = {}
        for model, ids in wanted.items():
            objects = model._default_manager.filter(pk__in=ids)
            objects = objects.select_related(*self.SELECT_RELATED.get(model, []))
            self.names.update({(model, obj.pk): str(obj) for obj in objects})

    def get(self, model, pk) -> str:
        return self.names.get((model, pk), _("#%(pk)s (verwijderd)") % {"pk": pk})


def relations(model, skip: set[str]):
    return [f for f in model._meta.concrete_fields if f.is_relation and f.name not in skip]


def partner(model, name: str) -> str | None:
    """The other half of a partial date: ``x_on`` ↔ ``x_precision``."""
    for own, other in (("_on", "_precision"), ("_precision", "_on")):
        if name.endswith(own):
            candidate = name.removesuffix(own) + other
            names = {f.name for f in model._meta.concrete_fields}
            return candidate if candidate in names else None
    return None


def show(record, model_field, labels: Labels) -> str:
    """A field's value in a historical record, as a reader wants to see it."""
    name = model_field.name
    if name.endswith("_on") and partner(record.instance_type, name):
        value = getattr(record, name)
        return format_partial(value, getattr(record, partner(record.instance_type, name)))
    value = getattr(record, model_field.attname)
    if value is None or value == "":
        return ""
    if model_field.is_relation:
        return labels.get(model_field.related_model, value)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("ja") if value else _("nee")
    if isinstance(value, datetime.date):
        return date_format(value, "j F Y")
    return Truncator(str(value)).chars(LONG_TEXT)


def changed_fields(record, previous, skip: set[str]) -> list:
    """The model fields that differ from the previous version (every filled-in
    field for a first version), a partial date's two halves as one."""
    model = record.instance_type
    if previous is None:
        names = [
            f.name
            for f in record.tracked_fields
            if f.editable and not f.primary_key and getattr(record, f.attname) not in (None, "")
        ]
    else:
        names = record.diff_against(previous).changed_fields
    shown = []
    for name in names:
        if name.endswith("_precision") and partner(model, name):
            name = partner(model, name)
            if previous is None and getattr(record, name) is None:
                continue
        model_field = model._meta.get_field(name)
        if name not in skip and model_field not in shown:
            shown.append(model_field)
    return sorted(shown, key=lambda f: model._meta.concrete_fields.index(f))


def entries_for(records, labels: Labels, skip: set[str] = frozenset()) -> list[Entry]:
    """Entries for the records of one model, oldest first, each with what it changed."""
    previous: dict = {}
    entries = []
    for record in sorted(records, key=lambda r: (r.history_date, r.history_id)):
        before = previous.get(record.id)
        changes = []
        if record.history_type != "-":
            changes = [
                Change(
                    model_field.name,
                    capfirst(model_field.verbose_name),
                    show(before, model_field, labels) if before else "",
                    show(record, model_field, labels),
                )
                for model_field in changed_fields(record, before, skip)
            ]
        entries.append(Entry(record, changes))
        previous[record.id] = record
    return entries


def part_subject(entry: Entry, labels: Labels) -> str:
    """What a sponsor, vote or event record is about, for the motion's history;
    on creation the field that says so is not repeated among the changes."""
    record = entry.record
    name = capfirst(record.instance_type._meta.verbose_name)
    if record.instance_type is MotionEvent:
        field_name, value = "kind", record.get_kind_display()
    elif record.faction_id:
        field_name, value = "faction", labels.get(Faction, record.faction_id)
    else:
        field_name, value = "member_name", record.member_name
    if record.history_type == "+":
        entry.changes = [c for c in entry.changes if c.name != field_name]
    return f"{name}: {value}"


def record_entries(model_class, pk: int, records: list, url_name: str) -> list[Entry]:
    """The history of one record, newest first; for a motion with the history of
    its sponsors, votes and events woven in. Every older version of the record
    itself can be reverted to."""
    parts = []
    if model_class is Motion:
        for part_model in MOTION_PARTS:
            parts.extend(part_model.history.filter(motion_id=pk).select_related("history_user"))
    skip = {"motion"}
    labels = Labels([*records, *parts], skip)
    entries = entries_for(records, labels)
    for entry in entries[:-1]:  # the newest is the current version
        if entry.record.history_type != "-":
            entry.revert_url = reverse(
                "workspace:revert", args=[url_name, pk, entry.record.history_id]
            )
    for part_model in MOTION_PARTS:
        own = [p for p in parts if p.instance_type is part_model]
        for entry in entries_for(own, labels, skip):
            entry.subject = part_subject(entry, labels)
            entries.append(entry)
    entries.sort(key=lambda e: (e.record.history_date, e.record.history_id), reverse=True)
    return entries


@requires()
def history(request, model: str, pk: int):
    model_class = history_model(model)
    records = list(
        model_class.history.filter(id=pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    if records:
        exists = records[-1].history_type != "-"
        current = records[-1].instance
    else:  # a record from before its model kept history: "nog geen wijzigingen"
        current, exists = get_object_or_404(model_class, pk=pk), True
    return render(
        request,
        "workspace/history.html",
        {
            "model_name": model,
            "verbose_name": model_class._meta.verbose_name,
            "title": str(current),
            "entries": record_entries(model_class, pk, records, model) if records else [],
            "object_url": object_url(current) if exists else "",
            "deleted": not exists,
        },
    )


def object_url(instance) -> str:
    if isinstance(instance, Motion):
        return reverse("workspace:motion_edit", args=[instance.pk])
    if hasattr(instance, "get_absolute_url"):
        return instance.get_absolute_url()
    return ""


@requires("motions.revert_history")
@require_POST
def revert(request, model: str, pk: int, history_id: int):
    model_class = history_model(model)
    record = get_object_or_404(model_class.history.all(), id=pk, history_id=history_id)
    if record.history_type == "-":
        messages.error(request, _("Een verwijdering kunt u niet terugzetten; herstel het record."))
        return redirect("workspace:history", model=model, pk=pk)
    when = date_format(localtime(record.history_date), "j F Y H:i")
    reason = _("Teruggezet naar versie van %(when)s") % {"when": when}
    skipped = []
    try:
        with transaction.atomic():
            if model_class is Motion:  # with its sponsors, votes and events
                _motion, skipped = revert_motion(record, reason)
            else:
                save_version(record, reason)
    except ValidationError as error:
        messages.error(request, not_restored_message(error))
    else:
        messages.success(request, _("Teruggezet naar de versie van %(when)s.") % {"when": when})
        if skipped:
            messages.warning(request, not_all_back(skipped))
    return redirect("workspace:history", model=model, pk=pk)
