"""Admin for motions, example motions, reports and sources, and for the
municipalities with where their councils stand: where coordinators correct
anything. Partial dates are shown at their precision, never as a
made-up day; the models' ``clean()`` gives the Dutch messages on every form."""

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.contrib import admin, messages
from django.db.models import F, Max, Min, Model, Prefetch, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from kinderpardon import public_data
from kinderpardon.admin import FormDefaults, HistoryAdmin
from kinderpardon.concurrency import VersionedForm
from municipalities.admin import ActiveFilter, BoundaryInline, FactionInline, SuccessionInline
from municipalities.models import Municipality, MunicipalityQuerySet

from .models import (
    ElectionCommitment,
    FactionVote,
    ModelMotion,
    Motion,
    MotionEvent,
    MunicipalityStatus,
    Source,
    Sponsorship,
)
from .models.councils import StatusAnnotations, with_status

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise, WithAnnotations

    MunicipalityWithStatus = WithAnnotations[Municipality, StatusAnnotations]

# Faction.__str__ names its party and council; a faction is found by either,
# its council also without accents.
FACTION_RELATED = ["faction__party", "faction__municipality"]
FACTION_SEARCH = [
    "faction__party__name",
    "faction__municipality__name",
    "faction__municipality__search_text",
]


class DecidedYearFilter(admin.SimpleListFilter):
    """Year of the decision: right for every precision, unlike a day drill-down."""

    title = _("jaar van besluit")
    parameter_name = "jaar"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        # Every year from the first decision to the last: two probes of the
        # date index, as fast for 20,000 motions as for 200 (a list of the
        # years that have one would read them all).
        span = Motion.objects.aggregate(first=Min("decided_on"), last=Max("decided_on"))
        if span["first"] is None:
            return []
        years = range(span["last"].year, span["first"].year - 1, -1)
        return [(str(year), str(year)) for year in years]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(decided_on__year=int(value))
        return queryset


@admin.register(Source)
class SourceAdmin(FormDefaults, admin.ModelAdmin):
    list_display = ["title", "publisher", "published", "kind"]
    list_filter = ["kind"]
    search_fields = ["title", "publisher", "reference"]
    ordering = ["-published_on", "title"]
    fields = [
        "title",
        "publisher",
        "kind",
        ("published_on", "published_precision"),
        "reference",
        "url",
    ]

    @admin.display(description=_("datum"), ordering="published_on")
    def published(self, obj: Source) -> str:
        return obj.published_display


class SponsorshipInline(FormDefaults, admin.TabularInline):
    model = Sponsorship
    fields = ["role", "faction", "party", "member_name"]
    autocomplete_fields = ["faction", "party"]
    extra = 0

    def get_queryset(self, request: HttpRequest) -> QuerySet[Sponsorship]:
        return super().get_queryset(request).select_related("party", *FACTION_RELATED)


class FactionVoteInline(FormDefaults, admin.TabularInline):
    model = FactionVote
    fields = ["faction", "vote"]
    autocomplete_fields = ["faction"]
    extra = 0

    def get_queryset(self, request: HttpRequest) -> QuerySet[FactionVote]:
        return super().get_queryset(request).select_related(*FACTION_RELATED)


class MotionEventInline(FormDefaults, admin.TabularInline):
    model = MotionEvent
    fields = ["kind", "happened_on", "happened_precision", "note", "source_url"]
    extra = 0


class MotionAdminForm(VersionedForm):
    """A change to a sponsor, vote or event is a change to the motion."""

    parts = ((Sponsorship, "motion"), (FactionVote, "motion"), (MotionEvent, "motion"))


@admin.register(Motion)
class MotionAdmin(HistoryAdmin):
    form = MotionAdminForm

    def revert_disabled(self, request: HttpRequest, obj: Model | None = None) -> bool:
        # The workspace reverts a motion with its sponsors, votes and events
        # (workspace.history.restore.revert_motion); the admin would revert only its fields.
        return True

    list_display = ["title", "level", "municipality", "status", "decided", "kind"]
    list_filter = ["level", "status", "kind", "municipality__province", DecidedYearFilter]
    search_fields = [
        "title",
        "summary",
        "text",
        "municipality__name",
        "municipality__search_text",
        "kamerstuk",
    ]
    ordering = [F("decided_on").desc(nulls_last=True), "-pk"]
    autocomplete_fields = ["municipality", "model_motion", "sources"]
    readonly_fields = ["created_at", "updated_at"]
    list_select_related = ["municipality"]
    inlines = [SponsorshipInline, FactionVoteInline, MotionEventInline]
    fieldsets = [
        (_("Wat"), {"fields": ["level", "municipality", "title", "kind", "status"]}),
        (
            _("Data"),
            {
                "fields": [
                    ("submitted_on", "submitted_precision"),
                    ("decided_on", "decided_precision"),
                ]
            },
        ),
        (_("Stemming"), {"fields": ["votes_for", "votes_against"]}),
        (_("Inhoud"), {"fields": ["summary", "text"]}),
        (
            _("Bronnen"),
            {"fields": ["source_url", "document", "sources", "kamerstuk", "model_motion"]},
        ),
        (_("Vastlegging"), {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    @admin.display(description=_("besloten op"), ordering="decided_on")
    def decided(self, obj: Motion) -> str:
        return obj.decided_display


@admin.register(Sponsorship)
class SponsorshipAdmin(HistoryAdmin):
    list_display = ["motion", "role", "faction", "party", "member_name"]
    list_filter = ["role"]
    search_fields = ["motion__title", "member_name", "party__name", *FACTION_SEARCH]
    ordering = ["motion__title", "role", "pk"]
    autocomplete_fields = ["motion", "faction", "party"]
    list_select_related = ["motion", "party", *FACTION_RELATED]


@admin.register(FactionVote)
class FactionVoteAdmin(HistoryAdmin):
    list_display = ["motion", "faction", "vote"]
    list_filter = ["vote"]
    search_fields = ["motion__title", *FACTION_SEARCH]
    ordering = ["motion__title", "faction__party__name"]
    autocomplete_fields = ["motion", "faction"]
    list_select_related = ["motion", *FACTION_RELATED]


@admin.register(MotionEvent)
class MotionEventAdmin(HistoryAdmin):
    list_display = ["motion", "kind", "happened"]
    list_filter = ["kind"]
    search_fields = ["motion__title", "note"]
    ordering = ["-happened_on", "-pk"]
    autocomplete_fields = ["motion"]
    list_select_related = ["motion"]
    fields = ["motion", "kind", ("happened_on", "happened_precision"), "note", "source_url"]

    @admin.display(description=_("datum"), ordering="happened_on")
    def happened(self, obj: MotionEvent) -> str:
        return obj.happened_display


@admin.register(ModelMotion)
class ModelMotionAdmin(HistoryAdmin):
    list_display = ["title", "slug", "version", "status", "updated_at"]
    list_filter = ["status"]
    search_fields = ["title", "slug"]
    ordering = ["slug", "-version"]
    readonly_fields = ["created_at", "updated_at"]
    prepopulated_fields = {"slug": ["title"]}
    actions = ["publish"]

    @admin.action(description=_("Publiceren"))
    def publish(self, request: HttpRequest, queryset: QuerySet) -> None:
        """Publish the chosen versions; an earlier published version of the same
        example motion is then replaced ("vervangen"), so each has one current text."""
        chosen = {}
        for model_motion in queryset.order_by("slug", "version"):
            chosen[model_motion.slug] = model_motion  # the highest chosen version wins
        for slug, model_motion in chosen.items():
            ModelMotion.objects.filter(slug=slug, status=ModelMotion.Status.PUBLISHED).exclude(
                pk=model_motion.pk
            ).update(status=ModelMotion.Status.ARCHIVED, updated_at=timezone.now())
            public_data.renew()  # update() sends no post_save
            model_motion.status = ModelMotion.Status.PUBLISHED
            model_motion.save(update_fields=["status", "updated_at"])
        self.message_user(
            request,
            ngettext(
                "%(count)d voorbeeldmotie gepubliceerd.",
                "%(count)d voorbeeldmoties gepubliceerd.",
                len(chosen),
            )
            % {"count": len(chosen)},
            messages.SUCCESS,
        )


@admin.register(ElectionCommitment)
class ElectionCommitmentAdmin(FormDefaults, admin.ModelAdmin):
    list_display = ["faction", "election_date", "commitment", "checked_on"]
    list_filter = ["commitment", "election_date", "faction__municipality__province"]
    search_fields = [*FACTION_SEARCH, "quote"]
    ordering = ["-election_date", "faction__municipality__name"]
    autocomplete_fields = ["faction"]
    list_select_related = FACTION_RELATED


class StatusFilter(admin.SimpleListFilter):
    """The derived public status; needs the ``with_status()`` annotation."""

    title = _("status")
    parameter_name = "status"

    def lookups(
        self, request: HttpRequest, model_admin: admin.ModelAdmin
    ) -> list[tuple[str, "StrOrPromise"]]:
        return [(s.value, s.label) for s in MunicipalityStatus if s != MunicipalityStatus.CONTACTED]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        if value is not None and value in MunicipalityStatus.values:
            return queryset.filter(status_rank=MunicipalityStatus.rank(MunicipalityStatus(value)))
        return queryset


@admin.register(Municipality)
class MunicipalityAdmin(HistoryAdmin):
    form = VersionedForm
    list_display = ["name", "code", "province", "status_display", "dissolved_on", "successor_names"]
    list_filter = ["province", ActiveFilter, StatusFilter]
    search_fields = ["name", "code", "aliases", "search_text"]
    ordering = ["name"]
    inlines = [SuccessionInline, FactionInline, BoundaryInline]
    fieldsets = [
        (None, {"fields": ["name", "code", "slug", "province", "aliases"]}),
        (_("Contact"), {"fields": ["website", "griffie_email"]}),
        (_("Register"), {"fields": ["began_on", "dissolved_on"]}),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Municipality]:
        # Plain Municipality rows (saved with their history), annotated.
        return with_status(
            super()
            .get_queryset(request)
            .select_related("province")
            .prefetch_related(Prefetch("successors", Municipality.objects.only("name")))
        )

    @admin.display(description=_("opvolgers"))
    def successor_names(self, obj: Municipality) -> str:
        return ", ".join(m.name for m in obj.successors.all())

    def get_prepopulated_fields(
        self, request: HttpRequest, obj: Municipality | None = None
    ) -> dict[str, Sequence[str]]:
        # Only on add: a slug is part of public URLs and should not follow a renaming.
        return {} if obj else {"slug": ["name"]}

    def get_search_results(
        self, request: HttpRequest, queryset: MunicipalityQuerySet, search_term: str
    ) -> tuple[QuerySet[Municipality], bool]:
        """Also match the folded name and aliases as a whole, so that accents and
        case never matter ("súdwest-fryslan", "SUDWEST")."""
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if search_term.strip():
            results |= queryset.search(search_term)
        return results, may_have_duplicates

    @admin.display(description=_("status"), ordering="status_rank")
    def status_display(self, obj: "MunicipalityWithStatus") -> "StrOrPromise":
        return MunicipalityStatus(obj.status).label
