"""The site's URLs plus two public pages that fail on purpose, in Dutch and
under /en/, for the error page tests."""

import logging

from django.conf.urls.i18n import i18n_patterns
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.urls import path

from kinderpardon.urls import urlpatterns as site


def broken(request):
    raise RuntimeError("kapot, met opzet")


def logs_a_warning(request):
    logging.getLogger("tests").warning("Iets ging mis")
    return HttpResponse("gelogd")


def forbidden(request):
    raise PermissionDenied


urlpatterns = [
    *i18n_patterns(
        path("kapot/", broken),
        path("verboden/", forbidden),
        path("logt/", logs_a_warning),
        prefix_default_language=False,
    ),
    *site,
]
