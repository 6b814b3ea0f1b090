from django.urls import path

from . import views

app_name = "municipalities"
urlpatterns = [
    path("<slug:slug>/", views.detail, name="detail"),
]
