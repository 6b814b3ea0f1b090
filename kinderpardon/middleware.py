"""A Content-Security-Policy for the site: scripts, styles and data only from
the app itself (no inline script anywhere, as STYLE.md asks), so injected
markup cannot run. The embeddable map may be framed by any site; all else by
none. The admin keeps Django's own markup and gets no policy."""

from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest
from django.http.response import HttpResponseBase


def _policy(frame_ancestors: str) -> str:
    images = ["'self'", "data:"]
    if settings.MAP_TILE_URL:  # a deployment that switched background tiles on
        tiles = urlsplit(settings.MAP_TILE_URL)
        images.append(f"{tiles.scheme}://{tiles.netloc.replace('{s}', '*')}")
    return "; ".join(
        [
            "default-src 'self'",
            f"img-src {' '.join(images)}",
            "script-src 'self'",
            "style-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            f"frame-ancestors {frame_ancestors}",
        ]
    )


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if "Content-Security-Policy" in response or request.path.startswith("/admin/"):
            return response
        framable = getattr(response, "xframe_options_exempt", False)
        response["Content-Security-Policy"] = _policy("*" if framable else "'none'")
        return response
