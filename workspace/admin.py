"""Accounts are managed in the workspace (/werk/gebruikers/), where a
coordinator can give the two roles and nothing more. Django's own user and
group admin, where any permission can be granted, is for superusers only.

Reports from the public form are triaged in the workspace; their admin, which
links a report's private document through the workspace's download, is here."""

from typing import cast

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, User
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from kinderpardon.admin import FormDefaults
from motions.models import ActionReport


class SuperusersOnly:
    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return request.user.is_superuser

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return request.user.is_superuser


admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(User)
class AccountAdmin(SuperusersOnly, UserAdmin):
    pass


@admin.register(Group)
class RoleAdmin(SuperusersOnly, GroupAdmin):
    pass


@admin.register(ActionReport)
class ActionReportAdmin(FormDefaults, admin.ModelAdmin):
    list_display = [
        "created_at",
        "municipality",
        "action",
        "outcome",
        "reporter_role",
        "handled_by",
    ]
    list_filter = ["outcome", "action", "reporter_role"]
    search_fields = [
        "municipality__name",
        "municipality__search_text",
        "reporter_name",
        "reporter_email",
        "factions",
        "message",
    ]
    ordering = ["-created_at"]
    date_hierarchy = "created_at"
    autocomplete_fields = ["municipality", "motion", "duplicate_of"]
    readonly_fields = [
        "created_at",
        "handled_by",
        "handled_at",
        "personal_data_erased_at",
        "document_link",
    ]
    fieldsets = [
        (
            _("Melding"),
            {
                "fields": [
                    "municipality",
                    "action",
                    ("happened_on", "happened_precision"),
                    "factions",
                    "link",
                    "document_link",
                    "message",
                    "created_at",
                ]
            },
        ),
        (
            _("Melder (privé)"),
            {
                "fields": [
                    "reporter_name",
                    "reporter_role",
                    "reporter_email",
                    "consent",
                    "personal_data_erased_at",
                ]
            },
        ),
        (
            _("Afhandeling"),
            {
                "fields": [
                    "outcome",
                    "outcome_reason",
                    "duplicate_of",
                    "motion",
                    "handled_by",
                    "handled_at",
                ]
            },
        ),
    ]

    @admin.display(description=_("document"))
    def document_link(self, report: ActionReport) -> str:
        """The private document through the workspace's permission-checked download."""
        if not report.document:
            return "—"
        url = reverse("workspace:report_document", args=[report.pk])
        return format_html('<a href="{}">{}</a>', url, _("Download"))

    def get_queryset(self, request: HttpRequest) -> QuerySet[ActionReport]:
        # str(report) names its municipality: also for duplicate_of autocomplete results.
        return super().get_queryset(request).select_related("municipality", "handled_by")

    def save_model(
        self, request: HttpRequest, obj: ActionReport, form: forms.ModelForm, change: bool
    ) -> None:
        """Whoever changes the outcome is recorded as having handled the report."""
        if "outcome" in form.changed_data and obj.outcome != ActionReport.Outcome.NEW:
            obj.handled_by = cast(User, request.user)  # the admin lets in only staff
            obj.handled_at = timezone.now()
        super().save_model(request, obj, form, change)
