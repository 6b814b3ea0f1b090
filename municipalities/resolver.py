"""One way to read a municipality that a person typed: by name, alias, slug,
CBS code or former name, ignoring accents, case and punctuation, and saying
why whenever the answer is not the name typed ("Schinnen hoort sinds 1 januari
2019 bij Beekdaelen").

The public search, the report form, the decision form and the spreadsheet
import all ask this module, so they cannot disagree. What became of a
municipality that ended comes from its successions (the verified merger file,
or a coordinator), never from a guess.
"""

import datetime
import difflib
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import cast

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import get_text_list
from django.utils.translation import gettext as _

from kinderpardon.text import fold, name_slug

from .models import Municipality, Succession

CBS_CODE = re.compile(r"(?:gm)?\s*(\d{1,4})")
MAX_CHOICES = 8
MIN_FORMER_PREFIX = 3  # letters before a former name is matched by its beginning


def _name(municipality: Municipality) -> str:
    """The name, told apart from a namesake where there is one ("Sluis (tot 1995)")."""
    return municipality.label or municipality.name


def _text_list(municipalities: Iterable[Municipality]) -> str:
    return str(get_text_list([_name(m) for m in municipalities], _("of")))


def _and_list(municipalities: Iterable[Municipality]) -> str:
    return str(get_text_list([_name(m) for m in municipalities], _("en")))


def _day(value: datetime.date) -> str:
    return date_format(value, "j F Y")


@dataclass(frozen=True)
class Resolution:
    """What a text names, and where that municipality lives on today.

    ``named`` is the municipality the text names, which may have ended;
    ``current`` are today's municipalities it is part of (itself, when it
    still exists; several when it was split; none when no successor is
    known); ``note`` says why ``current`` is not ``named``."""

    text: str
    named: Municipality
    current: tuple[Municipality, ...]
    note: str = ""

    @property
    def municipality(self) -> Municipality:
        """Today's one municipality; a ValidationError (in Dutch) when the text
        names one that was split or whose successor is unknown."""
        if len(self.current) == 1:
            return self.current[0]
        if self.current:
            raise ValidationError(
                _("%(old)s bestaat niet meer; het gebied hoort nu bij %(new)s. Kies %(choices)s."),
                code="split",
                params={
                    "old": _name(self.named),
                    "new": _and_list(self.current),
                    "choices": _text_list(self.current),
                },
            )
        ended = self.named.dissolved_on
        if ended is None or ended > timezone.localdate():
            # Not active and not ended: it begins later (next year's merger).
            began = cast(datetime.date, self.named.began_on)
            raise ValidationError(
                _("%(new)s bestaat pas vanaf %(date)s. Kies de gemeente waar het nu bij hoort."),
                code="not_begun",
                params={"new": _name(self.named), "date": _day(began)},
            )
        raise ValidationError(
            _("%(old)s is opgeheven per %(date)s. Kies de gemeente waar het nu bij hoort."),
            code="gone",
            params={"old": _name(self.named), "date": _day(ended)},
        )


@dataclass
class _Path:
    """A municipality of today reached from a former one, and the day it got there."""

    municipality: Municipality
    since: datetime.date


class Register:
    """Every municipality with its names, and every succession, loaded once
    (two queries) to resolve any number of texts against them."""

    def __init__(self) -> None:
        self.municipalities = list(Municipality.objects.order_by("name", "pk"))
        by_pk = {m.pk: m for m in self.municipalities}
        self.successions: dict[int, list[Succession]] = {}
        for succession in Succession.objects.order_by("predecessor", "position", "pk"):
            succession.successor = by_pk[succession.successor_id]
            self.successions.setdefault(succession.predecessor_id, []).append(succession)
        self.origins: dict[int, list[Succession]] = {}
        for successions in self.successions.values():
            for succession in successions:
                succession.predecessor = by_pk[succession.predecessor_id]
                self.origins.setdefault(succession.successor_id, []).append(succession)
        self.by_code = {m.code.upper(): m for m in self.municipalities}
        self.by_name: dict[str, list[Municipality]] = {}
        namesakes = Counter(fold(m.name) for m in self.municipalities)
        for municipality in self.municipalities:
            names = {*names_of(municipality), municipality.slug}
            if namesakes[fold(municipality.name)] > 1 and not municipality.is_active:
                # Not active: it has ended, or not yet begun, so one of the dates is set.
                period = cast(datetime.date, municipality.dissolved_on or municipality.began_on)
                word = _("tot") if municipality.dissolved_on else _("vanaf")
                municipality.label = f"{municipality.name} ({word} {period.year})"
                names.add(fold(municipality.label))
            for name in names:
                self.by_name.setdefault(name, []).append(municipality)

    # --- where a municipality lives on, and what it came from ---------------------

    def successors_on(self, municipality: Municipality, day: datetime.date) -> list[_Path]:
        """The municipalities that held the area of ``municipality`` (which had
        ended) on ``day``, each with the day the area came to it; a successor
        that had itself ended by then leads on to its own successors."""
        return self._successors_on(municipality, day, {municipality.pk})

    def _successors_on(
        self, municipality: Municipality, day: datetime.date, seen: set[int]
    ) -> list[_Path]:
        ended = municipality.dissolved_on
        if ended is None:
            return []  # only a municipality that ended has successors
        paths = []
        for succession in self.successions.get(municipality.pk, []):
            successor = succession.successor
            if successor.pk in seen:
                continue
            seen.add(successor.pk)
            if successor.exists_on(day):
                paths.append(_Path(successor, ended))
            elif successor.dissolved_on is not None and successor.dissolved_on <= day:
                paths.extend(self._successors_on(successor, day, seen))
        return paths

    def predecessors_on(self, municipality: Municipality, day: datetime.date) -> list[Municipality]:
        """The municipalities that ``municipality`` was formed from and that
        existed on ``day``, before it began; one formed later itself leads on to
        its own predecessors. A municipality that joined later is no origin."""
        return self._predecessors_on(municipality, day, {municipality.pk})

    def _predecessors_on(
        self, municipality: Municipality, day: datetime.date, seen: set[int]
    ) -> list[Municipality]:
        began = municipality.began_on
        if began is None:
            return []  # one that always existed was formed from none
        found = []
        origins = [
            o
            for o in self.origins.get(municipality.pk, [])
            if o.predecessor.dissolved_on and o.predecessor.dissolved_on <= began
        ]
        for origin in sorted(origins, key=lambda o: fold(o.predecessor.name)):
            predecessor = origin.predecessor
            if predecessor.pk in seen:
                continue
            seen.add(predecessor.pk)
            if predecessor.exists_on(day):
                found.append(predecessor)
            elif predecessor.began_on is not None and predecessor.began_on > day:
                found.extend(self._predecessors_on(predecessor, day, seen))
        return found

    def resolution(self, text: str, named: Municipality) -> Resolution:
        if named.is_active:
            return Resolution(text, named, (named,))
        paths = self.successors_on(named, timezone.localdate())
        current = tuple(dict.fromkeys(p.municipality for p in paths))
        return Resolution(text, named, current, self._note(named, paths, current))

    def _note(self, named: Municipality, paths: list[_Path], current: tuple) -> str:
        own = self.successions.get(named.pk, [])
        if not current:
            if named.dissolved_on is None or named.dissolved_on > timezone.localdate():
                return ""  # not yet begun: nothing to say
            return _("%(old)s is opgeheven per %(date)s.") % {
                "old": _name(named),
                "date": _day(named.dissolved_on),
            }
        if len(current) > 1:
            return _("%(old)s bestaat niet meer; het gebied hoort nu bij %(new)s.") % {
                "old": _name(named),
                "new": _and_list(current),
            }
        renamed = len(own) == 1 and own[0].kind == Succession.Kind.RENAME
        if renamed and own[0].successor.is_active and named.dissolved_on is not None:
            return _("%(old)s heet sinds %(date)s %(new)s.") % {
                "old": _name(named),
                "date": _day(named.dissolved_on),
                "new": current[0].name,
            }
        since = max(p.since for p in paths)
        return _("%(old)s hoort sinds %(date)s bij %(new)s.") % {
            "old": _name(named),
            "date": _day(since),
            "new": current[0].name,
        }

    # --- reading a text ----------------------------------------------------------------

    def resolve(self, text: str) -> Resolution:
        """The municipality ``text`` names; a ValidationError with what was
        probably meant when it names none, or several."""
        named = self._named(text)
        return self.resolution(text, named)

    def _named(self, text: str) -> Municipality:
        folded = fold(text)
        if code := CBS_CODE.fullmatch(folded):
            found = self.by_code.get(f"GM{int(code[1]):04d}")
            if found is not None:
                return found
        exact = self.by_name.get(folded, []) + self.by_name.get(name_slug(text), [])
        exact = list(dict.fromkeys(exact))
        active = [m for m in exact if m.is_active]
        if len(active) == 1:  # "Sluis": today's, not the one that ended in 1995
            return active[0]
        if len(exact) == 1:
            return exact[0]
        if exact:
            raise self._ambiguous(text, exact)
        within = [m for m in self.municipalities if m.is_active and folded in m.search_text]
        if len(within) == 1:
            return within[0]
        if within:
            # "Bergen": offer Bergen (L.), Bergen (NH.) and Bergen op Zoom, not Steenbergen.
            starting = [m for m in within if any(n.startswith(folded) for n in names_of(m))]
            raise self._ambiguous(text, starting or within)
        former = self.former(folded)
        if len(former) == 1:
            return former[0]
        if former:
            raise self._ambiguous(text, former)
        raise self._unknown(text)

    def former(self, folded: str) -> list[Municipality]:
        """Municipalities that ended, named by ``folded`` or by its beginning."""
        if len(folded) < MIN_FORMER_PREFIX:
            return []
        return [
            m
            for m in self.municipalities
            if not m.is_active and any(n.startswith(folded) for n in names_of(m))
        ]

    def _label(self, municipality: Municipality) -> str:
        if municipality.is_active:
            return municipality.name
        current = self.resolution(municipality.name, municipality).current
        if current:
            return _("%(old)s (nu %(new)s)") % {
                "old": _name(municipality),
                "new": _and_list(current),
            }
        return _("%(old)s (opgeheven)") % {"old": _name(municipality)}

    def _ambiguous(self, text: str, candidates: list[Municipality]) -> ValidationError:
        choices = sorted(candidates, key=lambda m: (not m.is_active, fold(m.name)))[:MAX_CHOICES]
        return ValidationError(
            _("Meerdere gemeenten passen bij “%(text)s”: %(choices)s. Typ de volledige naam."),
            code="ambiguous",
            params={
                "text": text,
                "choices": str(get_text_list([self._label(m) for m in choices], _("of"))),
            },
        )

    def _unknown(self, text: str) -> ValidationError:
        everything = {name: m for m in self.municipalities for name in names_of(m)}
        close = difflib.get_close_matches(fold(text), everything, n=5, cutoff=0.6)
        suggestions = list(dict.fromkeys(everything[name] for name in close))
        if suggestions:
            labels = [self._label(m) for m in suggestions]
            return ValidationError(
                _("We kennen geen gemeente “%(text)s”. Bedoelt u %(choices)s?"),
                code="unknown",
                params={"text": text, "choices": str(get_text_list(labels, _("of")))},
            )
        return ValidationError(
            _("We kennen geen gemeente “%(text)s”. Kies een gemeente uit de lijst."),
            code="unknown",
            params={"text": text},
        )

    def search(self, text: str) -> list[Resolution]:
        """For the public list: the municipalities that ended whose name (or
        its beginning) is ``text``, each with where it lives on today."""
        folded = fold(text)
        found = self.former(folded)
        if code := CBS_CODE.fullmatch(folded):
            coded = self.by_code.get(f"GM{int(code[1]):04d}")
            if coded is not None and not coded.is_active:
                found.append(coded)
        return [self.resolution(text, m) for m in dict.fromkeys(found)]


_in_use: ContextVar["Register | None"] = ContextVar("register", default=None)


@contextmanager
def reusing(register: Register) -> Iterator[Register]:
    """Let the rules of the records validated inside read ``register`` instead
    of loading one each (an import checks thousands of rows against one)."""
    token = _in_use.set(register)
    try:
        yield register
    finally:
        _in_use.reset(token)


def _register() -> Register:
    return _in_use.get() or Register()


def ended_problem(municipality: Municipality, first: datetime.date, when: str) -> str:
    """Why the council of ``municipality`` cannot have acted in a period that
    starts on ``first`` (``when``: "op 15 oktober 2025", "in april 2022"), or "":
    the municipality had ended by then. The message names the councils that held
    the area (the register is read only when there is something to say)."""
    if municipality.dissolved_on is None or municipality.dissolved_on > first:
        return ""
    register = _register()
    paths = register.successors_on(municipality, first)
    holders = list(dict.fromkeys(path.municipality for path in paths))
    params = {
        "old": _name(register.by_code.get(municipality.code.upper(), municipality)),
        "when": when,
    }
    if not holders:
        return _("%(old)s bestond %(when)s niet meer: de gemeente is opgeheven per %(date)s.") % {
            **params,
            "date": _day(municipality.dissolved_on),
        }
    params["since"] = _day(max(path.since for path in paths))
    if len(holders) == 1:
        return _(
            "%(old)s bestond %(when)s niet meer: het hoort sinds %(since)s bij %(new)s. "
            "Kies %(new)s."
        ) % {**params, "new": holders[0].name}
    return _(
        "%(old)s bestond %(when)s niet meer: het gebied hoort sinds %(since)s bij %(new)s. "
        "Kies %(choices)s."
    ) % {**params, "new": _and_list(holders), "choices": _text_list(holders)}


def not_begun_problem(municipality: Municipality, last: datetime.date, when: str) -> str:
    """Why the council of ``municipality`` cannot have acted in a period that
    ends on ``last``, or "": the municipality had not yet begun. The message
    names the councils it was formed from."""
    if municipality.began_on is None or municipality.began_on <= last:
        return ""
    register = _register()
    named = register.by_code.get(municipality.code.upper(), municipality)
    params = {"new": _name(named), "when": when, "date": _day(municipality.began_on)}
    origins = register.predecessors_on(municipality, last)
    if not origins:
        return _("%(new)s bestond %(when)s nog niet: de gemeente ontstond op %(date)s.") % params
    return _(
        "%(new)s bestond %(when)s nog niet: de gemeente ontstond op %(date)s uit %(old)s. "
        "Kies %(choices)s."
    ) % {**params, "old": _and_list(origins), "choices": _text_list(origins)}


def names_of(municipality: Municipality) -> list[str]:
    """A municipality's folded name and aliases."""
    return municipality.search_text.split(" | ")


def resolve(text: str) -> Resolution:
    """Resolve one text (two queries); see ``Register.resolve``."""
    return Register().resolve(text)
