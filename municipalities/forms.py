"""Choosing a municipality by typing its name: a text input with a <datalist>
of names (no JavaScript), resolved on the server by name, alias, slug or CBS
code, ignoring accents, case and punctuation."""

import difflib
import re

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.text import get_text_list
from django.utils.translation import gettext_lazy as _

from .models import Municipality
from .text import fold, name_slug

DATALIST_ID = "municipality-names"
CBS_CODE = re.compile(r"(?:gm)?\s*(\d{1,4})")


def municipality_names() -> list[str]:
    """Names and aliases of the active municipalities, for the <datalist>."""
    names = []
    for name, aliases in Municipality.objects.active().values_list("name", "aliases"):
        names.append(name)
        names.extend(a.strip() for a in aliases.split(",") if a.strip())
    return sorted(names, key=fold)


def _names(municipality: Municipality) -> list[str]:
    return municipality.search_text.split(" | ")


def _active_successor(municipality: Municipality) -> Municipality | None:
    seen = set()
    while municipality is not None and not municipality.is_active:
        if municipality.pk in seen:
            return None
        seen.add(municipality.pk)
        municipality = municipality.successor
    return municipality


def _choice_list(municipalities) -> str:
    return str(get_text_list([m.name for m in municipalities], _("of")))


def resolve_municipality(text: str, *, allow_dissolved: bool = False) -> Municipality:
    """The one municipality that ``text`` names; otherwise a ValidationError
    that lists what was probably meant. An active municipality wins; a
    dissolved one is returned only with ``allow_dissolved`` (volunteers log
    motions of councils that have since merged), and otherwise named with
    its successor."""
    folded, slug = fold(text), name_slug(text)
    if code := CBS_CODE.fullmatch(folded):
        found = Municipality.objects.filter(code=f"GM{int(code[1]):04d}").first()
        if found and (found.is_active or allow_dissolved):
            return found
    match = Q(search_text__contains=folded)
    if slug:
        match |= Q(slug=slug)
    candidates = list(Municipality.objects.filter(match).select_related("successor"))
    active = [m for m in candidates if m.is_active]
    exact = [m for m in active if m.slug == slug or folded in _names(m)]
    if len(exact) == 1:
        return exact[0]
    if not exact and len(active) == 1:
        return active[0]
    if len(active) > 1:
        # "Bergen": offer Bergen (L.), Bergen (NH.) and Bergen op Zoom, not Steenbergen.
        starting = [m for m in active if any(n.startswith(folded) for n in _names(m))]
        choices = sorted(starting or active, key=lambda m: fold(m.name))[:8]
        raise ValidationError(
            _("Meerdere gemeenten passen bij “%(text)s”: %(choices)s. Typ de volledige naam."),
            code="ambiguous",
            params={"text": text, "choices": _choice_list(choices)},
        )
    named = [m for m in candidates if m.slug == slug or folded in _names(m)]
    if allow_dissolved and len(named) == 1:
        return named[0]
    for dissolved in named:
        successor = _active_successor(dissolved)
        if successor is not None:
            raise ValidationError(
                _("De gemeente %(old)s is opgegaan in %(new)s. Kies %(new)s."),
                code="dissolved",
                params={"old": dissolved.name, "new": successor.name},
            )
    everything = {
        name: m
        for m in Municipality.objects.active().only("name", "search_text")
        for name in _names(m)
    }
    close = difflib.get_close_matches(folded, everything, n=5, cutoff=0.6)
    suggestions = list(dict.fromkeys(everything[name] for name in close))
    if suggestions:
        raise ValidationError(
            _("We kennen geen gemeente “%(text)s”. Bedoelt u %(choices)s?"),
            code="unknown",
            params={"text": text, "choices": _choice_list(suggestions)},
        )
    raise ValidationError(
        _("We kennen geen gemeente “%(text)s”. Kies een gemeente uit de lijst."),
        code="unknown",
        params={"text": text},
    )


class MunicipalityNameField(forms.CharField):
    """A municipality typed by name; the page renders ``municipality_names()``
    as ``<datalist id="municipality-names">``."""

    def __init__(self, *, allow_dissolved: bool = False, **kwargs):
        self.allow_dissolved = allow_dissolved
        kwargs.setdefault("max_length", 100)
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"list": DATALIST_ID, "autocomplete": "off"})
        )
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return value.name if isinstance(value, Municipality) else value

    def clean(self, value):
        if isinstance(value, Municipality):
            return value
        text = super().clean(value)  # required and length, on the text typed
        return resolve_municipality(text, allow_dissolved=self.allow_dissolved) if text else None
