"""Logging in (with failed attempts throttled), password reset, and the
coordinators' management of volunteer accounts."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import BaseUserCreationForm
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from kinderpardon import ratelimit

from .roles import COORDINATOR, VOLUNTEER, requires

User = get_user_model()


class LoginView(auth_views.LoginView):
    """Django's login, refusing further attempts after too many failures for
    one username or from one address (counted in the shared cache)."""

    template_name = "workspace/login.html"
    redirect_authenticated_user = True

    def _keys(self) -> list[tuple[str, str]]:
        username = self.request.POST.get("username", "")
        return [("login-user", username), ("login-ip", ratelimit.client_ip(self.request))]

    def _blocked(self) -> bool:
        return any(
            ratelimit.count(scope, value) >= settings.LOGIN_FAILURE_LIMIT
            for scope, value in self._keys()
        )

    def post(self, request, *args, **kwargs):
        if self._blocked():
            form = self.get_form()
            form.errors.clear()
            form.add_error(
                None,
                _(
                    "Te veel mislukte pogingen om in te loggen. "
                    "Wacht een kwartier en probeer het dan opnieuw, of herstel uw wachtwoord."
                ),
            )
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        for scope, value in self._keys():
            ratelimit.hit(scope, value, window=settings.LOGIN_FAILURE_WINDOW)
        return super().form_invalid(form)


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "workspace/password_reset.html"
    email_template_name = "workspace/password_reset_email.txt"
    subject_template_name = "workspace/password_reset_subject.txt"
    success_url = reverse_lazy("workspace:password_reset_done")


ROLE_CHOICES = [(VOLUNTEER, _("vrijwilliger")), (COORDINATOR, _("coördinator"))]


class RoleMixin(forms.Form):
    role = forms.ChoiceField(label=_("Rol"), choices=ROLE_CHOICES, initial=VOLUNTEER)

    def save_role(self, user) -> None:
        """A coordinator also works in the admin; a volunteer does not (a
        superuser always may)."""
        user.groups.set([Group.objects.get(name=self.cleaned_data["role"])])
        user.is_staff = self.cleaned_data["role"] == COORDINATOR or user.is_superuser
        user.save(update_fields=["is_staff"])


class UserCreateForm(RoleMixin, BaseUserCreationForm):
    class Meta:
        model = User
        fields = ["username", "first_name", "email"]
        labels = {"first_name": _("Naam")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True


class UserEditForm(RoleMixin, forms.ModelForm):
    class Meta:
        model = User
        fields = ["first_name", "email", "is_active"]
        labels = {"first_name": _("Naam"), "is_active": _("Account actief")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        groups = {g.name for g in self.instance.groups.all()}
        coordinator = COORDINATOR in groups or self.instance.is_superuser
        self.fields["role"].initial = COORDINATOR if coordinator else VOLUNTEER


@requires("auth.view_user")
def user_list(request):
    users = User.objects.order_by("username").prefetch_related(
        Prefetch("groups", queryset=Group.objects.only("name"))
    )
    return render(request, "workspace/users.html", {"users": users})


@requires("auth.add_user")
def user_create(request):
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            user = form.save()
            form.save_role(user)
        messages.success(request, _("Account %(name)s aangemaakt.") % {"name": user.username})
        return redirect("workspace:users")
    return render(request, "workspace/user_form.html", {"form": form, "creating": True})


@requires("auth.change_user")
def user_edit(request, pk: int):
    account = get_object_or_404(User, pk=pk)
    if account.is_superuser and not request.user.is_superuser:
        raise PermissionDenied  # or a coordinator could take over a superuser's account
    form = UserEditForm(request.POST or None, instance=account)
    if request.method == "POST" and form.is_valid():
        if account == request.user and not form.cleaned_data["is_active"]:
            form.add_error("is_active", _("U kunt uw eigen account niet uitschakelen."))
        elif account == request.user and form.cleaned_data["role"] != COORDINATOR:
            form.add_error(
                "role", _("U kunt uw eigen rol niet verlagen; vraag een andere coördinator.")
            )
        else:
            with transaction.atomic():
                form.save()
                form.save_role(account)
            messages.success(request, _("Account %(name)s opgeslagen.") % {"name": account})
            return redirect("workspace:users")
    return render(
        request, "workspace/user_form.html", {"form": form, "account": account, "creating": False}
    )
