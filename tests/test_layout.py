"""The apps depend one way (DESIGN.md): workspace on motions on municipalities
on kinderpardon. ``lint-imports`` (in ``make lint``) proves it for imports;
this test proves it for what an import check cannot see: a model, URL or app
reached by its name ("motions.Motion", ``apps.get_model("motions", ...)``,
"motions:detail"). And every view the workspace routes is behind
``workspace.roles.requires``, but for Django's own views of logging in and
passwords (public, or behind Django's login_required)."""

import ast
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.contrib.auth import views as auth_views
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import URLPattern, URLResolver, reverse
from django.views.decorators.http import require_POST

ROOT = Path(__file__).resolve().parent.parent
ABOVE = {
    "kinderpardon": ["municipalities", "motions", "workspace"],
    "municipalities": ["motions", "workspace"],
    "motions": ["workspace"],
}
# The composition root names every app: what is installed, and where its URLs go.
COMPOSITION_ROOT = {ROOT / "kinderpardon" / "settings.py", ROOT / "kinderpardon" / "urls.py"}


def names_above(app: str, path: Path) -> list[str]:
    pattern = re.compile(rf"^({'|'.join(ABOVE[app])})([.:]|$)")
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        f"{path.relative_to(ROOT)}:{node.lineno}: {node.value!r}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and pattern.match(node.value)
    ]


@pytest.mark.parametrize("app", sorted(ABOVE))
def test_no_app_names_an_app_above_it(app):
    files = [
        path
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts and path not in COMPOSITION_ROOT
    ]
    assert files
    assert [found for path in files for found in names_above(app, path)] == []


# Django's views for logging in and out and for passwords, routed as they are
# or subclassed (workspace.accounts): the login and the password reset are
# public by nature; Django guards its password change views with login_required.
PUBLIC_AUTH_VIEWS = (
    auth_views.LoginView,
    auth_views.LogoutView,
    auth_views.PasswordResetView,
    auth_views.PasswordResetDoneView,
    auth_views.PasswordResetConfirmView,
    auth_views.PasswordResetCompleteView,
)
LOGIN_REQUIRED_AUTH_VIEWS = (auth_views.PasswordChangeView, auth_views.PasswordChangeDoneView)


def routed(patterns: list) -> Iterator[tuple[str, Callable]]:
    """(URL name, view) of each path, in included URL maps too."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from routed(pattern.url_patterns)
        elif isinstance(pattern, URLPattern):
            yield str(pattern.name), pattern.callback


def is_view_of(view: Callable, classes: tuple[type, ...]) -> bool:
    view_class = getattr(view, "view_class", None)
    return isinstance(view_class, type) and issubclass(view_class, classes)


def is_guarded(view: Callable) -> bool:
    """Whether ``workspace.roles.requires`` wraps the view (it marks what it wraps)."""
    return isinstance(getattr(view, "required_permission", None), str)


def test_every_routed_workspace_view_is_behind_requires():
    from workspace.urls import urlpatterns

    django_auth = PUBLIC_AUTH_VIEWS + LOGIN_REQUIRED_AUTH_VIEWS
    views = [
        (name, view) for name, view in routed(urlpatterns) if not is_view_of(view, django_auth)
    ]
    assert len(views) > 20  # the workspace's own views were found
    assert [name for name, view in views if not is_guarded(view)] == []


def test_the_routed_password_change_views_send_an_anonymous_visitor_to_the_login():
    from workspace.urls import urlpatterns

    views = [view for _, view in routed(urlpatterns) if is_view_of(view, LOGIN_REQUIRED_AUTH_VIEWS)]
    assert len(views) == 2
    for view in views:
        request = RequestFactory().get("/werk/wachtwoord/")
        request.user = AnonymousUser()
        response = view(request)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("workspace:login"))


def test_a_view_counts_as_guarded_only_when_requires_wraps_it():
    from workspace.roles import requires

    def view(request):
        return HttpResponse()

    assert not is_guarded(view)
    assert not is_guarded(transaction.non_atomic_requests(require_POST(view)))
    assert is_guarded(requires()(view))
    assert is_guarded(transaction.non_atomic_requests(requires("motions.add_motion")(view)))
    assert is_guarded(require_POST(requires()(view)))
