from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

admin.site.site_header = "Motietracker — beheer"
admin.site.site_title = "Motietracker"
admin.site.index_title = "Beheer"

# The public site is Dutch at its plain URLs and English under /en/; a visitor
# switches by link, never by what the browser happens to prefer. The workspace
# and the admin are Dutch only.
urlpatterns = [
    path("werk/", include("workspace.urls")),
    # The admin's login page links here ("forgotten your password?"); the
    # workspace's reset serves both.
    path(
        "admin/wachtwoord-vergeten/",
        RedirectView.as_view(pattern_name="workspace:password_reset"),
        name="admin_password_reset",
    ),
    path("admin/", admin.site.urls),
    *i18n_patterns(path("", include("motions.urls")), prefix_default_language=False),
]
