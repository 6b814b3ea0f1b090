"""The public report form for council members and griffiers. Robots are kept
out by a honeypot field; every field has a length limit, and each document is
checked by its content, not by its name."""

from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from kinderpardon.dates import PartialDateField
from kinderpardon.uploads import shorten_document_name, validate_document
from motions.models import ActionReport
from municipalities.forms import MunicipalityNameField

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

HONEYPOT = "website"


class ReportForm(forms.ModelForm):
    reporter_role = forms.ChoiceField(
        label=_("Uw rol"), choices=ActionReport.Role.choices, widget=forms.RadioSelect
    )
    municipality = MunicipalityNameField(
        label=_("Gemeente"),
        help_text=_("Typ de naam van uw gemeente, bijvoorbeeld Den Haag of Súdwest-Fryslân."),
    )
    action = forms.ChoiceField(
        label=_("Wat is er gebeurd?"), choices=ActionReport.Action.choices, widget=forms.RadioSelect
    )
    happened = PartialDateField(
        allow_future=False,
        label=_("Wanneer?"),
        help_text=_("Een datum (15-04-2025) of alleen de maand (04-2025 of april 2025)."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    link = forms.URLField(
        label=_("Link naar het raadsinformatiesysteem (niet verplicht)"),
        help_text=_("De pagina waar de motie of het besluit van uw raad staat."),
        max_length=500,
        required=False,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"inputmode": "url"}),
    )
    consent = forms.BooleanField(
        error_messages={"required": _("Zonder uw toestemming kunnen we uw melding niet bewaren.")},
    )
    website = forms.CharField(  # the honeypot: people never see it, simple robots fill it in
        label=_("Laat dit veld leeg"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    class Meta:
        model = ActionReport
        fields = [
            "reporter_name",
            "reporter_role",
            "reporter_email",
            "municipality",
            "action",
            "factions",
            "link",
            "document",
            "message",
            "consent",
        ]
        labels = {
            "reporter_name": _("Uw naam"),
            "reporter_email": _("Uw e-mailadres"),
            "factions": _("Welke fractie(s)? (niet verplicht)"),
            "document": _("Document (niet verplicht)"),
            "message": _("Toelichting (niet verplicht)"),
        }
        help_texts = {
            "reporter_email": _(
                "Hierheen sturen we een bevestiging. We tonen het nooit op de site."
            ),
            "factions": _("Bijvoorbeeld: ingediend door GroenLinks-PvdA en ChristenUnie."),
            "message": _("Hooguit 5000 tekens."),
        }
        widgets = {
            "reporter_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "reporter_email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "document": forms.FileInput(
                attrs={"accept": ".pdf,.doc,.docx,.odt,application/pdf,application/msword"}
            ),
            "message": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reporter_name"].required = True
        self.fields["reporter_email"].required = True
        # Council file names are often long; clean_document shortens them instead of refusing.
        cast(forms.FileField, self.fields["document"]).max_length = None  # the model's FileField
        self.fields["document"].help_text = _(
            "De motie of het besluit als PDF- of Word-bestand, hooguit %(mb)s MB. "
            "Alleen vrijwilligers van de campagne zien het."
        ) % {"mb": settings.MAX_UPLOAD_MB}
        self.fields["consent"].label = _(
            "Ik geef toestemming om mijn naam en e-mailadres te bewaren, zodat de campagne "
            "deze melding kan controleren en mij zo nodig kan mailen. Na %(days)s dagen worden "
            "ze gewist, samen met mijn toelichting en document."
        ) % {"days": settings.REPORT_RETENTION_DAYS}

    @property
    def is_trap_filled(self) -> bool:
        """Whether the honeypot was filled in: only robots see that field."""
        return bool(self.data.get(HONEYPOT, "").strip())

    def clean_document(self) -> UploadedFile | None:
        upload = self.cleaned_data.get("document")
        if not upload:
            return upload
        validate_document(upload)
        shorten_document_name(upload)
        return upload

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("happened"):
            self.instance.happened_on, self.instance.happened_precision = cleaned["happened"]
        return cleaned

    def refuse(self, message: "StrOrPromise") -> None:
        """Show only ``message``: the submission was not looked at."""
        self.errors.clear()
        self.add_error(None, message)
