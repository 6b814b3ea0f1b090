"""The admin site, logging in through the workspace's throttle (installed by
``workspace.apps.AdminConfig``)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse

from .forms import AdminLoginForm
from .views import refused


class AdminSite(admin.AdminSite):
    login_form = AdminLoginForm

    def login(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        return refused(super().login(request, extra_context))
