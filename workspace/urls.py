"""The workspace's one URL map: each path names the view in its package
(``workspace/<package>/views.py``), where the page's code starts; the password
pages are Django's own auth views, configured here with our templates."""

from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from .accounts import views as accounts
from .decisions import views as decisions
from .history import views as history
from .jobs import views as jobs
from .outreach import views as outreach
from .spreadsheets import views as spreadsheets
from .triage import views as triage

app_name = "workspace"
urlpatterns = [
    path("", outreach.dashboard, name="dashboard"),
    # accounts/ (with Django's own views for changing a password and the reset's steps)
    path("inloggen/", accounts.LoginView.as_view(), name="login"),
    path("uitloggen/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "wachtwoord/",
        auth_views.PasswordChangeView.as_view(
            template_name="workspace/accounts/password_change.html",
            success_url=reverse_lazy("workspace:password_change_done"),
        ),
        name="password_change",
    ),
    path(
        "wachtwoord/gewijzigd/",
        auth_views.PasswordChangeDoneView.as_view(
            template_name="workspace/accounts/password_change_done.html"
        ),
        name="password_change_done",
    ),
    path("wachtwoord-vergeten/", accounts.PasswordResetView.as_view(), name="password_reset"),
    path(
        "wachtwoord-vergeten/verstuurd/",
        auth_views.PasswordResetDoneView.as_view(
            template_name="workspace/accounts/password_reset_done.html"
        ),
        name="password_reset_done",
    ),
    path(
        "wachtwoord-herstellen/<uidb64>/<token>/",
        accounts.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "wachtwoord-herstellen/klaar/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="workspace/accounts/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
    path("gebruikers/", accounts.user_list, name="users"),
    path("gebruikers/nieuw/", accounts.user_create, name="user_create"),
    path("gebruikers/<int:pk>/", accounts.user_edit, name="user_edit"),
    path("gebruikers/<int:pk>/blokkade-opheffen/", accounts.user_unblock, name="user_unblock"),
    # outreach/
    path("contacten/", outreach.contact_list, name="contacts"),
    path("gemeenten/<slug:slug>/", outreach.municipality_log, name="municipality"),
    path("gemeenten/<slug:slug>/fracties/", outreach.faction_add, name="faction_add"),
    path("contacten/<int:pk>/opgevolgd/", outreach.follow_up_done, name="follow_up_done"),
    # decisions/ and history/
    path("moties/nieuw/", decisions.create, name="motion_create"),
    path("moties/<int:pk>/", decisions.update, name="motion_edit"),
    path("moties/<int:pk>/verwijderen/", decisions.delete, name="motion_delete"),
    path("moties/verwijderd/", history.deleted, name="motions_deleted"),
    path("moties/verwijderd/<int:history_id>/herstellen/", history.restore, name="motion_restore"),
    path("geschiedenis/<str:model>/<int:pk>/", history.history, name="history"),
    path(
        "geschiedenis/<str:model>/<int:pk>/<int:history_id>/terugzetten/",
        history.revert,
        name="revert",
    ),
    # triage/: reports sent in through the public form
    path("meldingen/", triage.queue, name="reports"),
    path("meldingen/<int:pk>/", triage.detail, name="report"),
    path("meldingen/<int:pk>/afwijzen/", triage.reject, name="report_reject"),
    path("meldingen/<int:pk>/dubbel/", triage.duplicate, name="report_duplicate"),
    path("meldingen/<int:pk>/document/", triage.document, name="report_document"),
    # spreadsheets/
    path("import/", spreadsheets.upload, name="import"),
    path("import/<str:token>/", spreadsheets.preview, name="import_preview"),
    path("export/<str:kind>.<str:fmt>", spreadsheets.export, name="export"),
    # jobs/: slow work running in the task queue
    path("taken/<int:pk>/", jobs.job, name="job"),
]
