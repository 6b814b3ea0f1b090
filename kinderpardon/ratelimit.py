"""A small fixed-window rate limit on the shared cache.

Counting in the cache (Redis in production) keeps the limit right across
several processes; ``cache.add`` + ``cache.incr`` are atomic there.
"""

import hashlib

from django.core.cache import cache


def _key(scope: str, value: str) -> str:
    digest = hashlib.sha256(value.strip().casefold().encode()).hexdigest()[:32]
    return f"ratelimit:{scope}:{digest}"


def hit(scope: str, value: str, *, window: int) -> int:
    """Count one event for ``value`` in this window and return the count so far."""
    key = _key(scope, value)
    if cache.add(key, 1, timeout=window):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window)
        return 1


def count(scope: str, value: str) -> int:
    return cache.get(_key(scope, value), 0)


def client_ip(request) -> str:
    """The visitor's address. Behind a proxy, set ``USE_X_FORWARDED_FOR`` so the
    proxy's own address is not what gets limited."""
    from django.conf import settings

    if settings.USE_X_FORWARDED_FOR:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")
