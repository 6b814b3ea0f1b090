"""The site's absolute address, for what leaves the site: e-mails, feeds,
share cards and embed codes. Taken from ``SITE_URL`` (the operator's), never
from the request's Host header (the sender's)."""

from urllib.parse import urlsplit

from django.conf import settings


def absolute_url(path: str) -> str:
    """``path`` (as ``reverse`` gives it, starting with /) on the site's address."""
    return settings.SITE_URL + path


def site_host() -> str:
    """The site's host (and port, if any), as e-mails name it."""
    return urlsplit(settings.SITE_URL).netloc


def site_uses_https() -> bool:
    return urlsplit(settings.SITE_URL).scheme == "https"
