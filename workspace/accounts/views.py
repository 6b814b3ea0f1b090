"""Logging in to the workspace (throttled), password reset (throttled), and the
coordinators' management of volunteer accounts."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm
from django.contrib.auth.models import Group, User
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.db import transaction
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from kinderpardon import ratelimit

from ..roles import AuthenticatedRequest, requires
from . import throttle
from .forms import THROTTLED, LoginForm, UserCreateForm, UserEditForm


def refused(response: HttpResponse) -> HttpResponse:
    """A login page that shows a throttle's refusal answers 429 Too Many Requests."""
    form = (getattr(response, "context_data", None) or {}).get("form")
    if form is not None and form.has_error(NON_FIELD_ERRORS, THROTTLED):
        response.status_code = 429
    return response


class LoginView(auth_views.LoginView):
    template_name = "workspace/accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        return refused(super().form_invalid(form))


class PasswordResetView(auth_views.PasswordResetView):
    """Django's password reset, sending at most ``PASSWORD_RESET_LIMIT`` mails
    per e-mail address (and ``PASSWORD_RESET_ADDRESS_LIMIT`` per sender) in
    ``PASSWORD_RESET_WINDOW``."""

    template_name = "workspace/accounts/password_reset.html"
    email_template_name = "workspace/accounts/password_reset_email.txt"
    subject_template_name = "workspace/accounts/password_reset_subject.txt"
    success_url = reverse_lazy("workspace:password_reset_done")

    @property
    def extra_email_context(self) -> dict[str, str]:
        # The link on SITE_URL, never on the Host header a sender chose.
        return {"site_url": settings.SITE_URL}

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        refusal = throttle.password_reset_refusal(
            form.cleaned_data["email"], ratelimit.client_network(self.request)
        )
        if refusal:
            form.add_error(None, refusal)
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Choosing a new password through the mailed link also lifts a login
    block on the account: the block's message points here."""

    template_name = "workspace/accounts/password_reset_confirm.html"
    success_url = reverse_lazy("workspace:password_reset_complete")

    def form_valid(self, form: SetPasswordForm) -> HttpResponse:
        throttle.lift(form.user.get_username())
        return super().form_valid(form)


@requires("auth.view_user")
def user_list(request: AuthenticatedRequest) -> HttpResponse:
    users = list(
        User.objects.order_by("username").prefetch_related(
            Prefetch("groups", queryset=Group.objects.only("name"))
        )
    )
    blocked = throttle.blocked_until([user.get_username() for user in users])
    rows = [(user, blocked.get(user.get_username())) for user in users]
    return render(request, "workspace/accounts/users.html", {"rows": rows})


@requires("auth.change_user")
@require_POST
def user_unblock(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Lift a login block, for a colleague who cannot wait for it to end."""
    account = get_object_or_404(User, pk=pk)
    throttle.lift(account.get_username())
    messages.success(
        request,
        _("De blokkade is opgeheven: %(name)s kan weer inloggen.") % {"name": account},
    )
    return redirect("workspace:users")


@requires("auth.add_user")
def user_create(request: AuthenticatedRequest) -> HttpResponse:
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            user = form.save()
            form.save_role(user)
        messages.success(request, _("Account %(name)s aangemaakt.") % {"name": user.username})
        return redirect("workspace:users")
    return render(request, "workspace/accounts/user_form.html", {"form": form, "creating": True})


@requires("auth.change_user")
def user_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    account = get_object_or_404(User, pk=pk)
    if account.is_superuser and not request.user.is_superuser:
        raise PermissionDenied  # or a coordinator could take over a superuser's account
    form = UserEditForm(request.POST or None, instance=account, editor=request.user)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
            form.save_role(account)
        messages.success(request, _("Account %(name)s opgeslagen.") % {"name": account})
        return redirect("workspace:users")
    return render(
        request,
        "workspace/accounts/user_form.html",
        {"form": form, "account": account, "creating": False},
    )
