"""An uploaded file between its upload and its import: kept in the shared
cache under a random token, for the user who uploaded it only (several
processes serve the site, so never in memory or in a local file)."""

import secrets

from django.contrib.auth.models import User
from django.core.cache import cache

from .planner import Plan
from .readers import Upload

CACHE_SECONDS = 60 * 60
CACHE_PREFIX = "spreadsheet-import:"


def store_upload(upload: Upload, user: User) -> str:
    token = secrets.token_urlsafe(24)
    cache.set(CACHE_PREFIX + token, {**upload, "user": user.pk}, CACHE_SECONDS)
    return token


def load_upload(token: str, user: User) -> Upload | None:
    """The stored upload, only for the user who uploaded it."""
    upload = cache.get(CACHE_PREFIX + token)
    return upload if upload and upload.get("user") == user.pk else None


def forget_upload(token: str) -> None:
    cache.delete(CACHE_PREFIX + token)


def remember_preview(token: str, plan: Plan) -> None:
    """What each row looked like in a preview shown, to name the rows that changed
    should its apply be refused (the form itself carries only the digest)."""
    cache.set(f"{CACHE_PREFIX}{token}:{plan.digest}", plan.fingerprints, CACHE_SECONDS)


def shown_preview(token: str, digest: str) -> dict[int, str] | None:
    return cache.get(f"{CACHE_PREFIX}{token}:{digest}") if digest else None
