"""Logging a council's decision on one page: the motion, its sponsors, each
faction's vote and its timeline, through the real workspace URLs."""

import datetime
import io
import json

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kinderpardon.dates import DatePrecision
from kinderpardon.dates import parse_partial as parse_partial_date
from motions.models import (
    Council,
    FactionVote,
    Motion,
    MotionEvent,
    MunicipalityStatus,
    Sponsorship,
)
from municipalities.models import Boundary, Municipality

from .conftest import make_faction, make_motion, make_municipality, make_party, opened

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def create_url(**query) -> str:
    url = reverse("workspace:motion_create")
    return url + "?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else url


def edit_url(motion) -> str:
    return reverse("workspace:motion_edit", args=[motion.pk])


def rows(prefix: str, entries, initial: int = 0) -> dict[str, str]:
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(entries)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for i, entry in enumerate(entries):
        data.update({f"{prefix}-{i}-{name}": value for name, value in entry.items()})
    return data


def decision(
    municipality: Municipality | str | None = None, *, sponsors=(), votes=(), events=(), **fields
) -> dict:
    """The POST of the decision page; only what a test is about needs saying."""
    data = {
        "municipality": getattr(municipality, "name", municipality or ""),
        "title": "Motie gewortelde kinderen",
        "kind": Motion.Kind.MOTION,
        "status": Motion.Status.SUBMITTED,
        "submitted_on": "",
        "decided_on": "",
        "votes_for": "",
        "votes_against": "",
        "summary": "",
        "text": "",
        "source_url": "",
        "level": Motion.Level.MUNICIPAL,
        "kamerstuk": "",
        **rows("indieners", sponsors),
        **rows("stemmen", votes),
        **rows("tijdlijn", events),
    }
    data.update(fields)
    return data


@pytest.fixture
def council():
    """A council of 25 seats in three factions of the 2022 term."""
    municipality = make_municipality(name="Zwolle", slug="zwolle")
    factions = [
        make_faction(
            municipality=municipality, party=make_party(name=name, abbreviation=abbr), seats=seats
        )
        for name, abbr, seats in [
            ("GroenLinks", "GL", 10),
            ("ChristenUnie", "CU", 8),
            ("VVD", "VVD", 7),
        ]
    ]
    return municipality, factions


def nothing_stored():
    return not (
        Motion.objects.exists()
        or Sponsorship.objects.exists()
        or FactionVote.objects.exists()
        or MotionEvent.objects.exists()
    )


# --- logging a decision -----------------------------------------------------


def test_volunteer_logs_adopted_motion_with_two_sponsors_and_votes_in_one_post(
    volunteer_client, council
):
    municipality, (green, christian, liberal) = council
    data = decision(
        municipality,
        status=Motion.Status.ADOPTED,
        submitted_on="12-3-2025",
        decided_on="4-2025",
        votes_for="18",
        votes_against="7",
        sponsors=[
            {"faction": green.pk, "role": Sponsorship.Role.SUBMITTER},
            {"faction": christian.pk, "role": Sponsorship.Role.CO_SIGNER},
        ],
        votes=[
            {"faction": green.pk, "vote": FactionVote.Vote.FOR},
            {"faction": christian.pk, "vote": FactionVote.Vote.FOR},
            {"faction": liberal.pk, "vote": FactionVote.Vote.AGAINST},
        ],
        events=[{"kind": MotionEvent.Kind.VOTED, "happened_on": "4-2025"}],
    )

    response = volunteer_client.post(create_url(), data)

    motion = Motion.objects.get()
    assert response.status_code == 302
    assert response["Location"] == edit_url(motion)
    assert motion.municipality == municipality
    assert motion.status == Motion.Status.ADOPTED
    assert (motion.decided_on, motion.decided_precision) == (datetime.date(2025, 4, 1), "month")
    assert (motion.submitted_on, motion.submitted_precision) == (datetime.date(2025, 3, 12), "day")
    assert {(s.faction, s.role) for s in motion.sponsorships.all()} == {
        (green, Sponsorship.Role.SUBMITTER),
        (christian, Sponsorship.Role.CO_SIGNER),
    }
    assert {(v.faction, v.vote) for v in motion.faction_votes.all()} == {
        (green, "for"),
        (christian, "for"),
        (liberal, "against"),
    }
    assert motion.events.get().kind == MotionEvent.Kind.VOTED


def test_logged_adoption_changes_the_municipality_on_the_public_pages(
    volunteer_client, client, council
):
    municipality, (green, _, _) = council
    Boundary.objects.create(
        municipality=municipality,
        year=2025,
        geometry={"type": "Polygon", "coordinates": [[[6, 52], [6.1, 52], [6.1, 52.1], [6, 52]]]},
    )
    volunteer_client.post(
        create_url(),
        decision(
            municipality,
            status=Motion.Status.ADOPTED,
            decided_on="4-2025",
            sponsors=[{"faction": green.pk, "role": Sponsorship.Role.SUBMITTER}],
        ),
    )

    status = Council.objects.with_status().get(pk=municipality.pk).status
    page = client.get(municipality.get_absolute_url())
    features = json.loads(client.get(reverse("motions:map_data")).content)["features"]
    assert status == MunicipalityStatus.ADOPTED
    assert page.context["municipality"].status == MunicipalityStatus.ADOPTED
    assert [f["properties"]["status"] for f in features] == ["adopted"]


def test_saving_shows_a_success_message_on_the_edit_page(volunteer_client, council):
    municipality, _ = council
    response = volunteer_client.post(create_url(), decision(municipality), follow=True)

    assert response.redirect_chain[-1][0] == edit_url(Motion.objects.get())
    assert "Motie gewortelde kinderen" in response.content.decode()
    assert ["vastgelegd" in str(m) for m in response.context["messages"]] == [True]


def test_create_page_first_asks_for_the_municipality(volunteer_client, council):
    response = volunteer_client.get(create_url())

    assert response.status_code == 200
    assert response.context["choose_municipality"] is True
    assert 'list="municipality-names"' in response.content.decode()
    assert '<option value="Zwolle">' in response.content.decode()


def test_gemeente_in_the_query_preselects_it_and_prefills_a_vote_row_per_faction(
    volunteer_client, council
):
    municipality, factions = council
    response = volunteer_client.get(create_url(gemeente=municipality.slug))

    form = response.context["decision"].form
    votes = response.context["decision"].votes
    assert form["municipality"].value() == "Zwolle"
    assert [row.initial.get("faction") for row in votes] == [f.pk for f in factions]
    assert len(response.context["decision"].sponsors.forms) == 2
    assert len(response.context["decision"].events.forms) == 1


def test_municipality_can_be_typed_without_accents_or_by_alias(volunteer_client):
    municipality = make_municipality(name="Súdwest-Fryslân", slug="sudwest-fryslan")
    volunteer_client.post(create_url(), decision("sudwest"))

    assert Motion.objects.get().municipality == municipality


def test_unknown_municipality_is_refused(volunteer_client, council):
    response = volunteer_client.post(create_url(), decision("Atlantis"))

    assert "We kennen geen gemeente" in response.content.decode()
    assert nothing_stored()


def test_defaults_make_a_submitted_motie(volunteer_client, council):
    municipality, _ = council
    response = volunteer_client.get(create_url(gemeente=municipality.slug))

    form = response.context["decision"].form
    assert form["status"].value() == Motion.Status.SUBMITTED
    assert form["kind"].value() == Motion.Kind.MOTION
    assert form["level"].value() == Motion.Level.MUNICIPAL


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("3-4-2025", (datetime.date(2025, 4, 3), DatePrecision.DAY)),
        ("03/04/2025", (datetime.date(2025, 4, 3), DatePrecision.DAY)),
        ("2025-04-03", (datetime.date(2025, 4, 3), DatePrecision.DAY)),
        ("4-2025", (datetime.date(2025, 4, 1), DatePrecision.MONTH)),
        ("april 2025", (datetime.date(2025, 4, 1), DatePrecision.MONTH)),
        ("3 apr. 2025", (datetime.date(2025, 4, 3), DatePrecision.DAY)),
        ("mrt 2025", (datetime.date(2025, 3, 1), DatePrecision.MONTH)),
        ("2025", (datetime.date(2025, 1, 1), DatePrecision.YEAR)),
    ],
)
def test_dates_are_read_as_volunteers_write_them(typed, expected):
    parsed = parse_partial_date(typed)
    assert parsed is not None
    assert tuple(parsed) == expected


@pytest.mark.parametrize("typed", ["31-2-2025", "gisteren", "13-2025", "1850"])
def test_unreadable_or_impossible_date_is_refused_with_the_input_kept(
    volunteer_client, council, typed
):
    municipality, _ = council
    response = volunteer_client.post(create_url(), decision(municipality, decided_on=typed))

    assert response.status_code == 200
    assert response.context["decision"].form.errors["decided_on"]
    assert f'value="{typed}"' in response.content.decode()
    assert nothing_stored()


def test_edit_page_shows_a_month_date_as_a_month(volunteer_client, council):
    municipality, _ = council
    motion = make_motion(
        municipality=municipality, decided_on=datetime.date(2025, 4, 1), decided_precision="month"
    )
    response = volunteer_client.get(edit_url(motion))

    assert 'value="04-2025"' in response.content.decode()


def test_edit_changes_a_vote_and_removes_a_sponsor(volunteer_client, council):
    municipality, (green, christian, _) = council
    motion = make_motion(municipality=municipality)
    kept = Sponsorship.objects.create(motion=motion, faction=green)
    removed = Sponsorship.objects.create(motion=motion, faction=christian)
    vote = FactionVote.objects.create(motion=motion, faction=green, vote="against")
    data = decision(
        municipality,
        title=motion.title,
        status=Motion.Status.ADOPTED,
        decided_on="4-2025",
        **rows(
            "indieners",
            [
                {"id": kept.pk, "motion": motion.pk, "faction": green.pk, "role": "submitter"},
                {
                    "id": removed.pk,
                    "motion": motion.pk,
                    "faction": christian.pk,
                    "role": "submitter",
                }
                | {"DELETE": "on"},
            ],
            initial=2,
        ),
        **rows(
            "stemmen",
            [{"id": vote.pk, "motion": motion.pk, "faction": green.pk, "vote": "for"}],
            initial=1,
        ),
    )

    response = volunteer_client.post(edit_url(motion), data | opened(motion))

    assert response.status_code == 302
    assert list(motion.sponsorships.all()) == [kept]
    assert FactionVote.objects.get(pk=vote.pk).vote == "for"


def test_national_motion_is_logged_with_the_name_of_the_member(volunteer_client):
    response = volunteer_client.get(create_url(niveau="national"))
    assert response.context["decision"].form["level"].value() == Motion.Level.NATIONAL

    volunteer_client.post(
        create_url(niveau="national"),
        decision(
            level=Motion.Level.NATIONAL,
            kamerstuk="19637-1234",
            sponsors=[{"faction": "", "role": "submitter", "member_name": "Kamerlid Jansen"}],
        ),
    )

    motion = Motion.objects.get()
    assert (motion.level, motion.municipality, motion.kamerstuk) == ("national", None, "19637-1234")
    assert motion.sponsorships.get().member_name == "Kamerlid Jansen"


# --- each rule refused with its message, nothing stored ----------------------


def refused(response, message: str) -> bool:
    return (
        response.status_code == 200
        and message in response.content.decode()
        and 'value="Motie gewortelde kinderen"' in response.content.decode()
        and nothing_stored()
    )


def test_votes_for_and_against_more_than_the_seats_are_refused(volunteer_client, council):
    municipality, (green, _, _) = council
    data = decision(
        municipality,
        votes_for="20",
        votes_against="6",
        sponsors=[{"faction": green.pk, "role": "submitter"}],
    )
    response = volunteer_client.post(create_url(), data)

    assert refused(response, "Voor en tegen samen (26) is meer dan het aantal zetels")


def test_votes_are_not_limited_when_a_factions_seats_are_unknown(volunteer_client, council):
    municipality, _ = council
    make_faction(municipality=municipality, seats=None)
    volunteer_client.post(create_url(), decision(municipality, votes_for="40", votes_against="6"))

    assert Motion.objects.get().votes_for == 40


def test_decision_before_submission_is_refused(volunteer_client, council):
    municipality, _ = council
    data = decision(
        municipality,
        status=Motion.Status.REJECTED,
        submitted_on="12-3-2025",
        decided_on="1-3-2025",
    )
    response = volunteer_client.post(create_url(), data)

    assert refused(response, "De besluitdatum ligt vóór de datum van indienen.")


def test_adopted_motion_without_decision_date_is_refused(volunteer_client, council):
    municipality, (green, _, _) = council
    data = decision(
        municipality,
        status=Motion.Status.ADOPTED,
        sponsors=[{"faction": green.pk, "role": "submitter"}],
    )
    response = volunteer_client.post(create_url(), data)

    assert refused(response, "Een aangenomen of verworpen motie heeft een besluitdatum")


def test_faction_of_another_council_is_refused(volunteer_client, council):
    municipality, _ = council
    elsewhere = make_faction(municipality=make_municipality(name="Deventer"))
    data = decision(municipality, votes=[{"faction": elsewhere.pk, "vote": "for"}])
    response = volunteer_client.post(create_url(), data)

    assert refused(response, "hoort niet bij de gemeenteraad van Zwolle")


def test_the_same_faction_twice_is_refused(volunteer_client, council):
    municipality, (green, _, _) = council
    data = decision(
        municipality,
        sponsors=[
            {"faction": green.pk, "role": "submitter"},
            {"faction": green.pk, "role": "co_signer"},
        ],
    )
    response = volunteer_client.post(create_url(), data)

    assert refused(response, "GL staat al bij deze motie.")


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_document_larger_than_the_limit_is_refused(volunteer_client, council, media):
    municipality, _ = council
    too_large = PDF + b"0" * (10 * 1024 * 1024)
    data = decision(municipality, document=upload("motie.pdf", too_large))
    response = volunteer_client.post(create_url(), data)

    assert refused(response, "Het document is groter dan 10 MB.")


def test_program_renamed_to_pdf_is_refused(volunteer_client, council, media):
    municipality, _ = council
    program = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200
    data = decision(municipality, document=upload("motie.pdf", program))
    response = volunteer_client.post(create_url(), data)

    assert refused(response, "Dit bestand is geen echt PDF-bestand")
    assert not any(media.rglob("*"))


def test_text_file_named_docx_is_refused(volunteer_client, council, media):
    municipality, _ = council
    data = decision(municipality, document=upload("motie.docx", b"De raad, gehoord..."))
    response = volunteer_client.post(create_url(), data)

    assert refused(response, "Dit bestand is geen echt Word-bestand")


def test_pdf_named_docx_is_refused(volunteer_client, council, media):
    municipality, _ = council
    data = decision(municipality, document=upload("motie.docx", PDF))
    response = volunteer_client.post(create_url(), data)

    assert refused(response, "Dit bestand is geen echt Word-bestand")


def test_small_pdf_is_accepted(volunteer_client, council, media):
    municipality, _ = council
    volunteer_client.post(create_url(), decision(municipality, document=upload("motie.pdf", PDF)))

    document = Motion.objects.get().document
    assert document.name.endswith(".pdf")
    assert document.read().startswith(b"%PDF-1.4")


def test_long_document_name_is_shortened_not_refused(volunteer_client, council, media):
    municipality, _ = council
    name = "Motie vreemd aan de orde van de dag gewortelde kinderen " * 3 + ".pdf"

    volunteer_client.post(create_url(), decision(municipality, document=upload(name, PDF)))

    stored = Motion.objects.get().document.name
    assert stored.startswith("motions/")
    assert stored.endswith(".pdf")
    assert len(stored) <= 100


def test_word_document_is_accepted(volunteer_client, council, media):
    municipality, _ = council
    buffer = io.BytesIO()
    word = docx.Document()
    word.add_paragraph("De raad van Zwolle, in vergadering bijeen, ...")
    word.save(buffer)
    data = decision(municipality, document=upload("motie.docx", buffer.getvalue()))
    volunteer_client.post(create_url(), data)

    assert Motion.objects.get().document.name.endswith(".docx")


# --- permissions -------------------------------------------------------------


def test_anonymous_visitor_is_sent_to_the_login(client, council):
    municipality, _ = council
    motion = make_motion(municipality=municipality)
    for url in [create_url(), edit_url(motion), reverse("workspace:motions_deleted")]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("workspace:login"))


def test_anonymous_post_stores_nothing(client, council):
    municipality, _ = council
    response = client.post(create_url(), decision(municipality))

    assert response.status_code == 302
    assert nothing_stored()


def test_volunteer_may_not_delete_a_motion(volunteer_client, council):
    municipality, _ = council
    motion = make_motion(municipality=municipality)
    url = reverse("workspace:motion_delete", args=[motion.pk])

    assert volunteer_client.get(url).status_code == 403
    assert volunteer_client.post(url).status_code == 403
    assert Motion.objects.filter(pk=motion.pk).exists()


def test_volunteer_may_not_see_deleted_motions_or_restore_one(volunteer_client, council):
    municipality, _ = council
    motion = make_motion(municipality=municipality)
    motion.delete()
    record = Motion.history.get(history_type="-")

    listing = volunteer_client.get(reverse("workspace:motions_deleted"))
    restore = volunteer_client.post(reverse("workspace:motion_restore", args=[record.history_id]))

    assert (listing.status_code, restore.status_code) == (403, 403)
    assert not Motion.objects.exists()


def test_edit_page_offers_delete_only_to_coordinators(
    volunteer_client, coordinator_client, council
):
    municipality, _ = council
    motion = make_motion(municipality=municipality)
    delete_url = reverse("workspace:motion_delete", args=[motion.pk])

    assert delete_url not in volunteer_client.get(edit_url(motion)).content.decode()
    assert delete_url in coordinator_client.get(edit_url(motion)).content.decode()


def test_coordinator_confirms_then_deletes_a_motion(coordinator_client, council):
    municipality, (green, _, _) = council
    motion = make_motion(municipality=municipality, title="Te verwijderen")
    Sponsorship.objects.create(motion=motion, faction=green)
    url = reverse("workspace:motion_delete", args=[motion.pk])

    confirmation = coordinator_client.get(url)
    response = coordinator_client.post(url)

    assert confirmation.status_code == 200
    assert "Te verwijderen" in confirmation.content.decode()
    assert Motion.objects.filter(pk=motion.pk).exists() is False
    assert response["Location"] == reverse("workspace:motions_deleted")


# --- query counts ------------------------------------------------------------


@pytest.mark.parametrize("size", [1, 10])
def test_edit_page_query_count_does_not_grow(volunteer_client, django_assert_num_queries, size):
    municipality = make_municipality()
    for _ in range(20):
        make_municipality()
    factions = [make_faction(municipality=municipality, seats=1) for _ in range(3 * size)]
    motion = make_motion(municipality=municipality)
    for faction in factions:
        Sponsorship.objects.create(motion=motion, faction=faction)
        FactionVote.objects.create(motion=motion, faction=faction, vote="for")
    for _ in range(2 * size):
        MotionEvent.objects.create(motion=motion, kind=MotionEvent.Kind.DEBATED)
    volunteer_client.get(edit_url(motion))  # the session is read once before counting
    # 1 session, 2 user, 3-4 the user's permissions (own and through groups),
    # 5 motion with municipality, 6 the council's factions with their party,
    # 7 sponsors, 8 votes, 9 events, 10 the municipality names for the datalist
    with django_assert_num_queries(10):
        response = volunteer_client.get(edit_url(motion))
    assert response.status_code == 200
