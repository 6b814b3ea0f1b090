"""The login forms (the workspace's and the admin's), throttled, and the
coordinators' forms for volunteer accounts, which give one of the two roles."""

from typing import Any, cast

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm, BaseUserCreationForm
from django.contrib.auth.models import Group, User
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from kinderpardon import ratelimit

from ..roles import COORDINATOR, VOLUNTEER
from . import throttle

THROTTLED = "throttled"


class LoginForm(AuthenticationForm):
    """Django's login form, where every password check passes the one throttle
    first (``throttle.py``); the admin's login form is this one too."""

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username")
        if not (username and self.cleaned_data.get("password")):
            return super().clean()  # nothing is checked; the fields say what is missing
        request = cast(HttpRequest, self.request)  # Django's login views always give it
        attempt = throttle.LoginAttempt(username, ratelimit.client_network(request))
        refusal = attempt.start()
        if refusal:
            raise ValidationError(refusal, code=THROTTLED)
        try:
            cleaned = super().clean()
        except ValidationError:
            if self.user_cache is None:
                attempt.failed()
            else:
                attempt.not_a_guess()  # the right password for an account that may not log in here
            raise
        attempt.succeeded()
        return cleaned


class AdminLoginForm(LoginForm, AdminAuthenticationForm):
    pass


ROLE_CHOICES = [(VOLUNTEER, _("vrijwilliger")), (COORDINATOR, _("coördinator"))]


class RoleMixin(forms.Form):
    role = forms.ChoiceField(label=_("Rol"), choices=ROLE_CHOICES, initial=VOLUNTEER)

    def save_role(self, user: User) -> None:
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

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True


class UserEditForm(RoleMixin, forms.ModelForm):
    """An account as a coordinator (``editor``) changes it. Their own account
    they cannot switch off, nor lower to volunteer: another coordinator may."""

    class Meta:
        model = User
        fields = ["first_name", "email", "is_active"]
        labels = {"first_name": _("Naam"), "is_active": _("Account actief")}

    def __init__(self, *args: Any, editor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.editor = editor
        groups = {g.name for g in self.instance.groups.all()}
        coordinator = COORDINATOR in groups or self.instance.is_superuser
        self.fields["role"].initial = COORDINATOR if coordinator else VOLUNTEER

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if self.instance != self.editor:
            return cleaned
        if not cleaned.get("is_active", True):
            self.add_error("is_active", _("U kunt uw eigen account niet uitschakelen."))
        elif cleaned.get("role", COORDINATOR) != COORDINATOR:
            self.add_error(
                "role", _("U kunt uw eigen rol niet verlagen; vraag een andere coördinator.")
            )
        return cleaned
