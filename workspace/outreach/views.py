"""The volunteers' dashboard and outreach log: contacts with each council, its
factions, and the list of all contacts."""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from motions.models import Council, Motion
from municipalities.models import ContactMoment, Faction, Municipality

from ..roles import AuthenticatedRequest, requires
from .filters import ContactMomentFilter
from .forms import ChooseMunicipalityForm, ContactMomentForm, FactionForm
from .recent import latest_changes
from .worklists import (
    awaiting_answer,
    due_follow_ups,
    first_rows,
    follow_up_weeks,
    never_contacted,
    reports_to_triage,
)

CONTACTS_PER_PAGE = 50
MOTIONS_PER_PAGE = 10  # on a council's log, which shows its first contacts too


@requires()
def dashboard(request: AuthenticatedRequest) -> HttpResponse:
    choose = ChooseMunicipalityForm(request.GET if "gemeente" in request.GET else None)
    if choose.is_valid():
        slug = choose.cleaned_data["gemeente"].slug
        return redirect(reverse("workspace:municipality", args=[slug]) + "#contact-form")
    today = timezone.localdate()
    weeks = follow_up_weeks()
    follow_ups = due_follow_ups(request.user, today)
    reports = reports_to_triage()
    context = {
        "today": today,
        "choose": choose,
        "follow_ups": first_rows(follow_ups),
        "never_contacted": list(never_contacted()),
        "awaiting": list(awaiting_answer(today - datetime.timedelta(weeks=weeks))),
        "weeks": weeks,
        "reports": first_rows(reports),
        "changes": latest_changes(),
    }
    return render(request, "workspace/outreach/dashboard.html", context)


def council_or_404(slug: str) -> Council:
    """The council of the log page, with its status as volunteers see it."""
    return get_object_or_404(
        Council.objects.with_status(include_contacted=True).select_related("province"),
        slug=slug,
    )


@requires()
def municipality_log(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    municipality = council_or_404(slug)
    form = ContactMomentForm(request.POST or None, municipality=municipality)
    if request.method == "POST":
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
    return log_page(request, municipality, form, FactionForm(municipality=municipality))


@requires("municipalities.add_faction")
@require_POST
def faction_add(request: AuthenticatedRequest, slug: str) -> HttpResponse:
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
    if not request.user.has_perm("municipalities.view_contactmoment"):
        raise PermissionDenied  # the page shows the outreach log
    council = council_or_404(slug)
    return log_page(request, council, ContactMomentForm(municipality=council), form)


def log_page(
    request: AuthenticatedRequest,
    municipality: Council,
    form: ContactMomentForm,
    faction_form: FactionForm,
) -> HttpResponse:
    """A council's outreach log: its motions, factions and contacts, with the
    forms to log a contact and to add a faction."""
    motions = Motion.objects.for_municipality(municipality).newest_first()
    contacts = ContactMoment.objects.filter(municipality=municipality).select_related(
        "volunteer", "faction__party"
    )
    context = {
        "municipality": municipality,
        "form": form,
        "motions": Paginator(motions, MOTIONS_PER_PAGE).get_page(request.GET.get("page")),
        "factions": list(Faction.objects.of_council(municipality)),
        "contacts": first_rows(contacts.order_by("-date", "-created_at", "-pk")),
        "today": timezone.localdate(),
        "faction_form": faction_form,
    }
    return render(request, "workspace/outreach/municipality.html", context)


@requires("municipalities.change_contactmoment")
@require_POST
def follow_up_done(request: AuthenticatedRequest, pk: int) -> HttpResponse:
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
def contact_list(request: AuthenticatedRequest) -> HttpResponse:
    contacts = ContactMoment.objects.select_related(
        "municipality__province", "volunteer", "faction__party"
    ).order_by("-date", "-created_at", "-pk")
    filterset = ContactMomentFilter(request.GET, queryset=contacts)
    page = Paginator(filterset.qs, CONTACTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "workspace/outreach/contacts.html", {"filter": filterset, "page": page})
