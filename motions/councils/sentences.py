"""Where a council stands and what became of a municipality, in one sentence
each, with dates at their own precision and links to the municipalities named."""

import datetime
from typing import cast

from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kinderpardon.dates import DatePrecision, format_partial
from motions.models import Motion
from municipalities.models import Municipality, Succession

STATUS_SENTENCES: dict[str, str] = {
    Motion.Status.ADOPTED: gettext_noop(
        "De gemeenteraad van %(name)s heeft %(when)s een motie aangenomen."
    ),
    Motion.Status.REJECTED: gettext_noop(
        "De gemeenteraad van %(name)s heeft %(when)s een motie verworpen."
    ),
    Motion.Status.WITHDRAWN: gettext_noop("In %(name)s is %(when)s een motie ingetrokken."),
    Motion.Status.SUBMITTED: gettext_noop(
        "In %(name)s is %(when)s een motie ingediend; de gemeenteraad heeft nog niet besloten."
    ),
    Motion.Status.HELD: gettext_noop(
        "In %(name)s is %(when)s een motie ingediend en aangehouden: "
        "de gemeenteraad besluit er later over."
    ),
}


def status_sentence(municipality: Municipality, motion: Motion | None) -> str:
    """Why the municipality has its status, in one sentence with the motion's
    date at its own precision ("in april 2025", "op 2 oktober 2025")."""
    if motion is None:
        return _("Er is nog geen motie bekend van de gemeenteraad van %(name)s.") % {
            "name": municipality.name
        }
    # The sentence names one event; its date is that event's, or none at all.
    event = (
        "submitted" if motion.status in (Motion.Status.SUBMITTED, Motion.Status.HELD) else "decided"
    )
    on, precision = getattr(motion, f"{event}_on"), getattr(motion, f"{event}_precision")
    when = ""
    if on:
        when = (_("op %(date)s") if precision == DatePrecision.DAY else _("in %(date)s")) % {
            "date": format_partial(on, precision)
        }
    sentence = _(STATUS_SENTENCES[motion.status]) % {"name": municipality.name, "when": when}
    return " ".join(sentence.split())


def _link(municipality: Municipality) -> SafeString:
    return format_html('<a href="{}">{}</a>', municipality.get_absolute_url(), municipality.name)


def ending_sentence(municipality: Municipality, successions: list[Succession]) -> SafeString:
    """What became of a municipality that ended, in the words that fit the
    change, linking to its successors; nothing is said that the verified
    merger data does not give."""
    ended = cast(datetime.date, municipality.dissolved_on)  # only asked of one that ended
    name, date = municipality.name, date_format(ended, "j F Y")
    if not successions:
        return format_html(_("{name} is opgeheven per {date}."), name=name, date=date)
    kind = successions[0].kind
    if kind == Succession.Kind.RENAME:
        sentence = _("{name} heet sinds {date} {successors}.")
    elif kind == Succession.Kind.SPLIT:
        sentence = _("{name} is op {date} opgeheven en verdeeld over {successors}.")
    else:
        sentence = _("{name} is op {date} opgegaan in {successors}.")
    # Each link is escaped by format_html; the word between them is ours.
    links = mark_safe(get_text_list([_link(s.successor) for s in successions], _("en")))  # noqa: S308
    return format_html(sentence, name=name, date=date, successors=links)


def origin_sentence(origin: Succession) -> SafeString:
    """One predecessor of a municipality, as its page lists them."""
    predecessor, successor = origin.predecessor, origin.successor
    ended = cast(datetime.date, predecessor.dissolved_on)  # a predecessor has ended
    date = date_format(ended, "j F Y")
    if origin.kind == Succession.Kind.RENAME:
        sentence = _("Tot {date} heette {successor} {predecessor}.")
    elif origin.share == Succession.Share.PART:
        sentence = _("Op {date} ging een deel van {predecessor} naar {successor}.")
    else:
        sentence = _("Op {date} ging {predecessor} op in {successor}.")
    return format_html(
        sentence, date=date, predecessor=_link(predecessor), successor=successor.name
    )
