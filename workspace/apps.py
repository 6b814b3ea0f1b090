from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class WorkspaceConfig(AppConfig):
    name = "workspace"
    verbose_name = _("Werkplaats")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from motions.signals import report_received

        from .schedules import sync_schedules
        from .triage.emails import notify_volunteers

        report_received.connect(notify_volunteers, dispatch_uid="workspace-report-received")
        # The task queue's schedules follow workspace/schedules.py at every migrate.
        post_migrate.connect(sync_schedules, sender=self, dispatch_uid="workspace-schedules")


class AdminConfig(admin_apps.AdminConfig):
    """Django's admin, with a site whose login goes through the workspace's
    throttle (``workspace.accounts.admin.AdminSite``)."""

    default = False  # named in INSTALLED_APPS; "workspace" itself stays WorkspaceConfig
    default_site = "workspace.accounts.admin.AdminSite"
