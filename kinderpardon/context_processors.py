from typing import TypedDict

from django.conf import settings
from django.http import HttpRequest
from django.urls import translate_url
from django.utils.translation import get_language, get_language_info


class Alternate(TypedDict):
    """The page in one language, for the language switch."""

    code: str
    name: str
    url: str
    current: bool


def languages(request: HttpRequest) -> dict[str, str | list[Alternate]]:
    """The current page in the other languages, for the language switch and
    ``<link rel="alternate" hreflang>`` (on ``SITE_URL``, never on the Host
    header); none for pages in Dutch only (the workspace, the admin)."""
    current = get_language()
    query = request.META.get("QUERY_STRING", "")
    urls = {code: translate_url(request.path, code) for code, _name in settings.LANGUAGES}
    if len(set(urls.values())) < len(urls):
        return {"alternate_languages": [], "site_url": settings.SITE_URL}
    alternates: list[Alternate] = []
    for code, url in urls.items():
        alternates.append(
            {
                "code": code,
                "name": get_language_info(code)["name_local"],
                "url": f"{url}?{query}" if query else url,
                "current": code == current,
            }
        )
    return {"alternate_languages": alternates, "site_url": settings.SITE_URL}
