from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class WorkspaceConfig(AppConfig):
    name = "workspace"
    verbose_name = _("Werkplaats")


class AdminConfig(admin_apps.AdminConfig):
    """Django's admin, with a site whose login goes through the workspace's
    throttle (``workspace.accounts.AdminSite``)."""

    default = False  # named in INSTALLED_APPS; "workspace" itself stays WorkspaceConfig
    default_site = "workspace.accounts.AdminSite"
