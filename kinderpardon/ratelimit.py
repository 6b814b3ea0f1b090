"""A small fixed-window rate limit on the shared cache.

Counting in the cache (Redis in production) keeps the limit right across
several processes; ``cache.add`` + ``cache.incr`` are atomic there. Values are
counted folded (see ``fold``), so ``Anna``, ``anna`` and a full-width ``anna``
share one count. Each count remembers when its window ends, so a refusal can say how
long to wait.
"""

import contextlib
import hashlib
import ipaddress
import math
import time
import unicodedata

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def fold(value: str) -> str:
    """``value`` as a person means it: trimmed, NFKC-normalised and case-folded.
    Django matches usernames after NFKC, so a full-width ``anna`` logs in as
    ``anna``; folding the case as well is stricter than the lookup, never looser."""
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", value).casefold()).strip()


def cache_key(scope: str, value: str) -> str:
    """A short, safe cache key for any typed ``value`` (hashed: no raw names in Redis)."""
    digest = hashlib.sha256(fold(value).encode()).hexdigest()[:32]
    return f"ratelimit:{scope}:{digest}"


def hit(scope: str, value: str, *, window: int) -> int:
    """Count one event for ``value`` in this window and return the count so far."""
    key = cache_key(scope, value)
    try:
        if not cache.add(key, 1, timeout=window):
            return cache.incr(key)
    except ValueError:  # expired between add and incr: a new window starts
        cache.add(key, 1, timeout=window)
    cache.set(f"{key}:until", time.time() + window, timeout=window)
    return 1


def give_back(scope: str, value: str) -> None:
    """Undo one ``hit``: for an event that was counted first and then turned
    out not to count (counting first is what keeps parallel requests inside
    the limit)."""
    with contextlib.suppress(ValueError):  # its window has ended meanwhile
        cache.decr(cache_key(scope, value))


def count(scope: str, value: str) -> int:
    return cache.get(cache_key(scope, value), 0)


def retry_after(scope: str, value: str) -> int:
    """Whole seconds until the window of ``value`` ends (0 when it has none)."""
    until = cache.get(f"{cache_key(scope, value)}:until")
    return max(0, math.ceil(until - time.time())) if until else 0


def reset(scope: str, value: str) -> None:
    key = cache_key(scope, value)
    cache.delete_many([key, f"{key}:until"])


def client_ip(request: HttpRequest) -> str:
    """The visitor's address. Behind our load balancer (``USE_X_FORWARDED_FOR``)
    that is the last ``X-Forwarded-For`` entry, the one the balancer appended
    itself: every earlier entry is whatever the client chose to send."""
    if settings.USE_X_FORWARDED_FOR:
        last = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[-1].strip()
        if last:
            return last
    return request.META.get("REMOTE_ADDR", "")


def client_network(request: HttpRequest) -> str:
    """The visitor's address as a limit should count it: an IPv6 visitor
    commonly holds a whole /64 (and changes address within it), so that /64
    counts as one address; an IPv4 address counts as itself."""
    ip = client_ip(request)
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ip
    if address.version == 6:
        if address.ipv4_mapped:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)
