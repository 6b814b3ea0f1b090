"""The import of the CBS register of municipalities (municipalities.register)."""

import datetime
import functools
import http.server
import shutil
import threading
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from municipalities.models import Municipality, Province, Succession
from municipalities.register import import_municipalities
from municipalities.sources import ReferenceDataError
from tests.conftest import SHARED_DATA, make_motion

REGISTER = str(SHARED_DATA / settings.REFERENCE_MUNICIPALITIES_FILE)
MERGERS = str(SHARED_DATA / settings.REFERENCE_MERGERS_FILE)
JAN_2018 = datetime.date(2018, 1, 1)
JAN_2025 = datetime.date(2025, 1, 1)
BEFORE_VOORNE_AAN_ZEE = datetime.date(2022, 6, 1)
HEADER = "provinciecode;provincienaam;gemeentecode;gemeentenaam;begindatum;einddatum"
MERGER_HEADER = "gemeentecode;gemeentenaam;einddatum;opvolger_code;opvolger_naam;deel;soort;bron"

# CBS, "Gemeentelijke indeling op 1 januari 2025".
MUNICIPALITIES_PER_PROVINCE_2025 = {
    "Groningen": 10,
    "Fryslân": 18,
    "Drenthe": 12,
    "Overijssel": 25,
    "Flevoland": 6,
    "Gelderland": 51,
    "Utrecht": 26,
    "Noord-Holland": 44,
    "Zuid-Holland": 50,
    "Zeeland": 13,
    "Noord-Brabant": 56,
    "Limburg": 31,
}

pytestmark = pytest.mark.django_db


def write_csv(tmp_path, *rows: str, header: str = HEADER, encoding: str = "utf-8") -> str:
    path = tmp_path / "gemeenten.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding=encoding)
    return str(path)


def write_mergers(tmp_path, *rows: str, name: str = "herindelingen.csv") -> str:
    path = tmp_path / name
    path.write_text("\n".join([MERGER_HEADER, *rows]) + "\n", encoding="utf-8")
    return str(path)


def small_import(tmp_path, *rows: str, **kwargs):
    """A register of a few rows, with a merger file that mentions none of them."""
    return import_municipalities(
        write_csv(tmp_path, *rows), mergers=write_mergers(tmp_path), **kwargs
    )


def municipality(code: str) -> Municipality:
    return Municipality.objects.get(code=code)


def successor_names(code: str) -> list[str]:
    return [s.successor.name for s in Succession.objects.filter(predecessor__code=code)]


def test_import_creates_342_active_municipalities_on_1_january_2025():
    summary = import_municipalities(REGISTER, as_of=JAN_2025)

    assert Municipality.objects.active().count() == 342
    assert summary.created == 342


def test_import_creates_12_provinces_with_the_official_number_of_municipalities():
    import_municipalities(REGISTER, as_of=JAN_2025)

    counts = {p.name: p.municipalities.active().count() for p in Province.objects.all()}
    assert counts == MUNICIPALITIES_PER_PROVINCE_2025


def test_friesland_is_stored_as_fryslan():
    import_municipalities(REGISTER, as_of=JAN_2025)

    province = Province.objects.get(code="PV21")
    assert (province.name, province.slug) == ("Fryslân", "fryslan")


def test_second_import_changes_nothing():
    import_municipalities(REGISTER, as_of=JAN_2025)
    rows_before = list(Municipality.objects.order_by("code").values())

    summary = import_municipalities(REGISTER, as_of=JAN_2025)

    assert (summary.created, summary.updated, summary.dissolved) == (0, 0, 0)
    assert summary.unchanged == Municipality.objects.count()
    assert (summary.provinces_created, summary.provinces_updated) == (0, 0)
    assert list(Municipality.objects.order_by("code").values()) == rows_before


def test_second_import_reads_the_database_without_writing(django_assert_max_num_queries):
    import_municipalities(REGISTER, as_of=JAN_2025)

    # savepoint, provinces, municipalities, successions, release savepoint
    with django_assert_max_num_queries(5):
        import_municipalities(REGISTER, as_of=JAN_2025)


def test_merged_municipalities_point_to_their_successor():
    import_municipalities(REGISTER, as_of=JAN_2025)

    for code in ("GM0501", "GM0530", "GM0614"):  # Brielle, Hellevoetsluis, Westvoorne
        assert municipality(code).dissolved_on == datetime.date(2023, 1, 1)
        assert successor_names(code) == ["Voorne aan Zee"]


@pytest.mark.parametrize(
    ("code", "successors"),
    [
        ("GM0370", ["Purmerend"]),  # Beemster: not Dijk en Waard, new that day in the province
        ("GM0478", ["Edam-Volendam"]),  # Zeevang: not Gooise Meren
        ("GM0081", ["Leeuwarden"]),  # Leeuwarderadeel: not Waadhoeke
        ("GM0140", ["Súdwest-Fryslân", "Leeuwarden", "Waadhoeke"]),  # Littenseradiel, split
        ("GM0457", ["Amsterdam"]),  # Weesp, on 24 March 2022
        ("GM0962", ["Beekdaelen"]),  # Schinnen
    ],
)
def test_successors_are_the_verified_ones(code, successors):
    import_municipalities(REGISTER, as_of=JAN_2025)

    assert successor_names(code) == successors


def test_a_municipality_new_that_day_in_the_same_province_is_not_taken_for_a_successor(
    tmp_path,
):
    # Oud ended when Nieuw began in the same province: that says nothing about
    # what became of Oud, and the merger file is silent.
    small_import(
        tmp_path,
        "27;Noord-Holland;0001;Oud;1970-01-01;2020-01-01",
        "27;Noord-Holland;0002;Nieuw;2020-01-01;",
    )

    assert municipality("GM0001").dissolved_on == datetime.date(2020, 1, 1)
    assert successor_names("GM0001") == []


def test_vianens_change_of_province_is_no_ending():
    import_municipalities(REGISTER, as_of=JAN_2025)

    vianen = municipality("GM0620")
    assert (vianen.began_on, vianen.dissolved_on) == (
        datetime.date(1970, 1, 1),
        datetime.date(2019, 1, 1),
    )
    assert successor_names("GM0620") == ["Vijfheerenlanden"]


def test_import_keeps_a_successor_a_coordinator_added_where_the_file_is_silent(tmp_path):
    rows = (
        "27;Noord-Holland;0001;Oud;1970-01-01;2027-01-01",
        "27;Noord-Holland;0002;Nieuw;1970-01-01;",
    )
    small_import(tmp_path, *rows)
    Succession.objects.create(
        predecessor=municipality("GM0001"), successor=municipality("GM0002"), source="wetsvoorstel"
    )

    small_import(tmp_path, *rows)

    assert successor_names("GM0001") == ["Nieuw"]


def test_a_newer_edition_of_the_merger_file_updates_the_links(tmp_path):
    register = write_csv(
        tmp_path,
        "27;Noord-Holland;0001;Oud;1970-01-01;2020-01-01",
        "27;Noord-Holland;0002;Nieuw;2020-01-01;",
        "27;Noord-Holland;0003;Buur;1970-01-01;",
    )
    first = write_mergers(
        tmp_path, "0001;Oud;2020-01-01;0002;Nieuw;geheel;samenvoeging;eerste editie", name="1.csv"
    )
    second = write_mergers(
        tmp_path,
        "0001;Oud;2020-01-01;0003;Buur;gedeeltelijk;opsplitsing;tweede editie",
        "0001;Oud;2020-01-01;0002;Nieuw;gedeeltelijk;opsplitsing;tweede editie",
        name="2.csv",
    )
    import_municipalities(register, mergers=first)

    summary = import_municipalities(register, mergers=second)

    assert successor_names("GM0001") == ["Buur", "Nieuw"]
    assert set(Succession.objects.values_list("kind", "share")) == {
        (Succession.Kind.SPLIT, Succession.Share.PART)
    }
    successions = summary.successions
    assert successions is not None
    assert (successions.created, successions.updated, successions.removed) == (1, 1, 0)


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("0001;Oud;2021-01-01;0002;Nieuw;geheel;samenvoeging;bron", "eindigt volgens het register"),
        ("0001;Oud;2020-01-01;0003;Later;geheel;samenvoeging;bron", "bestond niet op"),
        ("0001;Oud;2020-01-01;0009;Onbekend;geheel;samenvoeging;bron", "0009 staat niet in"),
        ("0001;Oud;2020-01-01;0002;Nieuw;half;samenvoeging;bron", "ongeldige deel"),
        ("0001;Oud;2020-01-01;0002;Nieuw;geheel;samenvoeging;", "bron ontbreekt"),
        ("0001;Oud;2020-01-01;0001;Oud;geheel;samenvoeging;bron", "eigen opvolger"),
    ],
    ids=["wrong-end-date", "successor-not-yet", "unknown-code", "share", "source", "itself"],
)
def test_bad_merger_row_names_the_line_and_changes_nothing(tmp_path, row, message):
    register = write_csv(
        tmp_path,
        "27;Noord-Holland;0001;Oud;1970-01-01;2020-01-01",
        "27;Noord-Holland;0002;Nieuw;2020-01-01;",
        "27;Noord-Holland;0003;Later;2021-01-01;",
    )

    with pytest.raises(ReferenceDataError, match=f"regel 2: .*{message}"):
        import_municipalities(register, mergers=write_mergers(tmp_path, row))

    assert not Municipality.objects.exists()
    assert not Succession.objects.exists()


def test_import_writes_history_that_names_the_import():
    import_municipalities(REGISTER, as_of=JAN_2025)
    import_municipalities(REGISTER, as_of=JAN_2025)

    records = Municipality.history.filter(code="GM0344")  # Utrecht
    assert [(r.history_type, r.history_change_reason) for r in records] == [
        ("+", "Import gemeentelijke indeling (peildatum 2025-01-01)")
    ]
    beemster = Succession.history.get(predecessor__code="GM0370")
    assert beemster.history_change_reason == "Import herindelingen"


def test_merged_municipality_keeps_its_motions():
    import_municipalities(REGISTER, as_of=BEFORE_VOORNE_AAN_ZEE)
    brielle = municipality("GM0501")
    motion = make_motion(municipality=brielle)

    import_municipalities(REGISTER, as_of=JAN_2025)

    motion.refresh_from_db()
    assert motion.municipality_id == brielle.pk
    assert municipality("GM0501").dissolved_on == datetime.date(2023, 1, 1)


@pytest.mark.parametrize(
    ("code", "slug"),
    [
        ("GM0796", "s-hertogenbosch"),
        ("GM0373", "bergen-nh"),
        ("GM0893", "bergen-l"),
        ("GM1900", "sudwest-fryslan"),
    ],
)
def test_special_names_get_readable_slugs(code, slug):
    import_municipalities(REGISTER, as_of=JAN_2025)

    assert municipality(code).slug == slug


def test_the_two_municipalities_called_sluis_get_distinct_slugs():
    import_municipalities(REGISTER, as_of=JAN_2025)

    assert municipality("GM1714").slug == "sluis"  # active since 2003
    assert municipality("GM0713").slug == "sluis-1995"  # dissolved 1995


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("den haag", "'s-Gravenhage"),
        ("den bosch", "'s-Hertogenbosch"),
        ("sudwest", "Súdwest-Fryslân"),
    ],
)
def test_common_names_find_the_municipality(query, name):
    import_municipalities(REGISTER, as_of=JAN_2025)

    assert name in {m.name for m in Municipality.objects.search(query)}


def test_import_keeps_aliases_a_coordinator_typed():
    import_municipalities(REGISTER, as_of=JAN_2025)
    the_hague = municipality("GM0518")
    the_hague.aliases = "Hofstad"
    the_hague.save()

    import_municipalities(REGISTER, as_of=JAN_2025)

    assert municipality("GM0518").alias_list == ["Hofstad", "Den Haag"]


def test_as_of_date_before_a_merger_has_the_old_municipalities_active():
    summary = import_municipalities(REGISTER, as_of=BEFORE_VOORNE_AAN_ZEE)

    active = Municipality.objects.active(BEFORE_VOORNE_AAN_ZEE)
    assert active.filter(code="GM0501").exists()  # Brielle
    assert not active.filter(name="Voorne aan Zee").exists()
    assert summary.active == active.count() == 344


def test_register_of_2018_has_its_380_municipalities_and_keeps_the_later_ones():
    import_municipalities(REGISTER, as_of=JAN_2025)

    summary = import_municipalities(REGISTER, as_of=JAN_2018)

    assert summary.active == Municipality.objects.active(JAN_2018).count() == 380
    het_hogeland = municipality("GM1966")  # began 1 January 2019
    assert (het_hogeland.began_on, het_hogeland.dissolved_on) == (datetime.date(2019, 1, 1), None)
    assert Municipality.objects.count() == 788  # nothing deleted
    assert (summary.created, summary.dissolved) == (0, 0)  # nothing falsely dissolved

    import_municipalities(REGISTER, as_of=JAN_2025)

    assert Municipality.objects.active(JAN_2025).count() == 342
    assert Municipality.objects.active().count() == 342  # today: no mergers in 2026


def test_later_import_marks_the_merged_municipality_dissolved():
    import_municipalities(REGISTER, as_of=BEFORE_VOORNE_AAN_ZEE)

    import_municipalities(REGISTER, as_of=JAN_2025)

    assert municipality("GM0501").dissolved_on == datetime.date(2023, 1, 1)
    assert successor_names("GM0501") == ["Voorne aan Zee"]


@pytest.mark.parametrize(
    ("as_of", "province"),
    [(datetime.date(2000, 1, 1), "Zuid-Holland"), (datetime.date(2010, 1, 1), "Utrecht")],
)
def test_row_valid_on_the_as_of_date_decides_the_province(as_of, province):
    # Vianen (0620) moved from Zuid-Holland to Utrecht in 2002.
    import_municipalities(REGISTER, as_of=as_of)

    assert municipality("GM0620").province.name == province


def test_new_name_keeps_the_slug(tmp_path):
    small_import(tmp_path, "20;Groningen;0014;Groningen;1970-01-01;")

    summary = small_import(tmp_path, "20;Groningen;0014;Stad Groningen;1970-01-01;")

    assert (municipality("GM0014").name, municipality("GM0014").slug) == (
        "Stad Groningen",
        "groningen",
    )
    assert summary.updated == 1


def test_file_with_byte_order_mark_is_read(tmp_path):
    source = write_csv(tmp_path, "20;Groningen;0014;Groningen;1970-01-01;", encoding="utf-8-sig")

    import_municipalities(source, mergers=write_mergers(tmp_path))

    assert municipality("GM0014").name == "Groningen"


VALID_ROW = "20;Groningen;0014;Stad Groningen;1970-01-01;"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (f"{HEADER}\n{VALID_ROW}\n20;Groningen;14x;Haren;1970-01-01;", "regel 3"),
        (f"{HEADER}\n{VALID_ROW}\n20;Groningen;0017;Haren;1970-13-01;", "regel 3"),
        (f"{HEADER}\n{VALID_ROW}\n20;Groningen;0017", "regel 3"),
        (f"{HEADER}\n{VALID_ROW}\n20;Groningen;0017;Haren;2019-01-01;1970-01-01", "regel 3"),
        (f"{HEADER.removesuffix(';einddatum')}\n20;Groningen;0014;Groningen;1970-01-01", "regel 1"),
        ('{"type": "FeatureCollection", "features": []}', "regel 1"),
    ],
    ids=["code", "date", "columns", "end-before-begin", "header", "not-csv"],
)
def test_malformed_file_names_the_line_and_changes_nothing(tmp_path, content, message):
    small_import(tmp_path, "20;Groningen;0014;Groningen;1970-01-01;")
    bad = tmp_path / "kapot.csv"
    bad.write_text(content, encoding="utf-8")

    with pytest.raises(ReferenceDataError, match=message):
        import_municipalities(str(bad), mergers=write_mergers(tmp_path))

    assert list(Municipality.objects.values_list("code", "name")) == [("GM0014", "Groningen")]


def test_geojson_file_is_refused_as_register():
    with pytest.raises(ReferenceDataError, match="regel 1: geen leesbare CSV"):
        import_municipalities(str(SHARED_DATA / "gemeenten-2025-wgs84.geojson"))

    assert not Municipality.objects.exists()


def test_binary_file_is_refused(tmp_path):
    bad = tmp_path / "kaart.png"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n\x00\xff")

    with pytest.raises(ReferenceDataError, match="geen UTF-8"):
        import_municipalities(str(bad))

    assert not Municipality.objects.exists()


def test_command_prints_the_summary():
    out = StringIO()

    call_command("import_municipalities", REGISTER, "--as-of", "2025-01-01", stdout=out)

    assert "342 gemeenten bestaan op die dag" in out.getvalue()
    assert "Gemeenten: 342 nieuw, 0 bijgewerkt, 446 opgeheven, 0 ongewijzigd" in out.getvalue()
    assert "provincies: 12 nieuw" in out.getvalue()
    assert "Opvolgingen: 471 nieuw" in out.getvalue()


def test_command_turns_a_bad_file_into_a_command_error(tmp_path):
    source = write_csv(tmp_path, "20;Groningen;0014;Groningen;gisteren;")

    with pytest.raises(CommandError, match="regel 2: ongeldige begindatum"):
        call_command("import_municipalities", source, stdout=StringIO())


def test_command_refuses_a_bad_as_of_date():
    with pytest.raises(CommandError, match="JJJJ-MM-DD"):
        call_command("import_municipalities", REGISTER, "--as-of", "1-1-2025")


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture
def web_server(tmp_path):
    """The files in ``tmp_path`` over http on the loopback interface."""
    handler = functools.partial(QuietHandler, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join()


def test_import_reads_the_default_file_from_a_url(web_server, tmp_path, settings):
    shutil.copy(REGISTER, tmp_path / settings.REFERENCE_MUNICIPALITIES_FILE)
    shutil.copy(MERGERS, tmp_path / settings.REFERENCE_MERGERS_FILE)
    settings.REFERENCE_DATA = web_server

    import_municipalities(as_of=JAN_2025)

    assert Municipality.objects.active().count() == 342


def test_missing_url_is_a_clear_error(web_server):
    with pytest.raises(ReferenceDataError, match=r"Kan .* niet lezen"):
        import_municipalities(f"{web_server}/bestaat-niet.csv")


def test_a_coordinators_ending_after_the_register_date_survives_the_import(tmp_path, client):
    rows = (
        "27;Noord-Holland;0001;Oud;1970-01-01;",
        "27;Noord-Holland;0002;Buur;1970-01-01;",
    )
    small_import(tmp_path, *rows, as_of=JAN_2025)
    oud, buur = municipality("GM0001"), municipality("GM0002")
    oud.dissolved_on = datetime.date(2027, 1, 1)  # next year's merger, not in any file yet
    oud.save()
    Succession.objects.create(predecessor=oud, successor=buur, source="wetsvoorstel")

    small_import(tmp_path, *rows, as_of=JAN_2025)

    assert municipality("GM0001").dissolved_on == datetime.date(2027, 1, 1)
    content = client.get(buur.get_absolute_url()).content.decode()
    assert "Voorgangers" not in content  # it has not happened yet
    assert client.get(oud.get_absolute_url()).status_code == 200
