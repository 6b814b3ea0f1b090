"""Forms of the outreach log: one contact moment, a faction of the council, and
choosing a municipality from the dashboard."""

from typing import Any, cast

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from municipalities.models import ContactMoment, Faction, Municipality, Party

# The term a new faction belongs to unless said otherwise: the municipal
# elections of March 2026.
LATEST_MUNICIPAL_ELECTION = 2026


class DateInput(forms.DateInput):
    """The browser's date picker; it sends and expects ISO dates."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class FactionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Faction) -> str:
        return f"{obj.party} ({obj.election_year})"


class ContactMomentForm(forms.ModelForm):
    """A contact moment of one municipality; the view adds the volunteer."""

    class Meta:
        model = ContactMoment
        fields = [
            "date",
            "channel",
            "direction",
            "faction",
            "contact_name",
            "contact_email",
            "summary",
            "follow_up_on",
        ]
        field_classes = {"faction": FactionChoiceField}
        widgets = {
            "date": DateInput,
            "follow_up_on": DateInput,
            "summary": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {"follow_up_on": _("Leeg laten als er niets op te volgen is.")}
        error_messages = {
            "faction": {"invalid_choice": _("Kies een fractie uit de raad van deze gemeente.")}
        }

    def __init__(self, *args: Any, municipality: Municipality, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.municipality = municipality
        self.fields["date"].initial = timezone.localdate
        # Most contacts are e-mails we send: preselect them, without an empty choice.
        for name, choices, initial in [
            ("channel", ContactMoment.Channel, ContactMoment.Channel.EMAIL),
            ("direction", ContactMoment.Direction, ContactMoment.Direction.SENT),
        ]:
            choice = cast(forms.ChoiceField, self.fields[name])
            choice.choices = choices.choices
            choice.initial = initial
        faction = cast(FactionChoiceField, self.fields["faction"])
        faction.queryset = (
            Faction.objects.filter(municipality=municipality)
            .select_related("party")
            .order_by("-election_year", "party__name")
        )
        faction.empty_label = _("geen bepaalde fractie")


class ChooseMunicipalityForm(forms.Form):
    """Which municipality to log a contact for, from the dashboard (a GET form)."""

    gemeente = forms.ModelChoiceField(
        label=_("Gemeente"),
        queryset=Municipality.objects.none(),
        to_field_name="slug",
        empty_label=_("kies een gemeente"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Today's, asked anew for every form: a merger takes effect at midnight.
        cast(forms.ModelChoiceField, self.fields["gemeente"]).queryset = (
            Municipality.objects.active().only("name", "slug").order_by("name")
        )


class FactionForm(forms.ModelForm):
    """A faction in this council: a national party, or a local one typed by name."""

    local_party = forms.CharField(
        label=_("of een lokale partij"),
        max_length=150,
        required=False,
        help_text=_(
            "Alleen als de partij niet in de lijst staat; ze wordt voor deze gemeente aangemaakt."
        ),
    )

    class Meta:
        model = Faction
        fields = ["party", "election_year", "seats", "chair_name", "chair_email", "chair_phone"]
        labels = {"party": _("Partij")}

    def __init__(self, *args: Any, municipality: Municipality, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.municipality = municipality
        party = cast(forms.ModelChoiceField, self.fields["party"])
        party.required = False
        party.queryset = Party.objects.filter(
            Q(municipality__isnull=True) | Q(municipality=municipality)
        ).order_by("scope", "name")
        latest = (
            Faction.objects.filter(municipality=municipality)
            .order_by("-election_year")
            .values_list("election_year", flat=True)
            .first()
        )
        self.fields["election_year"].initial = latest or LATEST_MUNICIPAL_ELECTION

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        party, local = cleaned.get("party"), cleaned.get("local_party", "").strip()
        if party and local:
            raise forms.ValidationError(
                _("Kies een partij uit de lijst óf typ een lokale partij, niet allebei.")
            )
        if not party and not local:
            self.add_error("party", _("Kies een partij of typ de naam van een lokale partij."))
        return cleaned

    def save(self, commit: bool = True) -> Faction:
        local = self.cleaned_data.get("local_party", "").strip()
        if local:
            self.instance.party, _created = Party.objects.get_or_create(
                municipality=self.instance.municipality,
                name=local,
                defaults={"scope": Party.Scope.LOCAL},
            )
        return super().save(commit)

    def validate_unique(self) -> None:
        # The party may only be known after save(); check the one faction per term then.
        party = self.cleaned_data.get("party")
        local = self.cleaned_data.get("local_party", "").strip()
        if local:
            party = Party.objects.filter(
                municipality=self.instance.municipality, name=local
            ).first()
        year = self.cleaned_data.get("election_year")
        if (
            party
            and year
            and Faction.objects.filter(
                municipality=self.instance.municipality, party=party, election_year=year
            ).exists()
        ):
            self.add_error(
                None, _("Deze partij heeft al een fractie in deze raad voor deze periode.")
            )
