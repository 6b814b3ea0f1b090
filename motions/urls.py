from django.urls import path

from . import views
from .councils import views as councils
from .examples import views as examples
from .maps import views as maps
from .reports import views as reports

app_name = "motions"
urlpatterns = [
    path("", councils.home, name="home"),
    path("gemeenten/", councils.municipality_list, name="municipality_list"),
    path("gemeenten/<slug:slug>/", councils.detail, name="municipality"),
    path("kaart/", maps.map_page, name="map"),
    path("kaart/embed/", maps.map_embed, name="map_embed"),
    path("kaart/gemeenten.geojson", maps.map_data, name="map_data"),
    path("kaart/kaart.png", maps.map_image, name="map_image"),
    path("moties/", views.motion_list, name="list"),
    path("moties/<int:pk>/", views.detail, name="detail"),
    path("moties/<int:pk>/document/", views.document, name="document"),
    path("voorbeeldmotie/", examples.model_motion, name="model_motion"),
    path(
        "voorbeeldmotie/<slug:slug>/download/",
        examples.model_motion_download,
        name="model_motion_download",
    ),
    path("melden/", reports.report, name="report"),
    path("melden/bedankt/", reports.thanks, name="report_thanks"),
]
