"""Import and export of motions and contact moments as CSV and XLSX."""

from django.http import Http404


def upload(request):
    raise Http404


def preview(request, token: str):
    raise Http404


def export(request, kind: str, fmt: str):
    raise Http404
