"""The decision page's forms bound together: the motion form and its three
formsets, saved together or not at all (``save_decision``: in one transaction,
the motion locked, with the report it came from accepted), and the page's
sections."""

from dataclasses import dataclass, field
from typing import Any, cast

from django.db import transaction
from django.forms import BoundField
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest, QueryDict
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from kinderpardon.concurrency import lock
from kinderpardon.dates import DATE_INPUT_HELP
from motions.models import ActionReport, FactionVote, Motion, MotionEvent, Sponsorship
from municipalities.models import Municipality

from ..history.records import HistoricalRecord, Part, parts_as_of
from ..roles import AuthenticatedRequest
from ..triage.forms import AcceptForm
from ..triage.outcomes import accept
from .forms import (
    EventForm,
    FactionRowsFormSet,
    MotionForm,
    SponsorForm,
    VoteForm,
    VoteFormSet,
    council_factions,
    faction_choices,
    inline,
)
from .merging import keep_rows_of_gone_parts, show_changes_of_others


@dataclass
class Section:
    """One fieldset of the decision page: form fields or a formset."""

    legend: str
    fields: list[BoundField] = field(default_factory=list)
    formset: BaseInlineFormSet | None = None
    help: str = ""
    collapsed: bool = False


class DecisionForms:
    """The motion form and its three formsets, bound together."""

    def __init__(
        self, request: HttpRequest, motion: Motion, municipality: Municipality | None
    ) -> None:
        creating = motion.pk is None
        self.motion = motion
        self.parts_then: dict[type[Part], dict[int, HistoricalRecord]] = {}
        data: QueryDict | None = request.POST if request.method == "POST" else None
        files = request.FILES if request.method == "POST" else None
        initial = {"municipality": municipality} if municipality else {}
        self.form = MotionForm(data, files, instance=motion, initial=initial)
        if data is not None:
            # The municipality of this POST chooses the factions, even when
            # another field of the form is wrong.
            self.form.is_valid()
            municipality = self.form.cleaned_data.get("municipality", municipality)
            opened_at = self.form.opened_at_time
            if not creating and opened_at:
                self.parts_then = parts_as_of(motion.pk, opened_at)
                data = keep_rows_of_gone_parts(data, motion, self.parts_then)
        self.municipality = municipality
        factions = council_factions(municipality)
        latest_term = [f for f in factions if f.election_year == factions[0].election_year]
        faction_rows: dict[str, Any] = {
            "municipality": municipality,
            "form_kwargs": {"faction_options": faction_choices(factions)},
        }
        sponsors = inline(Sponsorship, SponsorForm, FactionRowsFormSet, extra=2 if creating else 1)
        votes = inline(FactionVote, VoteForm, VoteFormSet, extra=1 if factions else 0)
        self.sponsors = sponsors(data, instance=motion, prefix="indieners", **faction_rows)
        self.votes = votes(
            data, instance=motion, prefix="stemmen", latest_term=latest_term, **faction_rows
        )
        self.events = inline(MotionEvent, EventForm)(data, instance=motion, prefix="tijdlijn")
        self.formsets = [self.sponsors, self.votes, self.events]
        self.has_factions = bool(factions)

    def is_valid(self) -> bool:
        valid = all([self.form.is_valid(), *(f.is_valid() for f in self.formsets)])
        if self.form.is_stale:
            for formset in self.formsets:
                show_changes_of_others(formset, self.parts_then.get(formset.model, {}))
        return valid

    def save(self) -> Motion:
        """Call inside the transaction that locked the motion (``save_decision``)."""
        self.motion = self.form.save()
        for formset in self.formsets:
            formset.instance = self.motion
            formset.save()
        return self.motion

    def sections(self) -> list[Section]:
        form = self.form

        def fields(*names: str) -> list[BoundField]:
            return [form[name] for name in names]

        no_factions = ""
        if not self.has_factions and self.municipality is not None:
            no_factions = format_html(
                '{} <a href="{}#factions-heading">{}</a>',
                _("Voor deze gemeente zijn nog geen fracties bekend."),
                reverse("workspace:municipality", args=[self.municipality.slug]),
                _("Voeg ze toe op de pagina van de gemeente."),
            )
        national = form.instance.level == Motion.Level.NATIONAL
        return [
            Section(_("De motie"), fields("municipality", "title", "kind", "status")),
            Section(
                _("Data en stemming"),
                fields("decided_on", "submitted_on", "votes_for", "votes_against"),
                help=str(DATE_INPUT_HELP),
            ),
            Section(_("Indieners"), formset=self.sponsors, help=no_factions),
            Section(
                _("Stem per fractie"),
                formset=self.votes,
                help=no_factions or _("Laat de stem leeg voor een fractie die u niet weet."),
            ),
            Section(_("Inhoud en bron"), fields("summary", "text", "source_url", "document")),
            Section(_("Tijdlijn"), formset=self.events),
            Section(
                _("Motie van de Tweede Kamer"),
                fields("level", "kamerstuk"),
                collapsed=not (national or form["level"].errors or form["kamerstuk"].errors),
            ),
        ]


def save_decision(
    request: AuthenticatedRequest,
    motion: Motion,
    municipality: Municipality | None,
    report: ActionReport | None,
) -> tuple[DecisionForms, AcceptForm | None, bool]:
    """The decision form as sent, and whether it was valid and saved with its
    parts, and the report it came from accepted: all in one transaction, in
    which an existing motion stays locked until its parts are saved. Raises
    AlreadyHandled (and saves nothing) when someone handled the report first."""
    with transaction.atomic():
        if motion.pk is not None:
            motion = cast(Motion, lock(Motion.objects.select_related("municipality"), motion.pk))
        decision = DecisionForms(request, motion, municipality)
        accept_form = AcceptForm(request.POST, report=report) if report else None
        if not (decision.is_valid() and (accept_form is None or accept_form.is_valid())):
            return decision, accept_form, False
        decision.save()
        if report is not None:
            accept(report, decision.motion, request.user)
    return decision, accept_form, True
