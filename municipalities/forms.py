"""Choosing a municipality by typing its name: a text input with a <datalist>
of names (no JavaScript), read on the server by the one resolver
(``municipalities.resolver``): name, alias, slug, CBS code or former name."""

from typing import Any

from django import forms

from kinderpardon.text import fold

from .models import Municipality
from .resolver import resolve

DATALIST_ID = "municipality-names"


def municipality_names() -> list[str]:
    """Names and aliases of today's municipalities, for the <datalist>."""
    names = []
    for name, aliases in Municipality.objects.active().values_list("name", "aliases"):
        names.append(name)
        names.extend(a.strip() for a in aliases.split(",") if a.strip())
    return sorted(names, key=fold)


class MunicipalityNameField(forms.CharField):
    """A municipality typed by name; the page renders ``municipality_names()``
    as ``<datalist id="municipality-names">``.

    By default it cleans to today's municipality: a former name leads to the
    one it became part of, and ``note`` then says why, for the view to show.
    With ``allow_dissolved`` it cleans to the municipality named, also one that
    has since ended (volunteers log motions of councils that have merged since;
    the motion's own rules refuse a decision after the council ended)."""

    def __init__(self, *, allow_dissolved: bool = False, **kwargs: Any) -> None:
        self.allow_dissolved = allow_dissolved
        self.note = ""
        kwargs.setdefault("max_length", 100)
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"list": DATALIST_ID, "autocomplete": "off"})
        )
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        return value.name if isinstance(value, Municipality) else value

    def has_changed(self, initial: Any, data: Any) -> bool:
        """Changed when the name typed is not the one shown."""
        return (self.prepare_value(initial) or "") != (data or "").strip()

    def clean(self, value: Any) -> Municipality | None:
        if isinstance(value, Municipality):
            return value
        text = super().clean(value)  # required and length, on the text typed
        if not text:
            return None
        resolution = resolve(text)
        if self.allow_dissolved:
            return resolution.named
        self.note = resolution.note
        return resolution.municipality
