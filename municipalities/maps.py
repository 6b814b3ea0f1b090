"""The public map: the page, its embeddable version, its GeoJSON data and a
shareable image, all drawn from the stored boundaries and derived statuses."""

from django.http import Http404


def map_page(request):
    raise Http404


def map_embed(request):
    raise Http404


def map_data(request):
    raise Http404


def map_image(request):
    raise Http404
