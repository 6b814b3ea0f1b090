"""The decision form's parts: the motion with its dates typed as text ("3-4-2025",
"4-2025", "april 2025", "2025": the way it is written says how precisely it is
known), and the rows of its sponsors, each faction's vote and its timeline."""

from collections.abc import Sequence
from typing import Any, cast

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import models
from django.db.models import Count, F, Sum
from django.forms.models import BaseInlineFormSet, inlineformset_factory
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kinderpardon.concurrency import VersionedForm
from kinderpardon.dates import DatePrecision, PartialDate, PartialDateField
from kinderpardon.uploads import DOCUMENT_KINDS, shorten_document_name, validate_document
from motions.models import FactionVote, Motion, MotionEvent, Sponsorship
from municipalities.forms import MunicipalityNameField
from municipalities.models import Faction, Municipality

from ..history.records import Part

# --- dates known to the day, the month or the year, typed as text -------------


class PartialDatesMixin(forms.ModelForm):
    """For a model form whose ``<name>_on`` fields are PartialDateFields: shows
    the stored (date, precision) pair as text, and stores what was typed back
    into the pair."""

    partial_dates: tuple[str, ...] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in self.partial_dates:
            value = getattr(self.instance, f"{name}_on")
            precision = getattr(self.instance, f"{name}_precision")
            self.initial[f"{name}_on"] = PartialDate(value, precision) if value else None

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned_data = self.cleaned_data
        for name in self.partial_dates:
            if f"{name}_on" in cleaned_data:  # not when what was typed is unreadable
                value = cleaned_data[f"{name}_on"]
                cleaned_data[f"{name}_on"] = value.date if value else None
                precision = value.precision if value else DatePrecision.DAY
                setattr(self.instance, f"{name}_precision", precision)
        return cleaned_data


# --- the motion form -----------------------------------------------------------------


def https_urls(model_field: "models.Field[Any, Any]", **kwargs: Any) -> forms.Field | None:
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

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.municipality_id:
            self.initial["municipality"] = self.instance.municipality
        document = cast(forms.FileField, self.fields["document"])
        document.help_text = _("PDF of Word (of .odt), hooguit %(limit)s MB.") % {
            "limit": settings.MAX_UPLOAD_MB
        }
        # Council file names are often long: clean_document shortens them instead of refusing.
        document.max_length = None

    def clean_document(self) -> Any:
        """A new upload is checked by its content (kinderpardon.uploads)."""
        document = self.cleaned_data.get("document")
        if isinstance(document, UploadedFile):
            validate_document(document)
            shorten_document_name(document)
        return document

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned_data = self.cleaned_data
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


def faction_choices(factions: list[Faction]) -> list[tuple[Any, Any]]:
    """Select options for a council's factions, grouped by term, newest first."""
    groups: dict[int, list[tuple[int, str]]] = {}
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

    def __init__(
        self, *args: Any, faction_options: Sequence[tuple[Any, Any]] = (), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        faction = cast(forms.ModelChoiceField, self.fields["faction"])
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

    def __init__(self, *args: Any, municipality: Municipality | None = None, **kwargs: Any) -> None:
        self.municipality = municipality
        super().__init__(*args, **kwargs)

    def clean(self) -> None:
        # Replaces the generic uniqueness check with readable Dutch messages.
        seen = self.factions_outside_the_form()
        for form in self.forms:
            # A private method of Django's formsets, which the stubs leave out.
            deleted = self._should_delete_form(form)  # type: ignore[attr-defined]
            if deleted or not form.cleaned_data.get("faction"):
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

    def __init__(self, *args: Any, latest_term: Sequence[Faction] = (), **kwargs: Any) -> None:
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


def inline(
    model: type[Part],
    form: type[forms.ModelForm],
    formset: type[BaseInlineFormSet] = BaseInlineFormSet,
    extra: int = 1,
) -> type[BaseInlineFormSet]:
    return inlineformset_factory(
        Motion, model, form=form, formset=formset, extra=extra, can_delete_extra=False
    )


FORMSET_PARTS: dict[str, tuple[type[Part], type[forms.ModelForm]]] = {
    "indieners": (Sponsorship, SponsorForm),
    "stemmen": (FactionVote, VoteForm),
    "tijdlijn": (MotionEvent, EventForm),
}
