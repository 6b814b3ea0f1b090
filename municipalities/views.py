from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from motions.dates import DatePrecision, format_partial
from motions.models import Motion

from .filters import MunicipalityFilter, paginate
from .maps import municipality_outline
from .models import Faction, Municipality

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


def municipality_list(request):
    municipalities = (
        Municipality.objects.with_status().with_latest_motion().for_list().order_by("name", "pk")
    )
    filterset = MunicipalityFilter(request.GET, queryset=municipalities)
    listing = paginate(request, filterset.qs)
    return render(request, "municipalities/list.html", {"filter": filterset, "listing": listing})


def detail(request, slug: str):
    municipality = get_object_or_404(
        Municipality.objects.with_status().select_related("province", "successor"), slug=slug
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
    factions = list(Faction.objects.of_council(municipality))
    return render(
        request,
        "municipalities/detail.html",
        {
            "municipality": municipality,
            "motions": motions,
            "status_sentence": status_sentence(municipality, deciding),
            "factions": factions,
            "predecessors": municipality.predecessors.order_by("-dissolved_on", "name"),
            "outline": municipality_outline(municipality),
        },
    )
