"""The two roles of the campaign, as Django groups with permissions.

A volunteer reads everything private, logs contacts, creates and edits motions
and triages reports. A coordinator may also delete, merge, import, manage
users and revert history. The groups are created by a data migration
(``workspace/migrations/0001_roles.py``) from the lists below.
"""

from collections.abc import Awaitable, Callable
from typing import TypeVar

from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponseBase

VOLUNTEER = "vrijwilliger"
COORDINATOR = "coördinator"

DOMAIN_APPS = ("municipalities", "motions")

# (app_label, model) pairs a volunteer may add and change; every domain model may be viewed.
VOLUNTEER_EDITS = [
    ("municipalities", "contactmoment"),
    ("municipalities", "faction"),
    ("municipalities", "party"),
    ("motions", "motion"),
    ("motions", "sponsorship"),
    ("motions", "factionvote"),
    ("motions", "motionevent"),
    ("motions", "source"),
    ("motions", "actionreport"),
]
VOLUNTEER_CHANGES = [("municipalities", "municipality")]
COORDINATOR_EXTRA = [
    ("auth", "add_user"),
    ("auth", "change_user"),
    ("auth", "view_user"),
    ("auth", "view_group"),
]


def is_coordinator(user: User) -> bool:
    return user.is_superuser or user.groups.filter(name=COORDINATOR).exists()


View = TypeVar("View", bound=Callable[..., HttpResponseBase | Awaitable[HttpResponseBase]])


class AuthenticatedRequest(HttpRequest):
    """The request of a view behind ``requires``: its user has logged in."""

    user: User


def requires(permission: str = "municipalities.view_contactmoment") -> Callable[[View], View]:
    """Decorator for workspace views: anonymous visitors go to the login page;
    a logged-in user without ``permission`` gets 403. The default permission
    is what every volunteer has: reading the private outreach log. The guarded
    view says so in ``required_permission``, which tests/test_layout.py looks
    for on every view the workspace routes."""
    from django.contrib.auth.decorators import login_required, permission_required

    def decorator(view: View) -> View:
        guarded = login_required(permission_required(permission, raise_exception=True)(view))
        # No type of a view declares the mark, so it is set by name.
        setattr(guarded, "required_permission", permission)  # noqa: B010
        return guarded

    return decorator
