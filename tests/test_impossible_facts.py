"""No impossible facts: a decision, submission or report dated in the future, or
a council's decision from after its municipality ended or before it began, is
refused wherever it can enter (the decision form, the spreadsheet import, the
report form and the admin), each time with a Dutch message next to its field
that says what to choose instead. Partial dates count at their precision."""

import datetime
import html
import re
from pathlib import Path

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation

from kinderpardon.dates import DatePrecision
from motions.models import ActionReport, Motion, MotionEvent
from municipalities.models import Municipality
from municipalities.register import import_municipalities

from .conftest import make_motion, make_municipality, opened
from .test_spreadsheets import apply

pytestmark = pytest.mark.django_db

DAY, MONTH, YEAR = DatePrecision.DAY, DatePrecision.MONTH, DatePrecision.YEAR
AALBURG_2025 = (
    "Aalburg bestond op 15 oktober 2025 niet meer: het hoort sinds 1 januari 2019 bij Altena. "
    "Kies Altena."
)
DECIDED_2095 = (
    "15 oktober 2095 ligt in de toekomst: leg het besluit vast als erover is gestemd. "
    "Een geplande stemming hoort in de tijdlijn."
)
DIJK_EN_WAARD_2020 = (
    "Dijk en Waard bestond op 15 oktober 2020 nog niet: de gemeente ontstond op 1 januari 2022 "
    "uit Heerhugowaard en Langedijk. Kies Heerhugowaard of Langedijk."
)


@pytest.fixture
def register() -> dict[str, Municipality]:
    """Today's municipalities and those that ended, with their verified mergers."""
    import_municipalities()
    municipalities = Municipality.objects.order_by(F("began_on").asc(nulls_first=True))
    return {m.name: m for m in municipalities}  # the newest of a name wins ("Sluis")


def today() -> datetime.date:
    return timezone.localdate()


def next_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def decision_errors(municipality: Municipality | None, **dates) -> dict[str, list[str]]:
    """The model's messages for a motion with these dates; {} when it may be saved."""
    motion = Motion(
        municipality=municipality,
        level=Motion.Level.MUNICIPAL if municipality else Motion.Level.NATIONAL,
        title="Motie gewortelde kinderen",
        status=Motion.Status.ADOPTED if "decided_on" in dates else Motion.Status.SUBMITTED,
        **dates,
    )
    try:
        motion.full_clean()
    except ValidationError as error:
        return error.message_dict
    return {}


def field_error(response, field: str) -> str:
    """The message shown under one field of a form, as a reader sees it."""
    found = re.search(
        rf'<ul class="errorlist" id="id_{field}_error"><li>(.*?)</li></ul>',
        response.content.decode(),
    )
    return html.unescape(found[1]) if found else ""


# --- the rules, at each date's precision ---------------------------------------------------


@pytest.mark.parametrize(
    ("decided_on", "precision"),
    [
        (datetime.date(2022, 3, 23), DAY),
        (datetime.date(2022, 3, 1), MONTH),
        (datetime.date(2022, 1, 1), YEAR),
    ],
)
def test_weesp_may_have_decided_until_it_ended_on_24_march_2022(register, decided_on, precision):
    errors = decision_errors(register["Weesp"], decided_on=decided_on, decided_precision=precision)

    assert errors == {}


@pytest.mark.parametrize(
    ("decided_on", "precision", "when"),
    [
        (datetime.date(2022, 3, 24), DAY, "op 24 maart 2022"),
        (datetime.date(2022, 4, 1), MONTH, "in april 2022"),
        (datetime.date(2023, 1, 1), YEAR, "in 2023"),
    ],
)
def test_weesp_cannot_have_decided_after_it_ended(register, decided_on, precision, when):
    errors = decision_errors(register["Weesp"], decided_on=decided_on, decided_precision=precision)

    assert errors == {
        "decided_on": [
            f"Weesp bestond {when} niet meer: het hoort sinds 24 maart 2022 bij Amsterdam. "
            "Kies Amsterdam."
        ]
    }


def test_a_decision_of_aalburg_after_2018_points_to_altena(register):
    errors = decision_errors(register["Aalburg"], decided_on=datetime.date(2025, 10, 15))

    assert errors == {"decided_on": [AALBURG_2025]}


def test_a_submission_after_the_council_ended_is_refused_on_its_own_field(register):
    errors = decision_errors(register["Aalburg"], submitted_on=datetime.date(2019, 3, 5))

    assert errors == {
        "submitted_on": [
            "Aalburg bestond op 5 maart 2019 niet meer: het hoort sinds 1 januari 2019 bij "
            "Altena. Kies Altena."
        ]
    }


def test_a_split_municipality_names_every_part(register):
    errors = decision_errors(
        register["Haaren"], decided_on=datetime.date(2025, 1, 1), decided_precision=YEAR
    )

    assert errors == {
        "decided_on": [
            "Haaren bestond in 2025 niet meer: het gebied hoort sinds 1 januari 2021 bij "
            "Oisterwijk, Vught, Boxtel en Tilburg. Kies Oisterwijk, Vught, Boxtel of Tilburg."
        ]
    }


@pytest.mark.parametrize(
    ("year", "message"),
    [
        (2000, "Esch bestond in 2000 niet meer: het hoort sinds 1 januari 1996 bij Haaren. "),
        (2025, "Esch bestond in 2025 niet meer: het gebied hoort sinds 1 januari 2021 bij "),
    ],
)
def test_a_council_that_ended_points_to_the_one_that_held_its_area_then(register, year, message):
    """Esch merged into Haaren in 1996, and Haaren was split in 2021."""
    errors = decision_errors(
        register["Esch"], decided_on=datetime.date(year, 1, 1), decided_precision=YEAR
    )

    assert errors["decided_on"][0].startswith(message)


def test_without_a_known_successor_the_message_says_when_it_ended():
    ended = make_municipality(name="Oudgemeente", dissolved_on=datetime.date(2019, 1, 1))

    errors = decision_errors(ended, decided_on=datetime.date(2020, 6, 1), decided_precision=MONTH)

    assert errors == {
        "decided_on": [
            "Oudgemeente bestond in juni 2020 niet meer: de gemeente is opgeheven per "
            "1 januari 2019."
        ]
    }


@pytest.mark.parametrize(
    ("decided_on", "precision", "refused"),
    [
        (datetime.date(2020, 10, 15), DAY, True),
        (datetime.date(2021, 12, 1), MONTH, True),
        (datetime.date(2021, 1, 1), YEAR, True),
        (datetime.date(2022, 1, 1), DAY, False),
        (datetime.date(2022, 1, 1), YEAR, False),
    ],
)
def test_dijk_en_waard_cannot_have_decided_before_it_began_in_2022(
    register, decided_on, precision, refused
):
    errors = decision_errors(
        register["Dijk en Waard"], decided_on=decided_on, decided_precision=precision
    )

    assert bool(errors) is refused
    if refused:
        assert "Kies Heerhugowaard of Langedijk." in errors["decided_on"][0]


def test_a_municipality_begun_without_known_origins_says_when_it_began():
    new = make_municipality(name="Nieuwgemeente", began_on=datetime.date(2023, 1, 1))

    errors = decision_errors(new, submitted_on=datetime.date(2022, 5, 1))

    assert errors == {
        "submitted_on": [
            "Nieuwgemeente bestond op 1 mei 2022 nog niet: de gemeente ontstond op 1 januari 2023."
        ]
    }


def test_a_decision_in_2095_is_refused_for_the_tweede_kamer_too():
    errors = decision_errors(None, decided_on=datetime.date(2095, 10, 15))

    assert errors == {"decided_on": [DECIDED_2095]}


def test_a_submission_in_the_future_is_refused():
    errors = decision_errors(None, submitted_on=today() + datetime.timedelta(days=1))

    assert list(errors) == ["submitted_on"]
    assert (
        "ligt in de toekomst: leg de indiening vast als de motie is ingediend."
        in (errors["submitted_on"][0])
    )


@pytest.mark.parametrize(
    ("on", "precision"),
    [
        (today(), DAY),
        (today().replace(day=1), MONTH),  # this month: the day meant may have passed
        (today().replace(month=1, day=1), YEAR),  # this year, for the same reason
    ],
)
def test_today_this_month_and_this_year_are_no_future(on, precision):
    errors = decision_errors(make_municipality(), decided_on=on, decided_precision=precision)

    assert errors == {}


@pytest.mark.parametrize(
    ("on", "precision"),
    [
        (today() + datetime.timedelta(days=1), DAY),
        (next_month(today()), MONTH),
        (today().replace(year=today().year + 1, month=1, day=1), YEAR),
    ],
)
def test_tomorrow_next_month_and_next_year_are_future(on, precision):
    errors = decision_errors(make_municipality(), decided_on=on, decided_precision=precision)

    assert list(errors) == ["decided_on"]


def test_a_planned_debate_on_the_timeline_may_lie_in_the_future():
    motion = make_motion(status=Motion.Status.SUBMITTED)
    debate = MotionEvent(
        motion=motion, kind=MotionEvent.Kind.DEBATED, happened_on=next_month(today())
    )

    debate.full_clean()


def test_a_report_of_something_that_has_not_happened_yet_is_refused():
    report = ActionReport(
        municipality=make_municipality(),
        action=ActionReport.Action.ADOPTED,
        happened_on=next_month(today()),
        happened_precision=MONTH,
    )

    with pytest.raises(ValidationError) as refused:
        report.full_clean()

    assert refused.value.message_dict == {"happened_on": ["Deze datum ligt in de toekomst."]}


# --- the decision form ------------------------------------------------------------------


def decision(municipality: str, **fields) -> dict:
    data = {
        "municipality": municipality,
        "title": "Motie gewortelde kinderen",
        "kind": Motion.Kind.MOTION,
        "status": Motion.Status.ADOPTED,
        "submitted_on": "",
        "decided_on": "",
        "level": Motion.Level.MUNICIPAL,
        **{f"{prefix}-TOTAL_FORMS": "0" for prefix in ("indieners", "stemmen", "tijdlijn")},
        **{f"{prefix}-INITIAL_FORMS": "0" for prefix in ("indieners", "stemmen", "tijdlijn")},
    }
    data.update(fields)
    return data


def test_decision_form_refuses_aalburg_adopting_a_motion_in_2025(volunteer_client, register):
    response = volunteer_client.post(
        reverse("workspace:motion_create"), decision("Aalburg", decided_on="15-10-2025")
    )

    assert response.status_code == 200
    assert "Er is niets opgeslagen." in response.content.decode()
    assert field_error(response, "decided_on") == AALBURG_2025
    assert not Motion.objects.exists()


def test_decision_form_saves_the_motion_once_altena_is_chosen(volunteer_client, register):
    response = volunteer_client.post(
        reverse("workspace:motion_create"), decision("Altena", decided_on="15-10-2025")
    )

    assert response.status_code == 302
    assert Motion.objects.get().municipality == register["Altena"]


def test_decision_form_refuses_a_decision_in_2095(volunteer_client, register):
    response = volunteer_client.post(
        reverse("workspace:motion_create"), decision("Zeist", decided_on="15-10-2095")
    )

    assert response.status_code == 200
    assert field_error(response, "decided_on") == DECIDED_2095
    assert not Motion.objects.exists()


def test_decision_form_refuses_dijk_en_waard_deciding_before_it_began(volunteer_client, register):
    response = volunteer_client.post(
        reverse("workspace:motion_create"), decision("Dijk en Waard", decided_on="15-10-2020")
    )

    assert field_error(response, "decided_on") == DIJK_EN_WAARD_2020
    assert not Motion.objects.exists()


def test_decision_form_refuses_a_submission_in_the_future(volunteer_client, register):
    response = volunteer_client.post(
        reverse("workspace:motion_create"),
        decision("Zeist", status=Motion.Status.SUBMITTED, submitted_on="2099"),
    )

    assert field_error(response, "submitted_on").startswith("2099 ligt in de toekomst")
    assert not Motion.objects.exists()


def test_editing_a_motion_to_2099_keeps_what_was_stored(volunteer_client, register):
    motion = make_motion(municipality=register["Zeist"], decided_on=datetime.date(2025, 4, 1))
    url = reverse("workspace:motion_edit", args=[motion.pk])

    response = volunteer_client.post(url, decision("Zeist", decided_on="03-2099") | opened(motion))

    assert field_error(response, "decided_on").startswith("Maart 2099 ligt in de toekomst")
    motion.refresh_from_db()
    assert motion.decided_on == datetime.date(2025, 4, 1)


def test_editing_a_motion_to_a_council_that_had_ended_is_refused(volunteer_client, register):
    motion = make_motion(municipality=register["Altena"], decided_on=datetime.date(2025, 10, 15))
    url = reverse("workspace:motion_edit", args=[motion.pk])

    data = decision("Aalburg", decided_on="15-10-2025") | opened(motion)
    response = volunteer_client.post(url, data)

    assert field_error(response, "decided_on") == AALBURG_2025
    motion.refresh_from_db()
    assert motion.municipality == register["Altena"]


def test_decision_form_keeps_a_debate_planned_for_next_month(volunteer_client, register):
    planned = next_month(today())
    data = decision(
        "Zeist",
        status=Motion.Status.SUBMITTED,
        submitted_on=today().strftime("%d-%m-%Y"),
        **{
            "tijdlijn-TOTAL_FORMS": "1",
            "tijdlijn-0-kind": MotionEvent.Kind.DEBATED,
            "tijdlijn-0-happened_on": planned.strftime("%d-%m-%Y"),
        },
    )

    response = volunteer_client.post(reverse("workspace:motion_create"), data)

    assert response.status_code == 302
    assert MotionEvent.objects.get().happened_on == planned


# --- the spreadsheet import -------------------------------------------------------------


def write_csv(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "moties.csv"
    path.write_text("\r\n".join(["gemeente;titel;status;ingediend;besloten", *lines]), "utf-8")
    return path


def import_preview(client, path: Path):
    with path.open("rb") as file:
        upload = client.post(reverse("workspace:import"), {"kind": "moties", "file": file})
    assert upload.status_code == 302, upload.content.decode()
    return upload.url, client.get(upload.url)


def notes(response) -> list[str]:
    return [note for row in response.context["plan"].rows for note in row.notes]


def test_import_refuses_aalburg_in_2025_naming_the_column(coordinator_client, register, tmp_path):
    path = write_csv(tmp_path, ["Aalburg;Motie gewortelde kinderen;aangenomen;;15-10-2025"])

    url, page = import_preview(coordinator_client, path)
    applied = apply(coordinator_client, url, page, follow=True)

    assert f"besloten: {AALBURG_2025}" in html.unescape(page.content.decode())
    assert "Er is niets geïmporteerd" in applied.content.decode()
    assert not Motion.objects.exists()


def test_import_refuses_2095_and_2099_and_imports_nothing(coordinator_client, register, tmp_path):
    path = write_csv(
        tmp_path,
        [
            "Zeist;Motie gewortelde kinderen;aangenomen;;15-10-2095",
            "Utrecht;Motie gewortelde kinderen;ingediend;2099;",
            "Amersfoort;Motie gewortelde kinderen;aangenomen;;04-2025",
        ],
    )

    url, page = import_preview(coordinator_client, path)
    apply(coordinator_client, url, page)

    assert [row.action_label for row in page.context["plan"].rows] == [
        "geweigerd",
        "geweigerd",
        "nieuw",
    ]
    assert f"besloten: {DECIDED_2095}" in notes(page)
    assert any(note.startswith("ingediend: 2099 ligt in de toekomst") for note in notes(page))
    assert not Motion.objects.exists()


def test_import_refuses_dijk_en_waard_before_it_began(coordinator_client, register, tmp_path):
    path = write_csv(tmp_path, ["Dijk en Waard;Motie gewortelde kinderen;aangenomen;;15-10-2020"])

    _url, page = import_preview(coordinator_client, path)

    assert notes(page) == [f"besloten: {DIJK_EN_WAARD_2020}"]


def test_import_accepts_a_former_council_within_its_lifetime(
    coordinator_client, register, tmp_path
):
    path = write_csv(tmp_path, ["Weesp;Motie gewortelde kinderen;aangenomen;;maart 2022"])

    url, page = import_preview(coordinator_client, path)
    apply(coordinator_client, url, page)

    motion = Motion.objects.get()
    assert (motion.municipality, motion.decided_display) == (register["Weesp"], "maart 2022")


@pytest.mark.parametrize("rows", [1, 20])
def test_import_preview_makes_no_query_per_row(
    coordinator_client, register, tmp_path, django_assert_num_queries, rows
):
    """Rows of councils that have ended since, with dates in their lifetime."""
    lines = [f"Weesp;Motie {n};aangenomen;;03-2022" for n in range(rows)]
    url, _page = import_preview(coordinator_client, write_csv(tmp_path, lines))
    # 1 session, 2 user, 3-4 the user's permissions (own and through groups),
    # 5 municipalities and 6 successions (the register), 7 the municipal motions
    with django_assert_num_queries(7):
        page = coordinator_client.get(url)
    assert [row.action_label for row in page.context["plan"].rows] == ["nieuw"] * rows


@pytest.mark.parametrize("rows", [1, 20])
def test_import_preview_reads_the_register_once_for_refused_rows_too(
    coordinator_client, register, tmp_path, django_assert_num_queries, rows
):
    """Rows of a council after it ended: each message names its successor."""
    lines = [f"Weesp;Motie {n};aangenomen;;04-2022" for n in range(rows)]
    url, _page = import_preview(coordinator_client, write_csv(tmp_path, lines))
    # the same seven queries: the import's register also phrases the refusals
    with django_assert_num_queries(7):
        page = coordinator_client.get(url)
    assert [row.action_label for row in page.context["plan"].rows] == ["geweigerd"] * rows


# --- the report form -------------------------------------------------------------------


def report(**fields) -> dict:
    data = {
        "reporter_name": "Griet Griffier",
        "reporter_role": ActionReport.Role.CLERK,
        "reporter_email": "griffie@example.org",
        "municipality": "Zeist",
        "action": ActionReport.Action.ADOPTED,
        "happened": "15-04-2025",
        "consent": "on",
        "website": "",
    }
    data.update(fields)
    return data


@pytest.fixture
def quiet_reports(settings):
    settings.REPORT_NOTIFY_EMAILS = []


def test_report_form_refuses_a_decision_next_month(client, register, quiet_reports):
    response = client.post(
        reverse("motions:report"), report(happened=next_month(today()).strftime("%m-%Y"))
    )

    assert response.status_code == 200
    assert field_error(response, "happened") == "Deze datum ligt in de toekomst."
    assert not ActionReport.objects.exists()
    assert mail.outbox == []


def test_report_form_accepts_a_decision_earlier_this_month(client, register, quiet_reports):
    response = client.post(reverse("motions:report"), report(happened=today().strftime("%m-%Y")))

    assert response.status_code == 302
    assert ActionReport.objects.get().happened_precision == MONTH


def test_report_of_a_former_council_before_the_merger_is_kept(client, register, quiet_reports):
    """Heerhugowaard is part of Dijk en Waard today, so the report is stored
    there; the volunteer who accepts it chooses Heerhugowaard for the motion."""
    response = client.post(
        reverse("motions:report"), report(municipality="Heerhugowaard", happened="15-10-2020")
    )

    assert response.status_code == 302
    assert ActionReport.objects.get().municipality == register["Dijk en Waard"]


def test_accepting_that_report_asks_for_the_former_council(volunteer_client, register):
    report = ActionReport.objects.create(
        municipality=register["Dijk en Waard"],
        action=ActionReport.Action.ADOPTED,
        happened_on=datetime.date(2020, 10, 15),
    )
    url = reverse("workspace:motion_create") + f"?melding={report.pk}"

    response = volunteer_client.get(url)
    refused = volunteer_client.post(url, decision("Dijk en Waard", decided_on="15-10-2020"))

    assert response.status_code == 200
    assert field_error(refused, "decided_on") == DIJK_EN_WAARD_2020
    assert not Motion.objects.exists()


# --- the admin ---------------------------------------------------------------------------


def admin_motion(municipality: Municipality, **fields) -> dict:
    data = {
        "level": Motion.Level.MUNICIPAL,
        "municipality": municipality.pk,
        "title": "Motie gewortelde kinderen",
        "kind": Motion.Kind.MOTION,
        "status": Motion.Status.ADOPTED,
        "submitted_precision": DAY,
        "decided_precision": DAY,
    }
    for prefix in ("sponsorships", "faction_votes", "events"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    data.update(fields)
    return data


def test_admin_refuses_a_motion_of_aalburg_in_2025(coordinator_client, register):
    response = coordinator_client.post(
        reverse("admin:motions_motion_add"),
        admin_motion(register["Aalburg"], decided_on="2025-10-15"),
    )

    assert response.status_code == 200
    assert AALBURG_2025 in html.unescape(response.content.decode())
    assert not Motion.objects.exists()


def test_admin_refuses_a_motion_decided_in_2095(coordinator_client, register):
    response = coordinator_client.post(
        reverse("admin:motions_motion_add"),
        admin_motion(register["Zeist"], decided_on="2095-10-15"),
    )

    assert response.status_code == 200
    assert DECIDED_2095 in html.unescape(response.content.decode())
    assert not Motion.objects.exists()


def test_admin_change_refuses_moving_a_decision_into_the_future(coordinator_client, register):
    motion = make_motion(municipality=register["Zeist"], decided_on=datetime.date(2025, 4, 1))

    response = coordinator_client.post(
        reverse("admin:motions_motion_change", args=[motion.pk]),
        admin_motion(register["Zeist"], decided_on="2099-01-01", decided_precision=YEAR)
        | opened(motion),
    )

    assert response.status_code == 200
    assert "2099 ligt in de toekomst" in response.content.decode()
    motion.refresh_from_db()
    assert motion.decided_on == datetime.date(2025, 4, 1)


def test_admin_refuses_a_report_dated_in_the_future(coordinator_client, register):
    report = ActionReport.objects.create(
        municipality=register["Zeist"],
        action=ActionReport.Action.ADOPTED,
        happened_on=datetime.date(2025, 4, 15),
    )
    data = {
        "municipality": report.municipality.pk,
        "action": report.action,
        "happened_on": (today() + datetime.timedelta(days=1)).isoformat(),
        "happened_precision": DAY,
        "reporter_role": ActionReport.Role.OTHER,
        "outcome": ActionReport.Outcome.NEW,
    }

    response = coordinator_client.post(
        reverse("admin:motions_actionreport_change", args=[report.pk]), data
    )

    assert response.status_code == 200
    assert "Deze datum ligt in de toekomst." in response.content.decode()
    report.refresh_from_db()
    assert report.happened_on == datetime.date(2025, 4, 15)


# --- what the public sees ---------------------------------------------------------------


def test_home_page_lists_only_outcomes_that_happened(client, volunteer_client, register):
    volunteer_client.post(
        reverse("workspace:motion_create"),
        decision("Zeist", title="Motie uit de toekomst", decided_on="15-10-2095"),
    )
    make_motion(municipality=register["Utrecht"], title="Motie van Utrecht")

    text = html.unescape(client.get(reverse("motions:home")).content.decode())

    assert "Motie van Utrecht" in text
    assert "Motie uit de toekomst" not in text
    assert "2095" not in text


def test_the_message_reads_in_english_on_the_english_site(register):
    with translation.override("en"):
        errors = decision_errors(register["Aalburg"], decided_on=datetime.date(2025, 10, 15))

    assert errors == {
        "decided_on": [
            "Aalburg no longer existed on 15 October 2025: it has been part of Altena since "
            "1 January 2019. Choose Altena."
        ]
    }
