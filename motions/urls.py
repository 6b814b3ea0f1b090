from django.urls import path

from . import reports, views

app_name = "motions"
urlpatterns = [
    path("moties/", views.motion_list, name="list"),
    path("moties/<int:pk>/", views.detail, name="detail"),
    path("moties/<int:pk>/document/", views.document, name="document"),
    path("voorbeeldmotie/", views.model_motion, name="model_motion"),
    path(
        "voorbeeldmotie/<slug:slug>/download/",
        views.model_motion_download,
        name="model_motion_download",
    ),
    path("melden/", reports.report, name="report"),
    path("melden/bedankt/", reports.thanks, name="report_thanks"),
]
