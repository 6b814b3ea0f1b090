"""One throttle for every way into an account: the workspace login, the admin
login and the password reset, counted per account however its name is typed,
per address (behind the load balancer too) and per account over all
addresses; refusals in Dutch with status 429; a coordinator lifts a block."""

import re
import time
from typing import Any, cast

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from workspace import roles

from .conftest import make_user

pytestmark = pytest.mark.django_db

PASSWORD = "geheim-wachtwoord-1"
HOME = "192.0.2.10"  # where the account's owner usually logs in
ATTACKER = "198.51.100.66"
LOAD_BALANCER = "10.0.0.2"
FORMS = {"workspace": "workspace:login", "admin": "admin:login"}
WAIT = "Te veel mislukte pogingen om in te loggen"
ACCOUNT_WIDE = "vanaf nieuwe adressen even niet"
FULL_WIDTH_ANNA = "\uff41\uff4e\uff4e\uff41"  # what Django logs in as "anna" (NFKC)


@pytest.fixture
def anna(db):
    """A coordinator, so that she may use both the workspace and the admin."""
    return make_user("anna", roles.COORDINATOR, is_staff=True)


def attempt(form: str, username: str, password: str, address: str = HOME, **headers):
    """One login by a visitor with a fresh browser; the response tells whether
    they are now logged in (``response.logged_in``)."""
    client = Client()
    response = client.post(
        reverse(FORMS[form]),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
        **headers,
    )
    # A mark of this test's own on the response: Any, as no response type has it.
    cast(Any, response).logged_in = "_auth_user_id" in client.session
    return response


def fail(times: int, username: str = "anna", address: str = HOME, form: str = "workspace"):
    for _ in range(times):
        assert attempt(form, username, "fout", address).status_code == 200


# --- per account and address -------------------------------------------------------


@pytest.mark.parametrize("form", FORMS)
def test_after_too_many_wrong_passwords_even_the_right_one_is_refused(form, anna, settings):
    fail(settings.LOGIN_FAILURE_LIMIT, form=form)

    response = attempt(form, "anna", PASSWORD)

    assert response.status_code == 429
    assert not response.logged_in
    text = response.content.decode()
    assert WAIT in text
    assert "Probeer het over 15 minuten opnieuw." in text
    assert "Wachtwoord vergeten? Vraag een nieuw wachtwoord aan." in text
    assert "Een coördinator kan de blokkade ook opheffen." in text


@pytest.mark.parametrize(("first", "then"), [("workspace", "admin"), ("admin", "workspace")])
def test_failures_at_one_login_count_at_the_other(first, then, anna, settings):
    fail(settings.LOGIN_FAILURE_LIMIT, form=first)

    response = attempt(then, "anna", PASSWORD)

    assert response.status_code == 429
    assert not response.logged_in


def test_a_full_width_name_logs_in_to_the_same_account(anna):
    assert attempt("workspace", FULL_WIDTH_ANNA, PASSWORD).logged_in


@pytest.mark.parametrize("spelling", [FULL_WIDTH_ANNA, "Anna", " ANNA "])
def test_another_spelling_of_a_blocked_name_gets_no_fresh_guesses(spelling, anna, settings):
    fail(settings.LOGIN_FAILURE_LIMIT, "anna")

    response = attempt("workspace", spelling, "nog-een-gok")

    assert response.status_code == 429
    assert WAIT in response.content.decode()


def test_spellings_add_up_to_one_count(anna, settings):
    spellings = ["anna", FULL_WIDTH_ANNA, "Anna", "ANNA", FULL_WIDTH_ANNA][
        : settings.LOGIN_FAILURE_LIMIT
    ]
    for spelling in spellings:
        assert attempt("admin", spelling, "fout").status_code == 200

    assert attempt("admin", "anna", PASSWORD).status_code == 429


def test_a_blocked_address_leaves_the_owner_free_elsewhere(anna, settings):
    fail(settings.LOGIN_FAILURE_LIMIT, address=ATTACKER)

    assert attempt("workspace", "anna", PASSWORD, address=ATTACKER).status_code == 429
    assert attempt("workspace", "anna", PASSWORD, address=HOME).logged_in


def test_logging_in_forgives_earlier_typos(anna, settings):
    fail(settings.LOGIN_FAILURE_LIMIT - 1)
    assert attempt("workspace", "anna", PASSWORD).logged_in

    fail(settings.LOGIN_FAILURE_LIMIT - 1)
    assert attempt("workspace", "anna", PASSWORD).logged_in


def test_the_block_ends_by_itself(anna, settings):
    settings.LOGIN_FAILURE_WINDOW = 1
    fail(settings.LOGIN_FAILURE_LIMIT)
    response = attempt("workspace", "anna", PASSWORD)
    assert response.status_code == 429
    assert "Probeer het over 1 minuut opnieuw." in response.content.decode()

    time.sleep(1.1)

    assert attempt("workspace", "anna", PASSWORD).logged_in


def test_a_volunteer_who_tries_the_admin_is_not_counted_as_guessing(settings):
    make_user("vrijwilliger", roles.VOLUNTEER)
    for _ in range(settings.LOGIN_FAILURE_LIMIT + 1):
        response = attempt("admin", "vrijwilliger", PASSWORD)
        assert response.status_code == 200  # the admin's own "not a staff account"
        assert not response.logged_in

    assert attempt("workspace", "vrijwilliger", PASSWORD).logged_in


def test_a_name_without_an_account_is_refused_in_the_same_words(anna, settings):
    fail(settings.LOGIN_FAILURE_LIMIT, "anna")
    fail(settings.LOGIN_FAILURE_LIMIT, "niemand")

    for_anna = attempt("workspace", "anna", "fout")
    for_nobody = attempt("workspace", "niemand", "fout")

    assert for_anna.status_code == for_nobody.status_code == 429
    assert refusal(for_anna) == refusal(for_nobody)


def refusal(response) -> str:
    found = re.search(r'role="alert">(.*?)</div>', response.content.decode(), re.S)
    assert found
    return found.group(1)


# --- per address ---------------------------------------------------------------------


def test_one_address_trying_many_names_is_stopped_at_the_admin_too(anna, settings):
    for n in range(settings.LOGIN_ADDRESS_FAILURE_LIMIT):
        attempt("workspace", f"iemand-{n}", "fout", address=ATTACKER)

    assert attempt("admin", "anna", PASSWORD, address=ATTACKER).status_code == 429
    assert attempt("admin", "anna", PASSWORD, address=HOME).logged_in


def via_balancer(username: str, password: str, forwarded: str):
    """A workspace login that reached us through our load balancer."""
    return attempt("workspace", username, password, LOAD_BALANCER, HTTP_X_FORWARDED_FOR=forwarded)


def test_behind_the_load_balancer_the_address_it_added_is_counted(anna, settings):
    """Only the last X-Forwarded-For entry is our balancer's; a client can put
    anything before it, and gains nothing by changing that."""
    settings.USE_X_FORWARDED_FOR = True
    for n in range(settings.LOGIN_FAILURE_LIMIT):
        assert via_balancer("anna", "fout", f"203.0.113.{n}, {ATTACKER}").status_code == 200

    assert via_balancer("anna", PASSWORD, f"203.0.113.99, {ATTACKER}").status_code == 429
    assert via_balancer("anna", PASSWORD, HOME).logged_in  # the balancer itself is not blocked


def test_without_a_load_balancer_a_forged_forwarded_for_changes_nothing(anna, settings):
    settings.USE_X_FORWARDED_FOR = False
    for n in range(settings.LOGIN_FAILURE_LIMIT):
        attempt("workspace", "anna", "fout", ATTACKER, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")

    response = attempt("workspace", "anna", PASSWORD, ATTACKER, HTTP_X_FORWARDED_FOR=HOME)

    assert response.status_code == 429


def test_addresses_in_one_ipv6_64_count_as_one(anna, settings):
    """An IPv6 visitor holds a whole /64 and can change address within it at will."""
    settings.USE_X_FORWARDED_FOR = True
    for n in range(settings.LOGIN_FAILURE_LIMIT):
        via_balancer("anna", "fout", f"2001:db8:5:6::{n + 1:x}")

    assert via_balancer("anna", PASSWORD, "2001:db8:5:6:ffff:1:2:3").status_code == 429
    assert via_balancer("anna", PASSWORD, "2001:db8:5:7::1").logged_in


# --- per account over all addresses --------------------------------------------------


def test_many_addresses_together_get_a_bounded_number_of_guesses(anna, settings):
    assert attempt("workspace", "anna", PASSWORD, address=HOME).logged_in  # last week, say

    answers = [
        attempt("workspace", "anna", "fout", address=f"10.1.{n // 200}.{n % 200}").status_code
        for n in range(100)
    ]

    # 200 is "wrong password": a real password check; 429 is refused unchecked
    assert answers.count(200) == settings.LOGIN_ACCOUNT_FAILURE_LIMIT
    assert answers.count(429) == 100 - settings.LOGIN_ACCOUNT_FAILURE_LIMIT
    new_address = attempt("admin", "anna", PASSWORD, address="10.2.0.1")
    assert new_address.status_code == 429
    assert not new_address.logged_in
    assert ACCOUNT_WIDE in new_address.content.decode()
    assert "log in vanaf een adres waar u eerder inlogde" in new_address.content.decode()
    assert attempt("admin", "anna", PASSWORD, address=HOME).logged_in
    assert attempt("workspace", "anna", PASSWORD, address=HOME).logged_in


def test_at_a_trusted_address_the_owner_is_only_slowed(anna, settings):
    settings.LOGIN_ACCOUNT_FAILURE_LIMIT = 3
    assert attempt("workspace", "anna", PASSWORD, address=HOME).logged_in
    for n in range(settings.LOGIN_ACCOUNT_FAILURE_LIMIT):
        fail(1, address=f"10.1.0.{n}")

    fail(settings.LOGIN_FAILURE_LIMIT, address=HOME)  # her own typos still get an answer
    response = attempt("workspace", "anna", PASSWORD, address=HOME)

    assert response.status_code == 429
    assert "Probeer het over 15 minuten opnieuw." in response.content.decode()


# --- a coordinator lifts a block -----------------------------------------------------


def test_the_user_list_shows_which_account_is_blocked(coordinator_client, anna, settings):
    fail(settings.LOGIN_FAILURE_LIMIT, address=ATTACKER)

    html = coordinator_client.get(reverse("workspace:users")).content.decode()

    assert html.count("geblokkeerd tot") == 1
    assert "Blokkade van anna opheffen" in html
    assert "Blokkade van coordinator opheffen" not in html


def test_a_coordinator_lifts_a_block_and_the_colleague_logs_in(coordinator_client, anna, settings):
    fail(settings.LOGIN_FAILURE_LIMIT)
    assert attempt("workspace", "anna", PASSWORD).status_code == 429

    response = coordinator_client.post(
        reverse("workspace:user_unblock", args=[anna.pk]), follow=True
    )

    assert response.redirect_chain == [(reverse("workspace:users"), 302)]
    html = response.content.decode()
    assert "De blokkade is opgeheven: anna kan weer inloggen." in html
    assert "geblokkeerd tot" not in html
    assert attempt("workspace", "anna", PASSWORD).logged_in


def test_lifting_a_block_also_lifts_the_account_wide_limit(coordinator_client, anna, settings):
    settings.LOGIN_ACCOUNT_FAILURE_LIMIT = 3
    for n in range(settings.LOGIN_ACCOUNT_FAILURE_LIMIT):
        fail(1, address=f"10.1.0.{n}")
    assert attempt("workspace", "anna", PASSWORD, address="10.2.0.1").status_code == 429

    coordinator_client.post(reverse("workspace:user_unblock", args=[anna.pk]))

    assert attempt("workspace", "anna", PASSWORD, address="10.2.0.1").logged_in


def test_a_volunteer_cannot_lift_a_block(volunteer_client, anna, settings):
    fail(settings.LOGIN_FAILURE_LIMIT)

    response = volunteer_client.post(reverse("workspace:user_unblock", args=[anna.pk]))

    assert response.status_code == 403
    assert attempt("workspace", "anna", PASSWORD).status_code == 429


# --- password reset ------------------------------------------------------------------

RESET_REFUSED = "te vaak een nieuw wachtwoord aangevraagd, daarom is er nu geen e-mail verstuurd"


def ask_reset(email: str, address: str = HOME):
    return Client().post(reverse("workspace:password_reset"), {"email": email}, REMOTE_ADDR=address)


def test_reset_mails_to_one_address_stop_at_the_limit(anna, settings):
    answers = [ask_reset(anna.email) for _ in range(12)]

    limit = settings.PASSWORD_RESET_LIMIT
    assert len(mail.outbox) == limit
    assert [a.status_code for a in answers] == [302] * limit + [429] * (12 - limit)
    text = answers[-1].content.decode()
    assert RESET_REFUSED in text
    assert "probeer het over 60 minuten opnieuw" in text


def test_spellings_of_an_email_address_share_the_count(anna, settings):
    settings.PASSWORD_RESET_LIMIT = 3
    for spelling in ["anna@example.org", "Anna@Example.org", "ANNA@EXAMPLE.ORG"]:
        assert ask_reset(spelling).status_code == 302

    assert ask_reset("aNNa@example.ORG").status_code == 429
    assert len(mail.outbox) == 3


def test_unknown_addresses_are_counted_and_answered_like_known_ones(anna, settings):
    tries = settings.PASSWORD_RESET_LIMIT + 1
    known = [ask_reset(anna.email, address=HOME) for _ in range(tries)]
    unknown = [ask_reset("niemand@example.org", address=ATTACKER) for _ in range(tries)]

    assert [r.status_code for r in known] == [r.status_code for r in unknown]
    assert refusal(known[-1]) == refusal(unknown[-1])
    assert len(mail.outbox) == settings.PASSWORD_RESET_LIMIT  # all of them to anna


def test_one_address_asking_for_many_mails_is_stopped(anna, settings):
    for n in range(settings.PASSWORD_RESET_ADDRESS_LIMIT):
        assert ask_reset(f"iemand-{n}@example.org", address=ATTACKER).status_code == 302

    assert ask_reset(anna.email, address=ATTACKER).status_code == 429
    assert len(mail.outbox) == 0
    assert ask_reset(anna.email, address=HOME).status_code == 302
    assert len(mail.outbox) == 1


def test_choosing_a_new_password_lifts_a_login_block(anna, settings):
    fail(settings.LOGIN_FAILURE_LIMIT)
    assert attempt("workspace", "anna", PASSWORD).status_code == 429

    client = Client()
    client.post(reverse("workspace:password_reset"), {"email": anna.email}, REMOTE_ADDR=HOME)
    link = re.search(r"https?://[^/]+(/werk/wachtwoord-herstellen/\S+/)", str(mail.outbox[0].body))
    assert link
    form_page = client.get(link.group(1), follow=True)
    new_password = "een-heel-nieuw-wachtwoord-42"
    client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": new_password, "new_password2": new_password},
    )

    assert attempt("workspace", "anna", new_password).logged_in


def test_the_admin_login_links_to_the_password_reset(client):
    response = client.get(reverse("admin:login"))
    link = '<a href="/admin/wachtwoord-vergeten/">Wachtwoord of gebruikersnaam vergeten?</a>'
    assert link in response.content.decode()

    followed = client.get("/admin/wachtwoord-vergeten/", follow=True)
    assert followed.redirect_chain[-1][0] == reverse("workspace:password_reset")
