from django.urls import path

from . import maps, views

app_name = "municipalities"
urlpatterns = [
    path("gemeenten/", views.municipality_list, name="list"),
    path("gemeenten/<slug:slug>/", views.detail, name="detail"),
    path("kaart/", maps.map_page, name="map"),
    path("kaart/embed/", maps.map_embed, name="map_embed"),
    path("kaart/gemeenten.geojson", maps.map_data, name="map_data"),
    path("kaart/kaart.png", maps.map_image, name="map_image"),
]
