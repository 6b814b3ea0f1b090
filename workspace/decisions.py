"""Logging a council's decision outside the admin, and the history of changes."""

from django.http import Http404


def edit(request, pk: int | None = None):
    raise Http404


def delete(request, pk: int):
    raise Http404


def deleted(request):
    raise Http404


def restore(request, history_id: int):
    raise Http404


def history(request, model: str, pk: int):
    raise Http404


def revert(request, model: str, pk: int, history_id: int):
    raise Http404
