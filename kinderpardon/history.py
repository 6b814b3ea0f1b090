"""Which history records belong to one change.

Every request that writes gets a changeset: an id stored on each history
record written while it runs. A motion saved with its sponsors, votes and
events, or deleted with them, leaves records that share it, so that a revert
or a restore finds the parts that belong to the motion's version by that
explicit link, not by how close in time they were written.
"""

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Protocol

from django.db import models
from django.http import HttpRequest
from django.http.response import HttpResponseBase

_changeset: ContextVar[uuid.UUID | None] = ContextVar("changeset", default=None)


def current_changeset() -> uuid.UUID | None:
    """The changeset of the request (or command) running now, if any."""
    return _changeset.get()


@contextmanager
def changeset() -> Iterator[uuid.UUID]:
    """Tie every history record written inside to one new changeset."""
    new = uuid.uuid4()
    token = _changeset.set(new)
    try:
        yield new
    finally:
        _changeset.reset(token)


class Recorded(Protocol):
    """A model whose changes simple_history records (``history = HistoricalRecords()``)."""

    pk: Any
    # simple_history's HistoryManager: the library has no type information.
    history: Any


class ChangesetMiddleware:
    """One changeset per request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        with changeset():
            return self.get_response(request)


class ChangesetRecord(models.Model):
    """The base of every historical model: ``HistoricalRecords(bases=[ChangesetRecord])``."""

    history_changeset = models.UUIDField(
        null=True, blank=True, editable=False, db_index=True, default=current_changeset
    )

    class Meta:
        abstract = True
