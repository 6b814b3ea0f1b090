"""What became of every municipality that ended, on the public pages, compared
with the verified merger file (``herindelingen.csv``) row by row.

The register and merger file are imported once for this module (the pages only
read them); each test runs in its own transaction as usual.
"""

import csv
import datetime
import html
import re
from collections import defaultdict
from dataclasses import dataclass

import pytest
from django.conf import settings

from municipalities.models import Municipality, Province, Succession
from municipalities.register import import_municipalities
from tests.conftest import SHARED_DATA

MONTHS = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
]


def dutch(day: datetime.date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


@dataclass
class Ending:
    code: str
    name: str
    ends_on: datetime.date
    kind: str
    successors: list[tuple[str, str]]  # (code, name), the main successor first


def endings() -> list[Ending]:
    """Every ending the merger file gives (Vianen's change of province is none)."""
    path = SHARED_DATA / settings.REFERENCE_MERGERS_FILE
    with path.open(encoding="utf-8-sig", newline="") as file:
        rows = list(csv.DictReader(file, delimiter=";"))
    found: dict[tuple[str, str], Ending] = {}
    for row in rows:
        if row["soort"] == "provinciewijziging":
            continue
        key = (row["gemeentecode"], row["einddatum"])
        ending = found.setdefault(
            key,
            Ending(
                "GM" + row["gemeentecode"],
                row["gemeentenaam"],
                datetime.date.fromisoformat(row["einddatum"]),
                row["soort"],
                [],
            ),
        )
        ending.successors.append(("GM" + row["opvolger_code"], row["opvolger_naam"]))
    return list(found.values())


ENDINGS = endings()
PREDECESSORS: dict[str, list[Ending]] = defaultdict(list)
for _ending in ENDINGS:
    for _code, _name in _ending.successors:
        PREDECESSORS[_code].append(_ending)


@pytest.fixture(scope="module")
def register(django_db_setup, django_db_blocker):
    """Today's register with its verified mergers, kept for the whole module."""
    with django_db_blocker.unblock():
        import_municipalities()
        yield {m.code: m for m in Municipality.objects.all()}
        Succession.objects.all().delete()
        Municipality.objects.all().delete()
        Province.objects.all().delete()
        Succession.history.all().delete()  # the deletions above wrote history too
        Municipality.history.all().delete()


def text(content: str) -> str:
    """The page's words, tags left out (so a link reads as its name)."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", content)).split())


def sentence(ending: Ending) -> str:
    names = [name for _code, name in ending.successors]
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " en " + names[-1]
    day = dutch(ending.ends_on)
    if ending.kind == "naamswijziging":
        return f"{ending.name} heet sinds {day} {listed}."
    if ending.kind == "opsplitsing":
        return f"{ending.name} is op {day} opgeheven en verdeeld over {listed}."
    return f"{ending.name} is op {day} opgegaan in {listed}."


def test_the_file_has_every_ending_of_the_register(register):
    ended = Municipality.objects.filter(dissolved_on__isnull=False).count()
    assert len(ENDINGS) == ended == 446


@pytest.mark.django_db
@pytest.mark.parametrize("ending", ENDINGS, ids=[f"{e.code}-{e.name}" for e in ENDINGS])
def test_ended_municipality_says_what_became_of_it(client, register, ending):
    municipality = register[ending.code]

    content = client.get(municipality.get_absolute_url()).content.decode()

    assert sentence(ending) in text(content)
    for code, _name in ending.successors:
        assert f'<a href="{register[code].get_absolute_url()}">' in content


def origin(ending: Ending, successor: str) -> str:
    day = dutch(ending.ends_on)
    if ending.kind == "naamswijziging":
        return f"Tot {day} heette {successor} {ending.name}."
    if ending.kind == "opsplitsing":
        return f"Op {day} ging een deel van {ending.name} naar {successor}."
    return f"Op {day} ging {ending.name} op in {successor}."


@pytest.mark.django_db
@pytest.mark.parametrize("code", sorted(PREDECESSORS))
def test_successor_lists_its_predecessors_with_their_dates(client, register, code):
    successor = register[code]

    content = client.get(successor.get_absolute_url()).content.decode()

    assert "Voorgangers" in content
    for ending in PREDECESSORS[code]:
        assert origin(ending, successor.name) in text(content)
        assert f'href="{register[ending.code].get_absolute_url()}"' in content


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Beemster", "Beemster is op 1 januari 2022 opgegaan in Purmerend."),
        ("Weesp", "Weesp is op 24 maart 2022 opgegaan in Amsterdam."),
        (
            "Littenseradiel",
            "Littenseradiel is op 1 januari 2018 opgeheven en verdeeld over "
            "Súdwest-Fryslân, Leeuwarden en Waadhoeke.",
        ),
        ("Schinnen", "Schinnen is op 1 januari 2019 opgegaan in Beekdaelen."),
        ("Dantumadeel", "Dantumadeel heet sinds 1 januari 2009 Dantumadiel."),
    ],
)
def test_the_cases_that_were_wrong_before(client, register, name, expected):
    municipality = Municipality.objects.get(name=name)

    assert expected in text(client.get(municipality.get_absolute_url()).content.decode())


@pytest.mark.django_db
def test_wijdemeren_lists_only_its_own_predecessors(client, register):
    content = text(client.get(register["GM1696"].get_absolute_url()).content.decode())

    for name in ("'s-Graveland", "Loosdrecht", "Nederhorst den Berg"):
        assert f"ging {name} op in Wijdemeren" in content
    assert "Akersloot" not in content
    assert "Limmen" not in content


@pytest.mark.django_db
def test_a_municipality_without_a_known_successor_says_only_when_it_ended(client, register):
    beemster = register["GM0370"]
    Succession.objects.filter(predecessor=beemster).delete()

    content = text(client.get(beemster.get_absolute_url()).content.decode())

    assert "Beemster is opgeheven per 1 januari 2022." in content
    assert "Purmerend" not in content


@pytest.mark.django_db
def test_history_page_of_an_imported_municipality_shows_the_import(coordinator_client, register):
    utrecht = register["GM0344"]

    response = coordinator_client.get(f"/werk/geschiedenis/municipality/{utrecht.pk}/")

    assert response.status_code == 200
    assert "Import gemeentelijke indeling" in response.content.decode()


@pytest.mark.django_db
def test_history_page_of_a_record_without_history_says_so(coordinator_client, register):
    utrecht = register["GM0344"]
    Municipality.history.filter(id=utrecht.pk).delete()

    response = coordinator_client.get(f"/werk/geschiedenis/municipality/{utrecht.pk}/")

    assert response.status_code == 200
    assert "Nog geen wijzigingen." in response.content.decode()
