from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from . import views

admin.site.site_header = "Motietracker — beheer"
admin.site.site_title = "Motietracker"
admin.site.index_title = "Beheer"

urlpatterns = [
    path("", views.home, name="home"),
    path("", include("municipalities.urls")),
    path("", include("motions.urls")),
    path("werk/", include("workspace.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
