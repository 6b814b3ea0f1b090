"""The volunteers' dashboard and outreach log."""

from django.http import Http404


def dashboard(request):
    raise Http404


def contact_list(request):
    raise Http404


def municipality_log(request, slug: str):
    raise Http404


def follow_up_done(request, pk: int):
    raise Http404
