"""Log lines an operator can act on, and nothing a visitor told us.

Every line written during a request names the request's method, path (never
its query string, which holds search words, nor a password reset link's
token) and the logged-in
user's id (never a name or an e-mail address). Exception texts are kept, since
they say what went wrong, but e-mail addresses and the values PostgreSQL
quotes in a constraint's ``DETAIL`` are blanked out first. Lines go to
standard error, where gunicorn and systemd (or the container runtime) collect
them; README "Errors and logs".
"""

import logging
import re
from collections.abc import Callable
from contextvars import ContextVar

from django.http import HttpRequest
from django.http.response import HttpResponseBase

_current_request: ContextVar[HttpRequest | None] = ContextVar("current_request", default=None)

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
# Paths that carry a secret: the mailed password reset link holds a token that
# sets the account's password (workspace/urls.py, password_reset_confirm).
SECRET_PATH = re.compile(r"(/wachtwoord-herstellen/)[^/]+/[^/]+")
# PostgreSQL: DETAIL:  Key (reporter_email)=(someone@example.org) already exists.
KEY_VALUES = re.compile(r"(Key \([^)]*\))=\(.*?\)(?= already exists| is not present|\.|$)", re.M)


class RequestContextMiddleware:
    """Remembers the request being served, for log lines written without it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        token = _current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            _current_request.reset(token)


def _user_id(request: HttpRequest) -> str:
    user = request.__dict__.get("user")
    if user is None:  # before authentication, or a page served from the cache
        return "-"
    try:
        return str(user.pk) if user.is_authenticated else "anonymous"
    except Exception:  # the session or the database is what failed
        return "?"


def redact_path(path: str) -> str:
    """``path`` without the secrets some paths carry, for a log line."""
    return SECRET_PATH.sub(r"\1…/…", path)


def describe(request: HttpRequest | None) -> str:
    if request is None:
        return "-"
    return f"{request.method} {redact_path(request.path)} user={_user_id(request)}"


class RequestContextFilter(logging.Filter):
    """Adds ``%(context)s``: the request a line was written in, or "-"."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        if not isinstance(request, HttpRequest):
            request = _current_request.get()
        record.context = describe(request)
        return True


def scrub(text: str) -> str:
    return KEY_VALUES.sub(r"\1=(…)", EMAIL.sub("[e-mail]", text))


class ScrubbingFormatter(logging.Formatter):
    """The usual line and traceback, with personal data blanked out."""

    def format(self, record: logging.LogRecord) -> str:
        return scrub(super().format(record))
