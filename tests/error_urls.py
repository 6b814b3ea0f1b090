"""The site's URLs plus two public pages that fail on purpose, in Dutch and
under /en/, for the error page tests."""

from django.conf.urls.i18n import i18n_patterns
from django.core.exceptions import PermissionDenied
from django.urls import path

from kinderpardon.urls import urlpatterns as site


def broken(request):
    raise RuntimeError("kapot, met opzet")


def forbidden(request):
    raise PermissionDenied


urlpatterns = [
    *i18n_patterns(
        path("kapot/", broken), path("verboden/", forbidden), prefix_default_language=False
    ),
    *site,
]
