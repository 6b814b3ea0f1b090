"""Councils report back: the public form for council members and griffiers."""

from django.http import Http404


def report(request):
    raise Http404


def thanks(request):
    raise Http404
