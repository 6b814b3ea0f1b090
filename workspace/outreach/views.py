"""The volunteers' dashboard and outreach log."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from motions.models import ActionReport, Council, ModelMotion, Motion, MotionEvent
from municipalities.models import ContactMoment, Faction, Municipality, Party

from ..roles import requires
from .filters import ContactMomentFilter
from .forms import ChooseMunicipalityForm, ContactMomentForm, FactionForm

CONTACTS_PER_PAGE = 50
LATEST_CHANGES = 15


def follow_up_weeks() -> int:
    """After how many weeks without an answer a council is asked again."""
    return settings.FOLLOW_UP_WEEKS


# --- what the dashboard lists ---------------------------------------------------
# The models belong to other apps; these queries are the workspace's own view of them.


def due_follow_ups(user, today: datetime.date) -> QuerySet:
    """The user's follow-ups planned for today or earlier and not yet done."""
    return (
        ContactMoment.objects.filter(volunteer=user, follow_up_done=False, follow_up_on__lte=today)
        .select_related("municipality", "faction__party")
        .order_by("follow_up_on", "municipality__name", "pk")
    )


def never_contacted() -> QuerySet:
    """Active municipalities without any contact moment, by province and name."""
    contacted = ContactMoment.objects.filter(municipality=OuterRef("pk"))
    return (
        Municipality.objects.active()
        .filter(~Exists(contacted))
        .select_related("province")
        .only("name", "slug", "province__name")
        .order_by("province__name", "name")
    )


def awaiting_answer(before: datetime.date) -> QuerySet:
    """Active municipalities whose latest contact is one we sent before ``before``:
    nothing came back since."""
    latest = ContactMoment.objects.filter(municipality=OuterRef("pk")).order_by(
        "-date", "-created_at", "-pk"
    )
    return (
        Municipality.objects.active()
        .annotate(
            last_direction=Subquery(latest.values("direction")[:1]),
            last_contact_on=Subquery(latest.values("date")[:1]),
        )
        .filter(last_direction=ContactMoment.Direction.SENT, last_contact_on__lt=before)
        .select_related("province")
        .only("name", "slug", "province__name")
        .order_by("last_contact_on", "name")
    )


def reports_to_triage() -> QuerySet:
    """Reports from the public form that nobody handled yet, oldest first."""
    return (
        ActionReport.objects.filter(outcome=ActionReport.Outcome.NEW)
        .select_related("municipality")
        .only(
            "municipality__name",
            "municipality__slug",
            "action",
            "happened_on",
            "happened_precision",
            "created_at",
        )
        .order_by("created_at", "pk")
    )


@dataclass(frozen=True)
class Change:
    """One history record, as the dashboard shows it."""

    when: datetime.datetime
    who: str
    symbol: str  # simple-history's history_type: + created, ~ changed, - deleted
    kind: str
    name: str
    url: str

    ACTIONS = {  # not a field: it has no annotation
        "+": ("created", gettext_lazy("aangemaakt")),
        "~": ("changed", gettext_lazy("gewijzigd")),
        "-": ("deleted", gettext_lazy("verwijderd")),
    }

    @property
    def action(self) -> str:
        return self.ACTIONS[self.symbol][1]

    @property
    def tone(self) -> str:
        """For the stylesheet: created, changed or deleted."""
        return self.ACTIONS[self.symbol][0]


def _municipality_slug(field: str) -> Subquery:
    return Subquery(Municipality.objects.filter(pk=OuterRef(field)).values("slug")[:1])


def _municipality_name(field: str) -> Subquery:
    return Subquery(Municipality.objects.filter(pk=OuterRef(field)).values("name")[:1])


def _motion_url(motion_id: int, exists: bool) -> str:
    """The motion's page, or for a deleted one its history (which every
    volunteer may read; restoring it is for coordinators)."""
    if exists:
        return reverse("workspace:motion_edit", args=[motion_id])
    return reverse("workspace:history", args=["motion", motion_id])


def _municipality_url(slug: str | None) -> str:
    return reverse("workspace:municipality", args=[slug]) if slug else ""


def _history(model, *fields: str, **annotations) -> list[dict]:
    """The latest history records of one model as dicts: one query."""
    return list(
        model.history.annotate(**annotations)
        .values(
            "history_date",
            "history_type",
            "history_user__username",
            "history_user__first_name",
            *fields,
            *annotations,
        )
        .order_by("-history_date", "-history_id")[:LATEST_CHANGES]
    )


def _change(row: dict, kind: str, name: str, url: str) -> Change:
    who = row["history_user__first_name"] or row["history_user__username"] or _("het systeem")
    return Change(row["history_date"], who, row["history_type"], kind, name, url)


def latest_changes() -> list[Change]:
    """The latest changes by anyone to the records volunteers keep: the newest
    of each model's history, merged. One query per model."""
    kinds = dict(MotionEvent.Kind.choices)
    channels = dict(ContactMoment.Channel.choices)
    motions = _history(
        Motion, "id", "title", exists=Exists(Motion.objects.filter(pk=OuterRef("id")))
    )
    events = _history(
        MotionEvent,
        "kind",
        "motion_id",
        exists=Exists(Motion.objects.filter(pk=OuterRef("motion_id"))),
        motion_title=Subquery(Motion.objects.filter(pk=OuterRef("motion_id")).values("title")),
    )
    contacts = _history(
        ContactMoment,
        "date",
        "channel",
        live_slug=_municipality_slug("municipality_id"),
        municipality_name=_municipality_name("municipality_id"),
    )
    municipalities = _history(Municipality, "name", live_slug=_municipality_slug("id"))
    factions = _history(
        Faction,
        "election_year",
        party_name=Subquery(Party.objects.filter(pk=OuterRef("party_id")).values("name")),
        live_slug=_municipality_slug("municipality_id"),
        municipality_name=_municipality_name("municipality_id"),
    )
    model_motions = _history(ModelMotion, "title", "version")
    changes = [
        *(_change(r, _("motie"), r["title"], _motion_url(r["id"], r["exists"])) for r in motions),
        *(
            _change(
                r,
                _("gebeurtenis"),
                f"{kinds.get(r['kind'], r['kind'])}: {r['motion_title'] or ''}",
                _motion_url(r["motion_id"], r["exists"]),
            )
            for r in events
        ),
        *(
            _change(
                r,
                _("contact"),
                f"{r['municipality_name']}, {r['date']:%d-%m-%Y}, "
                f"{channels.get(r['channel'], r['channel'])}",
                _municipality_url(r["live_slug"]),
            )
            for r in contacts
        ),
        *(
            _change(r, _("gemeente"), r["name"], _municipality_url(r["live_slug"]))
            for r in municipalities
        ),
        *(
            _change(
                r,
                _("fractie"),
                f"{r['party_name']} ({r['municipality_name']}, {r['election_year']})",
                _municipality_url(r["live_slug"]),
            )
            for r in factions
        ),
        *(
            _change(r, _("voorbeeldmotie"), _("%(title)s (versie %(version)s)") % r, "")
            for r in model_motions
        ),
    ]
    changes.sort(key=lambda c: c.when, reverse=True)
    return changes[:LATEST_CHANGES]


# --- views -------------------------------------------------------------------------


@requires()
def dashboard(request):
    choose = ChooseMunicipalityForm(request.GET if "gemeente" in request.GET else None)
    if choose.is_valid():
        slug = choose.cleaned_data["gemeente"].slug
        return redirect(reverse("workspace:municipality", args=[slug]) + "#contact-form")
    today = timezone.localdate()
    weeks = follow_up_weeks()
    context = {
        "today": today,
        "choose": choose,
        "follow_ups": list(due_follow_ups(request.user, today)),
        "never_contacted": list(never_contacted()),
        "awaiting": list(awaiting_answer(today - datetime.timedelta(weeks=weeks))),
        "weeks": weeks,
        "reports": list(reports_to_triage()),
        "changes": latest_changes(),
    }
    return render(request, "workspace/dashboard.html", context)


@requires()
def municipality_log(request, slug: str, faction_form: FactionForm | None = None):
    municipality = get_object_or_404(
        Council.objects.with_status(include_contacted=True).select_related("province"),
        slug=slug,
    )
    posted = request.POST if faction_form is None else None
    form = ContactMomentForm(posted or None, municipality=municipality)
    if posted is not None and request.method == "POST":
        if not request.user.has_perm("municipalities.add_contactmoment"):
            raise PermissionDenied
        if form.is_valid():
            contact = form.save(commit=False)
            contact.volunteer = request.user
            contact.save()
            messages.success(
                request, _("Contact met %(name)s vastgelegd.") % {"name": municipality.name}
            )
            return redirect("workspace:municipality", slug=municipality.slug)
    context = {
        "municipality": municipality,
        "form": form,
        "motions": list(Motion.objects.for_municipality(municipality).newest_first()),
        "factions": list(Faction.objects.of_council(municipality)),
        "contacts": list(
            ContactMoment.objects.filter(municipality=municipality).select_related(
                "volunteer", "faction__party"
            )
        ),
        "today": timezone.localdate(),
        "faction_form": faction_form or FactionForm(municipality=municipality),
    }
    return render(request, "workspace/municipality.html", context)


@requires("municipalities.add_faction")
@require_POST
def faction_add(request, slug: str):
    """A faction added from the municipality's page, so that sponsors and votes
    can be logged; on an error the page shows the form again with its messages."""
    municipality = get_object_or_404(Municipality, slug=slug)
    form = FactionForm(request.POST, municipality=municipality)
    if form.is_valid():
        faction = form.save()
        messages.success(
            request,
            _("Fractie %(party)s (%(year)s) toegevoegd.")
            % {"party": faction.party, "year": faction.election_year},
        )
        return redirect("workspace:municipality", slug=municipality.slug)
    return municipality_log(request, slug, faction_form=form)


@requires("municipalities.change_contactmoment")
@require_POST
def follow_up_done(request, pk: int):
    contact = get_object_or_404(ContactMoment.objects.select_related("municipality"), pk=pk)
    if not contact.follow_up_done:
        contact.follow_up_done = True
        contact.save(update_fields=["follow_up_done"])
    messages.success(
        request,
        _("Opvolging van het contact met %(name)s afgevinkt.") % {"name": contact.municipality},
    )
    next_url = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return HttpResponseRedirect(next_url)
    return redirect("workspace:dashboard")


@requires()
def contact_list(request):
    contacts = ContactMoment.objects.select_related(
        "municipality__province", "volunteer", "faction__party"
    ).order_by("-date", "-created_at", "-pk")
    filterset = ContactMomentFilter(request.GET, queryset=contacts)
    page = Paginator(filterset.qs, CONTACTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "workspace/contacts.html", {"filter": filterset, "page": page})
