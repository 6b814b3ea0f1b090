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

from municipalities.models import Municipality, Province
from municipalities.register import ReferenceDataError, import_municipalities
from tests.conftest import SHARED_DATA, make_motion

REGISTER = str(SHARED_DATA / settings.REFERENCE_MUNICIPALITIES_FILE)
JAN_2025 = datetime.date(2025, 1, 1)
BEFORE_VOORNE_AAN_ZEE = datetime.date(2022, 6, 1)
HEADER = "provinciecode;provincienaam;gemeentecode;gemeentenaam;begindatum;einddatum"

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


def municipality(code: str) -> Municipality:
    return Municipality.objects.select_related("successor").get(code=code)


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

    # savepoint, provinces, municipalities, release savepoint
    with django_assert_max_num_queries(4):
        import_municipalities(REGISTER, as_of=JAN_2025)


def test_merged_municipalities_point_to_their_successor():
    import_municipalities(REGISTER, as_of=JAN_2025)

    for code in ("GM0501", "GM0530", "GM0614"):  # Brielle, Hellevoetsluis, Westvoorne
        merged = municipality(code)
        assert merged.dissolved_on == datetime.date(2023, 1, 1)
        assert merged.successor.name == "Voorne aan Zee"


def test_merger_with_two_new_municipalities_in_the_province_gets_no_successor():
    # Bedum ended 2019-01-01, when both Het Hogeland and Westerkwartier began.
    import_municipalities(REGISTER, as_of=JAN_2025)

    bedum = municipality("GM0005")
    assert bedum.dissolved_on == datetime.date(2019, 1, 1)
    assert bedum.successor is None


def test_import_keeps_a_successor_a_coordinator_chose_where_the_register_is_silent():
    import_municipalities(REGISTER, as_of=JAN_2025)
    Municipality.objects.filter(code="GM0005").update(
        successor=Municipality.objects.get(name="Het Hogeland")
    )

    import_municipalities(REGISTER, as_of=JAN_2025)

    assert municipality("GM0005").successor.name == "Het Hogeland"


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
    import_municipalities(REGISTER, as_of=BEFORE_VOORNE_AAN_ZEE)

    assert municipality("GM0501").is_active
    assert not Municipality.objects.filter(name="Voorne aan Zee").exists()


def test_later_import_marks_the_merged_municipality_dissolved():
    import_municipalities(REGISTER, as_of=BEFORE_VOORNE_AAN_ZEE)

    summary = import_municipalities(REGISTER, as_of=JAN_2025)

    brielle = municipality("GM0501")
    assert brielle.dissolved_on == datetime.date(2023, 1, 1)
    assert brielle.successor.name == "Voorne aan Zee"
    assert summary.dissolved >= 3


@pytest.mark.parametrize(
    ("as_of", "province"),
    [(datetime.date(2000, 1, 1), "Zuid-Holland"), (datetime.date(2010, 1, 1), "Utrecht")],
)
def test_row_valid_on_the_as_of_date_decides_the_province(as_of, province):
    # Vianen (0620) moved from Zuid-Holland to Utrecht in 2002.
    import_municipalities(REGISTER, as_of=as_of)

    assert municipality("GM0620").province.name == province


def test_new_name_keeps_the_slug(tmp_path):
    import_municipalities(write_csv(tmp_path, "20;Groningen;0014;Groningen;1970-01-01;"))

    summary = import_municipalities(
        write_csv(tmp_path, "20;Groningen;0014;Stad Groningen;1970-01-01;")
    )

    assert (municipality("GM0014").name, municipality("GM0014").slug) == (
        "Stad Groningen",
        "groningen",
    )
    assert summary.updated == 1


def test_file_with_byte_order_mark_is_read(tmp_path):
    source = write_csv(tmp_path, "20;Groningen;0014;Groningen;1970-01-01;", encoding="utf-8-sig")

    import_municipalities(source)

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
    import_municipalities(write_csv(tmp_path, "20;Groningen;0014;Groningen;1970-01-01;"))
    bad = tmp_path / "kapot.csv"
    bad.write_text(content, encoding="utf-8")

    with pytest.raises(ReferenceDataError, match=message):
        import_municipalities(str(bad))

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

    assert "Gemeenten: 342 nieuw, 0 bijgewerkt, 446 opgeheven, 0 ongewijzigd" in out.getvalue()
    assert "provincies: 12 nieuw" in out.getvalue()


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
    settings.REFERENCE_DATA = web_server

    import_municipalities(as_of=JAN_2025)

    assert Municipality.objects.active().count() == 342


def test_missing_url_is_a_clear_error(web_server):
    with pytest.raises(ReferenceDataError, match=r"Kan .* niet lezen"):
        import_municipalities(f"{web_server}/bestaat-niet.csv")
