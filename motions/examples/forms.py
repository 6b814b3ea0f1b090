"""The example motion's forms: which municipality to fill it in for, and the
format of a download."""

from collections.abc import Iterator
from itertools import groupby
from operator import attrgetter
from typing import Any, Self

from django import forms
from django.db.models import QuerySet
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext_lazy as _

from municipalities.models import Municipality


class ByProvinceIterator(ModelChoiceIterator):
    """Choices grouped by province, so the <select> shows them as <optgroup>s."""

    def __iter__(self) -> Iterator[tuple[str, Any]]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        # Iterating the queryset itself (not .iterator()) caches the rows, so
        # rendering the <select> costs one query however often it looks.
        for province, municipalities in groupby(self.queryset, key=attrgetter("province")):
            yield (province.name, [self.choice(m) for m in municipalities])


class MunicipalityChoiceField(forms.ModelChoiceField):
    """An active municipality, chosen by slug, grouped by province."""

    iterator = ByProvinceIterator

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("queryset", self.today())
        kwargs.setdefault("to_field_name", "slug")
        kwargs.setdefault("empty_label", _("Kies uw gemeente"))
        kwargs.setdefault(
            "error_messages",
            {"invalid_choice": _("Deze gemeente kennen we niet. Kies uw gemeente uit de lijst.")},
        )
        super().__init__(**kwargs)

    @staticmethod
    def today() -> QuerySet[Municipality]:
        """Today's municipalities: asked anew for every form (a merger takes
        effect at midnight, in a process that has run for days)."""
        by_province = Municipality.objects.active().order_by("province__name", "name")
        return by_province.select_related("province")

    def __deepcopy__(self, memo: dict[int, Any]) -> Self:
        # django-stubs leave out Field.__deepcopy__, which Django defines.
        field = super().__deepcopy__(memo)  # type: ignore[misc]
        field.queryset = self.today()
        return field


class MunicipalityForm(forms.Form):
    """Which municipality to fill the example motion in for (sent by GET)."""

    gemeente = MunicipalityChoiceField(label=_("Uw gemeente"), required=False)


class DownloadForm(MunicipalityForm):
    """The municipality (optional) and the file format of a download."""

    FORMATS = {"txt": _("tekst (.txt)"), "docx": _("Word (.docx)")}

    formaat = forms.ChoiceField(label=_("Bestandsformaat"), choices=FORMATS)
