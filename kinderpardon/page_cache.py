"""Public pages served from memory while nothing public changed.

The day a news item links to the map, thousands of visitors open the same few
pages. A view marked ``@public_page`` is rendered once per process for each
address and language, and served again from this process's memory until the
public data's version (``kinderpardon/public_data.py``) moves on. Only changes
the public can see renew that version, so a volunteer's contact moment or a
login keeps every page cached, while a saved motion shows at once on every page
in every process: each request reads the shared version first (one short key),
and a new version empties this process's pages.

What is never cached or served from the cache:

- anything but GET and HEAD;
- a visitor who carries a session or a message (a volunteer who is logged in,
  a reporter who just sent the form): their pages are built for them, and
  marked ``Cache-Control: private``;
- an answer that is not a plain 200, that sets a cookie or changes the session;
- a view that is not marked (the workspace, the admin, the files).

A page with a form carries a CSRF token that belongs to one visitor. It is
stored with the token taken out and gets each visitor's own token put back,
with the matching cookie, by the steps of Django's own CSRF middleware; such a
page is ``private`` for proxies, has no ``ETag`` and is never compressed. Every other page has an
``ETag`` (a digest of its body) and ``Last-Modified``, and ``Cache-Control:
public, max-age=0, must-revalidate``: a browser or a proxy in front asks again
each time and gets a ``304`` when nothing changed.

The store is a plain dict per process, least recently used first out, bounded
by ``PUBLIC_PAGE_CACHE_MB``; a process keeps it in memory because fetching a
page body from Redis on every request would cost about as much as the request
itself (measured in issue 11). Sits in ``MIDDLEWARE`` right after the security
and static-file middleware, so a hit skips the rest of the stack (sessions,
languages, CSRF, authentication, history) and never touches the database.
"""

import dataclasses
import functools
import gzip
import hashlib
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.middleware.csrf import CsrfViewMiddleware, get_token
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date

from . import public_data

View = TypeVar("View", bound=Callable[..., HttpResponseBase])

# Exactly what Django's {% csrf_token %} writes; the token is put back per visitor.
CSRF_INPUT = re.compile(rb'(<input type="hidden" name="csrfmiddlewaretoken" value=")[^"]*(")')
CSRF_PLACEHOLDER = b"\x00csrf-token\x00"
ACCEPTS_GZIP = re.compile(r"\bgzip\b")
# The headers a stored page keeps; Django's own middleware adds the rest on every answer.
KEPT_HEADERS = (
    *("Content-Type", "Content-Language", "Content-Disposition", "Vary"),
    *("X-Frame-Options", "Content-Security-Policy"),
)


def public_page(view: View) -> View:
    """Mark a view whose GET answer is the same for every anonymous visitor."""

    @functools.wraps(view)
    def marked(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponseBase:
        response = view(request, *args, **kwargs)
        response.public_page = True  # type: ignore[attr-defined]
        return response

    return marked  # type: ignore[return-value]


@dataclasses.dataclass(frozen=True)
class Page:
    """A stored answer, its headers complete, so that serving it does no work."""

    body: bytes
    # None for an image, and for a page with a form: a compressed token invites BREACH.
    gzipped: bytes | None
    headers: dict[str, str]
    etag: str | None  # None for a page with a visitor's CSRF token
    stored_at: int  # Unix time, whole seconds like HTTP dates

    @property
    def has_form(self) -> bool:
        return self.etag is None


class Store:
    """This process's pages under one public data version, oldest use first out."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pages: OrderedDict[str, Page] = OrderedDict()
        self._version = ""
        self._size = 0

    def get(self, version: str, key: str) -> Page | None:
        with self._lock:
            if version != self._version:
                self._empty(version)
                return None
            page = self._pages.get(key)
            if page is not None:
                self._pages.move_to_end(key)
            return page

    def put(self, version: str, key: str, page: Page) -> None:
        limit = settings.PUBLIC_PAGE_CACHE_MB * 2**20
        if len(page.body) > limit // 10:
            return
        with self._lock:
            if version != self._version:
                self._empty(version)
            if (old := self._pages.pop(key, None)) is not None:
                self._size -= len(old.body)
            self._pages[key] = page
            self._size += len(page.body)
            while self._size > limit:
                _, dropped = self._pages.popitem(last=False)
                self._size -= len(dropped.body)

    def clear(self) -> None:
        with self._lock:
            self._empty("")

    def _empty(self, version: str) -> None:
        self._pages.clear()
        self._size = 0
        self._version = version


store = Store()


def _key(request: HttpRequest) -> str | None:
    """The page's address and language; None when the host is not ours."""
    try:
        host = request.get_host()
    except DisallowedHost:
        return None
    query = request.META.get("QUERY_STRING", "")
    # The language is the path's (i18n_patterns); the locale middleware comes later.
    language = translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE
    return f"{request.scheme}://{host}{request.path}?{query}#{language}"


def _is_personal(request: HttpRequest) -> bool:
    """A session or a message waiting: the page would be this visitor's own."""
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME in cookies or CookieStorage.cookie_name in cookies


def _answer(request: HttpRequest, page: Page, csrf: CsrfViewMiddleware) -> HttpResponseBase:
    if page.has_form:
        # Django's own CSRF steps, as its middleware (further in) would take
        # them: read the visitor's cookie, give a token of it, set the cookie.
        csrf.process_request(request)
        body = page.body.replace(CSRF_PLACEHOLDER, get_token(request).encode())
        return csrf.process_response(request, _response(body, page.headers))
    meta = request.META
    if "HTTP_IF_NONE_MATCH" in meta or "HTTP_IF_MODIFIED_SINCE" in meta:
        not_modified = get_conditional_response(
            request, etag=page.etag, last_modified=page.stored_at
        )
        if not_modified is not None:
            for name, value in page.headers.items():
                not_modified[name] = value
            return not_modified
    if page.gzipped is not None and ACCEPTS_GZIP.search(meta.get("HTTP_ACCEPT_ENCODING", "")):
        return _response(page.gzipped, {**page.headers, "Content-Encoding": "gzip"})
    return _response(page.body, page.headers)


def _response(body: bytes, headers: dict[str, str]) -> HttpResponse:
    return HttpResponse(body, headers={**headers, "Content-Length": str(len(body))})


def _page(request: HttpRequest, response: HttpResponse) -> Page | None:
    """What to keep of ``response``; None when it must not be kept."""
    session = getattr(request, "session", None)
    if (
        response.status_code != 200
        or set(response.cookies) - {settings.CSRF_COOKIE_NAME}
        or (session is not None and session.modified)
        or response.has_header("Cache-Control")  # the view decided for itself
    ):
        return None
    kept = HttpResponse(headers={n: response[n] for n in KEPT_HEADERS if response.has_header(n)})
    patch_vary_headers(kept, ["Cookie"])
    stored_at = int(time.time())
    body = response.content
    if CSRF_INPUT.search(body):  # a form, with this visitor's CSRF token
        patch_cache_control(kept, private=True, no_cache=True)
        body = CSRF_INPUT.sub(rb"\1" + CSRF_PLACEHOLDER + rb"\2", body)
        return Page(body, None, dict(kept.items()), None, stored_at)
    etag = f'W/"{hashlib.sha256(body).hexdigest()[:32]}"'
    patch_vary_headers(kept, ["Accept-Encoding"])
    patch_cache_control(kept, public=True, max_age=0, must_revalidate=True)
    kept["ETag"] = etag
    kept["Last-Modified"] = http_date(stored_at)
    # An image is compressed already: gzip would only cost time.
    compressible = not kept["Content-Type"].startswith("image/")
    gzipped = gzip.compress(body, compresslevel=6, mtime=0) if compressible else None
    return Page(body, gzipped, dict(kept.items()), etag, stored_at)


class PublicPageCacheMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        self.csrf = CsrfViewMiddleware(get_response)

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if request.method not in ("GET", "HEAD") or _is_personal(request):
            response = self.get_response(request)
            if getattr(response, "public_page", False):
                patch_cache_control(response, private=True)
            return response
        key = _key(request)
        version = public_data.version()
        if key is not None and (page := store.get(version, key)) is not None:
            return _answer(request, page, self.csrf)
        response = self.get_response(request)
        if (
            key is not None
            and request.method == "GET"
            and getattr(response, "public_page", False)
            and isinstance(response, HttpResponse)
            and (page := _page(request, response)) is not None
        ):
            store.put(version, key, page)
            return _answer(request, page, self.csrf)
        return response
