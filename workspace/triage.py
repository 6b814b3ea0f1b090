"""Triage of the reports councils send in through the public form."""

from django.http import Http404


def queue(request):
    raise Http404


def detail(request, pk: int):
    raise Http404


def reject(request, pk: int):
    raise Http404


def duplicate(request, pk: int):
    raise Http404


def document(request, pk: int):
    raise Http404
