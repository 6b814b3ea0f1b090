"""Uploading a spreadsheet: its kind and the file, read when the form is checked."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from .readers import SpreadsheetError, check_upload, read_spreadsheet
from .sheets import SHEETS, MotionSheet


class UploadForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Wat staat er in het bestand?"),
        choices=[(kind, sheet.title) for kind, sheet in SHEETS.items()],
        initial=MotionSheet.kind,
        widget=forms.RadioSelect,
    )
    file = forms.FileField(
        label=gettext_lazy("Bestand (.csv of .xlsx)"),
        widget=forms.FileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        upload = data.get("file")
        if upload and data.get("kind"):
            try:
                check_upload(upload.name, upload.size)  # before reading it into memory
                data["upload"] = read_spreadsheet(data["kind"], upload.name, upload.read())
            except SpreadsheetError as error:
                self.add_error("file", str(error))
        return data
