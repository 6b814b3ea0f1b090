"""Logging in and out, password reset by e-mail, throttled failures, and the
coordinators' management of accounts."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from workspace import roles

from .conftest import make_user

pytestmark = pytest.mark.django_db

User = get_user_model()
PASSWORD = "geheim-wachtwoord-1"


def login(client, username: str, password: str):
    return client.post(
        reverse("workspace:login"), {"username": username, "password": password}, follow=False
    )


def test_volunteer_logs_in_and_lands_on_the_dashboard(client, volunteer):
    response = login(client, "vrijwilliger", PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse("workspace:dashboard")


def test_wrong_password_shows_a_dutch_message(client, volunteer):
    response = login(client, "vrijwilliger", "fout")
    assert response.status_code == 200
    assert "Voer een juiste gebruikersnaam en wachtwoord in" in response.content.decode()


def test_anonymous_visitor_is_sent_to_the_login(client):
    response = client.get(reverse("workspace:users"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("workspace:login"))


def test_too_many_failures_block_even_the_right_password(client, volunteer, settings):
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        login(client, "vrijwilliger", "fout")
    response = login(client, "vrijwilliger", PASSWORD)
    assert response.status_code == 429
    assert "Te veel mislukte pogingen" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_failures_from_one_address_block_other_usernames(client, volunteer, settings):
    for n in range(settings.LOGIN_ADDRESS_FAILURE_LIMIT):
        login(client, f"iemand-{n}", "fout")
    assert login(client, "vrijwilliger", PASSWORD).status_code == 429


def test_logout_is_post_only_and_logs_out(volunteer_client):
    assert volunteer_client.get(reverse("workspace:logout")).status_code == 405
    response = volunteer_client.post(reverse("workspace:logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in volunteer_client.session


def test_password_reset_sends_a_working_link(client, volunteer):
    response = client.post(reverse("workspace:password_reset"), {"email": volunteer.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Nieuw wachtwoord voor de Motietracker"
    link = re.search(r"https?://[^/]+(/werk/wachtwoord-herstellen/\S+/)", str(mail.outbox[0].body))
    assert link
    form_page = client.get(link.group(1), follow=True)
    assert "Nieuw wachtwoord kiezen" in form_page.content.decode()
    new_password = "een-heel-nieuw-wachtwoord-42"
    client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": new_password, "new_password2": new_password},
    )
    volunteer.refresh_from_db()
    assert volunteer.check_password(new_password)


def test_password_change(volunteer_client, volunteer):
    new_password = "nog-een-ander-wachtwoord-7"
    response = volunteer_client.post(
        reverse("workspace:password_change"),
        {"old_password": PASSWORD, "new_password1": new_password, "new_password2": new_password},
    )
    assert response.status_code == 302
    volunteer.refresh_from_db()
    assert volunteer.check_password(new_password)


def test_coordinator_creates_a_volunteer_account(coordinator_client):
    response = coordinator_client.post(
        reverse("workspace:user_create"),
        {
            "username": "nieuw",
            "first_name": "Nieuwe Vrijwilliger",
            "email": "nieuw@example.org",
            "role": roles.VOLUNTEER,
            "password1": "een-sterk-wachtwoord-9",
            "password2": "een-sterk-wachtwoord-9",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="nieuw")
    assert list(user.groups.values_list("name", flat=True)) == [roles.VOLUNTEER]
    assert not user.is_staff
    assert user.check_password("een-sterk-wachtwoord-9")


def test_coordinator_promotes_a_volunteer_who_then_reaches_the_admin(
    coordinator_client, volunteer, client
):
    response = coordinator_client.post(
        reverse("workspace:user_edit", args=[volunteer.pk]),
        {"first_name": "", "email": volunteer.email, "is_active": "on", "role": roles.COORDINATOR},
    )
    assert response.status_code == 302
    volunteer.refresh_from_db()
    assert volunteer.is_staff
    assert roles.is_coordinator(volunteer)
    client.force_login(volunteer)
    assert client.get(reverse("admin:motions_motion_changelist")).status_code == 200


def test_coordinator_cannot_deactivate_their_own_account(coordinator_client, coordinator):
    response = coordinator_client.post(
        reverse("workspace:user_edit", args=[coordinator.pk]),
        {"first_name": "", "email": coordinator.email, "role": roles.COORDINATOR},
    )
    assert response.status_code == 200
    assert "eigen account niet uitschakelen" in response.content.decode()
    coordinator.refresh_from_db()
    assert coordinator.is_active


def test_invalid_account_form_shows_errors_and_stores_nothing(coordinator_client):
    response = coordinator_client.post(
        reverse("workspace:user_create"),
        {"username": "", "email": "geen-adres", "role": roles.VOLUNTEER},
    )
    assert response.status_code == 200
    assert "Dit veld is verplicht" in response.content.decode()
    assert not User.objects.filter(email="geen-adres").exists()


@pytest.mark.parametrize("url_name", ["workspace:users", "workspace:user_create"])
def test_volunteer_cannot_manage_accounts(volunteer_client, url_name):
    assert volunteer_client.get(reverse(url_name)).status_code == 403


def test_volunteer_cannot_change_an_account(volunteer_client, coordinator):
    response = volunteer_client.post(
        reverse("workspace:user_edit", args=[coordinator.pk]),
        {"first_name": "Gehackt", "email": "x@example.org", "role": roles.VOLUNTEER},
    )
    assert response.status_code == 403
    coordinator.refresh_from_db()
    assert coordinator.first_name == ""
    assert roles.is_coordinator(coordinator)


@pytest.mark.parametrize("extra_users", [3, 30])
def test_user_list_queries_do_not_grow(coordinator_client, django_assert_num_queries, extra_users):
    for n in range(extra_users):
        make_user(f"gebruiker-{n}", [roles.VOLUNTEER, roles.COORDINATOR][n % 2])
    # session, user, user permissions, group permissions, users, their groups
    with django_assert_num_queries(6):
        assert coordinator_client.get(reverse("workspace:users")).status_code == 200


def test_coordinator_cannot_edit_a_superuser(coordinator_client, django_user_model):
    boss = django_user_model.objects.create_superuser("baas", "baas@example.org", "x-geheim-123")

    url = reverse("workspace:user_edit", args=[boss.pk])
    assert coordinator_client.get(url).status_code == 403
    response = coordinator_client.post(
        url, {"email": "overname@example.org", "is_active": "on", "role": roles.VOLUNTEER}
    )

    assert response.status_code == 403
    boss.refresh_from_db()
    assert boss.email == "baas@example.org"
    assert boss.is_staff


def test_coordinator_cannot_lower_their_own_role(coordinator_client, coordinator):
    response = coordinator_client.post(
        reverse("workspace:user_edit", args=[coordinator.pk]),
        {"email": coordinator.email, "is_active": "on", "role": roles.VOLUNTEER},
    )

    assert response.status_code == 200
    assert "eigen rol niet verlagen" in response.content.decode()
    assert roles.is_coordinator(coordinator)


@pytest.mark.parametrize("path", ["/admin/auth/user/", "/admin/auth/group/"])
def test_only_superusers_manage_accounts_and_permissions_in_the_admin(coordinator_client, path):
    assert coordinator_client.get(path).status_code == 403


def test_coordinator_cannot_make_themselves_superuser_in_the_admin(coordinator_client, coordinator):
    coordinator_client.post(
        f"/admin/auth/user/{coordinator.pk}/change/",
        {"username": coordinator.username, "is_superuser": "on", "is_staff": "on"},
    )

    coordinator.refresh_from_db()
    assert not coordinator.is_superuser
