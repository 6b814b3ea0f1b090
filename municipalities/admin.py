"""Admin for the register: coordinators correct provinces, boundaries, parties,
factions and the outreach log here (municipalities themselves, shown with
where their councils stand, in ``motions.admin``). Private pages, so private
fields (griffie e-mail, chairs' contacts) are editable; lists never load a
boundary's geometry."""

from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.models import User
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from kinderpardon.admin import FormDefaults, HistoryAdmin
from kinderpardon.concurrency import VersionedForm

from .models import (
    Boundary,
    ContactMoment,
    Faction,
    MunicipalityQuerySet,
    Party,
    Province,
    Succession,
)

if TYPE_CHECKING:
    from django.contrib.admin.options import _FieldGroups
    from django_stubs_ext import StrOrPromise


def geometry_summary(geometry: dict | None) -> str:
    """Type and number of points ("MultiPolygon, 1234 punten"): enough to check
    a boundary without rendering megabytes of coordinates."""
    if not geometry:
        return "-"
    points = 0
    stack = [geometry.get("coordinates", [])]
    while stack:
        item = stack.pop()
        if isinstance(item, list) and item and isinstance(item[0], int | float):
            points += 1
        elif isinstance(item, list):
            stack.extend(item)
    return _("%(kind)s, %(points)d punten") % {"kind": geometry.get("type", "?"), "points": points}


class ActiveFilter(admin.SimpleListFilter):
    title = _("actief of opgeheven")
    parameter_name = "actief"

    def lookups(
        self, request: HttpRequest, model_admin: admin.ModelAdmin
    ) -> list[tuple[str, "StrOrPromise"]]:
        return [("ja", _("actief")), ("nee", _("opgeheven"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        municipalities = cast(MunicipalityQuerySet, queryset)  # a filter of municipality admins
        if self.value() == "ja":
            return municipalities.active()
        if self.value() == "nee":
            return municipalities.dissolved()
        return municipalities


@admin.register(Province)
class ProvinceAdmin(FormDefaults, admin.ModelAdmin):
    list_display = ["name", "code", "slug"]
    search_fields = ["name", "code"]
    ordering = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class FactionInline(FormDefaults, admin.TabularInline):
    model = Faction
    fields = ["party", "election_year", "seats", "chair_name", "chair_email", "chair_phone"]
    autocomplete_fields = ["party"]
    extra = 0
    show_change_link = True

    def get_queryset(self, request: HttpRequest) -> QuerySet[Faction]:
        return super().get_queryset(request).select_related("party")


class BoundaryInline(FormDefaults, admin.TabularInline):
    """Which years have an outline; the geometry itself is never loaded here."""

    model = Boundary
    fields = ["year"]
    readonly_fields = ["year"]
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Boundary]:
        return super().get_queryset(request).defer("geometry")


class SuccessionInline(FormDefaults, admin.TabularInline):
    """What became of a dissolved municipality: next year's mergers are added
    here, each with its source, before the verified file has them."""

    model = Succession
    fk_name = "predecessor"
    fields = ["successor", "kind", "share", "position", "source"]
    autocomplete_fields = ["successor"]
    extra = 0
    verbose_name = _("opvolger")
    verbose_name_plural = _("opvolgers (bij een herindeling)")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Succession]:
        return super().get_queryset(request).select_related("predecessor", "successor")


@admin.register(Boundary)
class BoundaryAdmin(FormDefaults, admin.ModelAdmin):
    """Boundaries come from the import; on change the geometry is only
    summarised, on add it can be pasted as GeoJSON."""

    list_display = ["municipality", "year"]
    list_filter = ["year"]
    search_fields = ["municipality__name", "municipality__search_text"]
    ordering = ["municipality__name", "-year"]
    autocomplete_fields = ["municipality"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Boundary]:
        # Loaded only where it is summarised (one query on the change page).
        return super().get_queryset(request).select_related("municipality").defer("geometry")

    def get_fields(self, request: HttpRequest, obj: Boundary | None = None) -> "_FieldGroups":
        return ["municipality", "year", "geometry_display" if obj else "geometry"]

    def get_readonly_fields(self, request: HttpRequest, obj: Boundary | None = None) -> list[str]:
        return ["geometry_display"] if obj else []

    @admin.display(description=_("geometrie"))
    def geometry_display(self, obj: Boundary) -> str:
        return geometry_summary(obj.geometry)


@admin.register(Party)
class PartyAdmin(FormDefaults, admin.ModelAdmin):
    list_display = ["name", "abbreviation", "scope", "municipality"]
    list_filter = ["scope"]
    search_fields = ["name", "abbreviation", "municipality__name", "municipality__search_text"]
    ordering = ["name"]
    autocomplete_fields = ["municipality"]
    list_select_related = ["municipality"]


@admin.register(Faction)
class FactionAdmin(HistoryAdmin):
    form = VersionedForm
    list_display = ["municipality", "party", "election_year", "seats"]
    list_filter = ["election_year", "party", "municipality__province"]
    search_fields = [
        "municipality__name",
        "municipality__search_text",
        "party__name",
        "party__abbreviation",
    ]
    ordering = ["municipality__name", "-election_year", "party__name"]
    autocomplete_fields = ["municipality", "party"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Faction]:
        # str(faction) names its party and council: also for autocomplete results.
        return super().get_queryset(request).select_related("municipality", "party")


@admin.register(ContactMoment)
class ContactMomentAdmin(HistoryAdmin):
    form = VersionedForm
    list_display = [
        "date",
        "municipality",
        "faction",
        "channel",
        "direction",
        "volunteer",
        "follow_up_on",
        "follow_up_done",
    ]
    list_filter = [
        "channel",
        "direction",
        "follow_up_done",
        "volunteer",  # every account: "only those who logged one" reads all rows
        "municipality__province",
    ]
    search_fields = [
        "municipality__name",
        "municipality__search_text",
        "contact_name",
        "contact_email",
        "summary",
    ]
    ordering = ["-date", "-created_at"]
    # No date_hierarchy: its list of years reads every contact moment (100,000
    # at the benchmark's 100x); the list is newest first, and searchable.
    show_full_result_count = False
    autocomplete_fields = ["municipality", "faction"]
    readonly_fields = ["created_at"]
    list_select_related = ["municipality", "faction__municipality", "faction__party", "volunteer"]
    actions = ["mark_followed_up"]

    def save_model(
        self, request: HttpRequest, obj: ContactMoment, form: forms.ModelForm, change: bool
    ) -> None:
        if not change and obj.volunteer_id is None:
            obj.volunteer = cast(User, request.user)  # the admin is for logged-in staff
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Markeer opvolging als gedaan"))
    def mark_followed_up(self, request: HttpRequest, queryset: QuerySet) -> None:
        """One save each, so that each is in the history and raises its version."""
        count = 0
        for contact in queryset.filter(follow_up_done=False):
            contact.follow_up_done = True
            contact.save(update_fields=["follow_up_done"])
            count += 1
        self.message_user(
            request,
            ngettext(
                "%(count)d contactmoment gemarkeerd als opgevolgd.",
                "%(count)d contactmomenten gemarkeerd als opgevolgd.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )
