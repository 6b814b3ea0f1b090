from django.shortcuts import get_object_or_404, render
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kinderpardon.dates import DatePrecision, format_partial
from kinderpardon.lists import paginate
from motions.models import Motion

from .filters import MunicipalityFilter
from .maps import municipality_outline
from .models import Faction, Municipality, Succession

STATUS_SENTENCES = {
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
    name, date = municipality.name, date_format(municipality.dissolved_on, "j F Y")
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
    date = date_format(predecessor.dissolved_on, "j F Y")
    if origin.kind == Succession.Kind.RENAME:
        sentence = _("Tot {date} heette {successor} {predecessor}.")
    elif origin.share == Succession.Share.PART:
        sentence = _("Op {date} ging een deel van {predecessor} naar {successor}.")
    else:
        sentence = _("Op {date} ging {predecessor} op in {successor}.")
    return format_html(
        sentence, date=date, predecessor=_link(predecessor), successor=successor.name
    )


def municipality_list(request):
    municipalities = (
        Municipality.objects.with_status().with_latest_motion().for_list().order_by("name", "pk")
    )
    filterset = MunicipalityFilter(request.GET, queryset=municipalities)
    listing = paginate(request, filterset.qs)
    filterset.explain(listing.page.object_list)
    suggestion = "" if listing.page.paginator.count else filterset.suggestion()
    return render(
        request,
        "municipalities/list.html",
        {"filter": filterset, "listing": listing, "suggestion": suggestion},
    )


def detail(request, slug: str):
    municipality = get_object_or_404(
        Municipality.objects.with_status().select_related("province"), slug=slug
    )
    motions = list(
        Motion.objects.public()
        .for_municipality(municipality)
        .newest_first()
        .prefetch_related("events")  # in their Meta order: oldest first
    )
    # The motion that gives the municipality its status: the newest of that rank.
    deciding = next(
        (m for m in motions if Motion.MUNICIPALITY_STATUS.get(m.status) == municipality.status),
        None,
    )
    ending = ""
    if not municipality.is_active and municipality.dissolved_on:
        successions = list(municipality.successions.select_related("successor"))
        ending = ending_sentence(municipality, successions)
    origins = (
        municipality.origins.filter(predecessor__in=Municipality.objects.dissolved())
        .select_related("predecessor", "successor")
        .order_by("-predecessor__dissolved_on", "predecessor__name")
    )
    return render(
        request,
        "municipalities/detail.html",
        {
            "municipality": municipality,
            "motions": motions,
            "status_sentence": status_sentence(municipality, deciding),
            "factions": list(Faction.objects.of_council(municipality)),
            "ending": ending,
            "origins": [origin_sentence(origin) for origin in origins],
            "outline": municipality_outline(municipality),
        },
    )
