"""``manage.py backup`` and ``restore``: one archive with the database and every
uploaded file, and back, on SQLite and on PostgreSQL (whichever DATABASE_URL
names). pg_dump sees committed data only, so these tests commit."""

import hashlib
import json
import shutil
import zipfile
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from kinderpardon.backups import (
    DATABASE_MEMBERS,
    MANIFEST,
    BackupError,
    create_backup,
    postgres_command,
    restore_backup,
    tables_with_rows,
)
from kinderpardon.history import changeset
from motions.models import ActionReport, Motion

from .conftest import make_motion, make_municipality

pytestmark = pytest.mark.django_db(transaction=True)

MOTION_PDF = b"%PDF-1.4 de motie van Zwolle"
REPORT_PDF = b"%PDF-1.4 het verslag van de griffier"
PASSWORD = "een-lang-wachtwoord-voor-de-back-up"


@pytest.fixture
def uploads(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings


@pytest.fixture
def campaign(uploads):
    """A council with a motion and its document, a report with a private
    document, their history (one changeset) and an account with a password."""
    with changeset() as id:
        municipality = make_municipality(name="Zwolle", slug="zwolle")
        motion = make_motion(municipality=municipality, title="Motie gewortelde kinderen")
        motion.document.save("motie zwolle.pdf", ContentFile(MOTION_PDF))
    report = ActionReport.objects.create(
        reporter_name="Griet Griffier",
        reporter_email="griffie@example.org",
        municipality=municipality,
        action=ActionReport.Action.ADOPTED,
    )
    report.document.save("verslag.pdf", ContentFile(REPORT_PDF))
    user = get_user_model().objects.create_user("beheerder", "beheer@example.org", PASSWORD)
    return {"motion": motion, "report": report, "user": user, "changeset": id}


def snapshot() -> dict[str, list[str]]:
    """Every row of every table, as text, in a stable order."""
    rows = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names()):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            rows[table] = sorted(repr(row) for row in cursor.fetchall())
    return rows


def wipe(settings) -> None:
    call_command("flush", interactive=False, verbosity=0)
    shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)
    shutil.rmtree(settings.PRIVATE_MEDIA_ROOT, ignore_errors=True)


def rewrite(archive, target, **replace: bytes) -> None:
    """A copy of ``archive`` with some members' contents replaced."""
    with zipfile.ZipFile(archive) as source, zipfile.ZipFile(target, "w") as copy:
        for name in source.namelist():
            copy.writestr(name, replace.get(name, source.read(name)))


def test_restore_brings_back_every_record_history_document_and_password(
    campaign, uploads, tmp_path
):
    before = snapshot()
    password_hash = campaign["user"].password
    summary = create_backup(tmp_path)
    wipe(uploads)
    assert ActionReport.objects.count() == Motion.objects.count() == 0
    assert tables_with_rows() == []

    restored = restore_backup(summary.archive)

    assert snapshot() == before
    motion = Motion.objects.get()
    report = ActionReport.objects.get()
    assert motion.document.read() == MOTION_PDF
    assert report.document.read() == REPORT_PDF
    assert report.reporter_email == "griffie@example.org"
    assert motion.history.filter(history_changeset=campaign["changeset"]).exists()
    user = get_user_model().objects.get(username="beheerder")
    assert user.password == password_hash
    assert user.check_password(PASSWORD)
    assert restored.files == {"default": 1, "private": 1}


def test_the_archive_lists_every_member_with_size_and_checksum(campaign, tmp_path):
    summary = create_backup(tmp_path)

    with zipfile.ZipFile(summary.archive) as archive:
        manifest = json.loads(archive.read(MANIFEST))
        names = set(archive.namelist())
    assert manifest["database_vendor"] == connection.vendor
    assert {entry["member"] for entry in manifest["members"]} == names - {MANIFEST}
    documents = {e["name"]: e for e in manifest["members"] if e.get("storage") == "private"}
    assert documents[campaign["report"].document.name]["size"] == len(REPORT_PDF)
    assert summary.archive.stat().st_mode & 0o077 == 0  # its owner's only


def test_restore_refuses_a_database_that_holds_data(campaign, tmp_path):
    summary = create_backup(tmp_path)
    campaign["motion"].delete()

    with pytest.raises(BackupError, match="De database is niet leeg"):
        restore_backup(summary.archive)

    assert not Motion.objects.exists()


def test_restore_with_force_replaces_the_data_and_the_files(campaign, uploads, tmp_path):
    before = snapshot()
    summary = create_backup(tmp_path)
    campaign["motion"].delete()
    later = ActionReport.objects.create(
        municipality=campaign["report"].municipality, action=ActionReport.Action.OTHER
    )
    later.document.save("later.pdf", ContentFile(b"%PDF-1.4 later"))

    restored = restore_backup(summary.archive, force=True)

    assert snapshot() == before
    assert not (uploads.PRIVATE_MEDIA_ROOT / later.document.name).exists()
    assert restored.removed == 1


def test_a_tampered_archive_is_refused_before_anything_changes(campaign, uploads, tmp_path):
    summary = create_backup(tmp_path)
    wipe(uploads)
    member = f"files/private/{campaign['report'].document.name}"
    tampered = tmp_path / "tampered.zip"
    rewrite(summary.archive, tampered, **{member: b"%PDF-1.4 iets anders"})

    with pytest.raises(BackupError, match="Controlegetal klopt niet"):
        restore_backup(tampered)

    assert tables_with_rows() == []


def test_restore_with_force_removes_tables_the_archive_does_not_have(campaign, tmp_path):
    summary = create_backup(tmp_path)
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE later_table (id integer)")
        cursor.execute("INSERT INTO later_table VALUES (1)")

    restore_backup(summary.archive, force=True)

    assert "later_table" not in connection.introspection.table_names()


def test_an_archive_whose_database_is_no_dump_leaves_the_data_as_it_was(campaign, tmp_path):
    summary = create_backup(tmp_path)
    before = snapshot()
    member = DATABASE_MEMBERS[connection.vendor]
    garbage = b"geen database" * 1000
    with zipfile.ZipFile(summary.archive) as archive:
        manifest = json.loads(archive.read(MANIFEST))
    for entry in manifest["members"]:
        if entry["member"] == member:
            entry.update(size=len(garbage), sha256=hashlib.sha256(garbage).hexdigest())
    broken = tmp_path / "broken.zip"
    rewrite(summary.archive, broken, **{member: garbage, MANIFEST: json.dumps(manifest).encode()})

    with pytest.raises(BackupError):
        restore_backup(broken, force=True)

    assert snapshot() == before


def test_a_damaged_archive_is_refused_before_anything_changes(campaign, uploads, tmp_path):
    summary = create_backup(tmp_path)
    wipe(uploads)
    with zipfile.ZipFile(summary.archive) as archive:
        info = archive.getinfo(DATABASE_MEMBERS[connection.vendor])
    raw = bytearray(summary.archive.read_bytes())
    # The member's data starts after its local header (30 bytes, name, extra field).
    extra = int.from_bytes(raw[info.header_offset + 28 : info.header_offset + 30], "little")
    start = info.header_offset + 30 + len(info.filename.encode()) + extra
    raw[start + 100 : start + 110] = bytes(10)
    summary.archive.write_bytes(bytes(raw))

    with pytest.raises(BackupError, match="beschadigd"):
        restore_backup(summary.archive)

    assert tables_with_rows() == []


def test_a_backup_goes_into_a_new_directory_of_its_owner(campaign, tmp_path):
    summary = create_backup(tmp_path / "backups")

    assert summary.archive.parent == tmp_path / "backups"
    assert summary.archive.parent.stat().st_mode & 0o077 == 0


def test_an_archive_of_the_other_database_is_refused(campaign, tmp_path):
    summary = create_backup(tmp_path)
    with zipfile.ZipFile(summary.archive) as archive:
        manifest = json.loads(archive.read(MANIFEST))
    other = "sqlite" if connection.vendor == "postgresql" else "postgresql"
    manifest["database_vendor"] = other
    foreign = tmp_path / "foreign.zip"
    rewrite(summary.archive, foreign, **{MANIFEST: json.dumps(manifest).encode()})

    with pytest.raises(BackupError, match="Deze back-up is van een"):
        restore_backup(foreign, force=True)


def test_the_commands_print_a_summary_and_refuse_in_dutch(campaign, tmp_path):
    out = StringIO()
    call_command("backup", "--output", str(tmp_path), stdout=out)
    assert "Back-up geschreven" in out.getvalue()
    assert "2 documenten (1 openbaar, 1 privé)" in out.getvalue()
    archive = next(tmp_path.glob("motietracker-*.zip"))

    with pytest.raises(CommandError, match="Gebruik --force"):
        call_command("restore", str(archive))


def test_the_database_password_goes_in_the_environment_not_the_command_line(monkeypatch, tmp_path):
    (tmp_path / "pg_dump").write_text("#!/bin/sh\n")
    (tmp_path / "pg_dump").chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setitem(connection.settings_dict, "PASSWORD", "geheim-wachtwoord")

    command, environment = postgres_command("pg_dump", "--format=custom")

    assert "geheim-wachtwoord" not in " ".join(command)
    assert environment["PGPASSWORD"] == "geheim-wachtwoord"


def test_a_missing_pg_dump_is_named_not_skipped(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))

    with pytest.raises(BackupError, match="pg_dump is niet gevonden"):
        postgres_command("pg_dump")


def with_extra_member(archive, target, member: str, name: str, data: bytes) -> None:
    """A copy of ``archive`` with one more file member whose manifest entry has the
    right size and checksum (a checksum proves integrity, not who wrote it)."""
    with zipfile.ZipFile(archive) as source, zipfile.ZipFile(target, "w") as copy:
        manifest = json.loads(source.read(MANIFEST))
        manifest["members"].append(
            {
                "member": member,
                "storage": "default",
                "name": name,
                "size": len(data),
                "sha256": hashlib.sha256(data).hexdigest(),
            }
        )
        for item in source.namelist():
            if item != MANIFEST:
                copy.writestr(item, source.read(item))
        copy.writestr(member, data)
        copy.writestr(MANIFEST, json.dumps(manifest))


@pytest.mark.parametrize("name", ["../../escape.txt", "/srv/absolute.txt", "a\\..\\..\\b"])
def test_a_file_named_outside_its_storage_is_refused_before_the_database_changes(
    campaign, uploads, tmp_path, name
):
    summary = create_backup(tmp_path / "backups")
    wipe(uploads)
    evil = tmp_path / "evil.zip"
    with_extra_member(summary.archive, evil, f"files/default/{name}", name, b"owned")

    with pytest.raises(BackupError, match="Onbekend onderdeel"):
        restore_backup(evil)
    assert not Motion.objects.exists()


def test_a_restore_without_the_database_programs_leaves_the_database_as_it_was(
    campaign, uploads, tmp_path, monkeypatch
):
    """PostgreSQL's restore needs pg_restore, looked for before anything is
    dropped; SQLite's needs no program at all."""
    summary = create_backup(tmp_path / "backups")
    tables = set(connection.introspection.table_names())
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))

    if connection.vendor == "postgresql":
        with pytest.raises(BackupError, match="pg_restore"):
            restore_backup(summary.archive, force=True)
    else:
        restore_backup(summary.archive, force=True)

    assert set(connection.introspection.table_names()) == tables
    assert Motion.objects.count() == 1
