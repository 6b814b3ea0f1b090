"""Backups: one archive with the database and every uploaded file, and back again.

The archive is a zip file:

- ``manifest.json``: the app's version, the database's vendor, when it was made,
  and every other member with its size and SHA-256;
- ``database.pgdump`` (PostgreSQL: ``pg_dump --format=custom``) or
  ``database.sqlite3`` (SQLite: a copy made with sqlite3's backup API);
- ``files/<storage>/<name>``: every file in the storages "default" (volunteers'
  motion documents) and "private" (reporters' documents), read through Django's
  storage API, so the same code backs up local disk and object storage.

It holds personal data and password hashes (README, Backups). Domain-free: it
knows the database, the storages and Django's own tables, no app's models, so
it lives with the helpers; the commands that call it are the workspace's
(``manage.py backup`` and ``restore``), kinderpardon being no installed app.
"""

import hashlib
import json
import os
import posixpath
import shutil
import sqlite3
import subprocess
import tempfile
import time
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import IO, Any

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.files import File
from django.core.files.storage import Storage, storages
from django.db import connection
from django.db.backends.postgresql.client import DatabaseClient
from django_q.models import Schedule

FORMAT = 1
MANIFEST = "manifest.json"
DATABASE_MEMBERS = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}
VENDOR_NAMES = {"postgresql": "PostgreSQL", "sqlite": "SQLite"}
STORAGE_ALIASES = ("default", "private")
CHUNK = 1024 * 1024
# Tables that the migrations fill (Django's content types and permissions, the
# roles' groups, the task queue's schedules that every migrate makes from
# workspace/schedules.py): rows there do not make a database "not empty".
MADE_BY_MIGRATIONS = (ContentType, Permission, Group, Group.permissions.through, Schedule)


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why, in Dutch."""


@dataclass
class Summary:
    """What a backup or restore did, for the command's report."""

    archive: Path
    vendor: str
    created_at: str
    files: dict[str, int] = field(default_factory=dict)  # per storage alias
    bytes: int = 0
    removed: int = 0  # restore --force: files the archive did not have


def describe(summary: Summary) -> str:
    """'SQLite-database, 2 documenten (1 openbaar, 1 privé), 0.1 MB': for the commands."""
    files = sum(summary.files.values())
    return (
        f"{VENDOR_NAMES[summary.vendor]}-database, {files} "
        f"{'document' if files == 1 else 'documenten'} ({summary.files.get('default', 0)} "
        f"openbaar, {summary.files.get('private', 0)} privé), {summary.bytes / 1024 / 1024:.1f} MB"
    )


def app_version() -> str:
    try:
        return metadata.version("motietracker")
    except metadata.PackageNotFoundError:  # a checkout that was never installed
        return "onbekend"


# --- the database ---------------------------------------------------------------


def database_vendor() -> str:
    if connection.vendor not in DATABASE_MEMBERS:
        raise BackupError(
            f"Back-ups kunnen alleen van PostgreSQL of SQLite, niet van {connection.vendor}."
        )
    return connection.vendor


def postgres_command(program: str, *arguments: str) -> tuple[list[str], dict[str, str]]:
    """``program`` with the configured database's connection options; the
    password goes in the environment (PGPASSWORD), never on the command line."""
    settings_dict = connection.settings_dict
    _psql, environment = DatabaseClient.settings_to_cmd_args_env(settings_dict, [])
    command = [program]
    for option, key in (("--username", "USER"), ("--host", "HOST"), ("--port", "PORT")):
        if settings_dict.get(key):
            command += [option, str(settings_dict[key])]
    if settings_dict.get("NAME"):
        command += ["--dbname", str(settings_dict["NAME"])]
    if shutil.which(program) is None:
        raise BackupError(
            f"{program} is niet gevonden: installeer de PostgreSQL-clientprogramma's "
            "(Debian: apt-get install postgresql-client, van dezelfde of een nieuwere "
            "versie dan de server)."
        )
    return command + list(arguments), {**os.environ, **(environment or {})}


def run(command: list[str], environment: dict[str, str]) -> None:
    result = subprocess.run(  # noqa: S603 - a fixed program, arguments from settings
        command, env=environment, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupError(f"{command[0]} mislukte: {result.stderr.strip()}")


def dump_database(target: Path) -> None:
    """The whole database into ``target``: committed data only, as any reader sees it."""
    if database_vendor() == "postgresql":
        run(*postgres_command("pg_dump", "--format=custom", "--file", str(target)))
        return
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        connection.connection.backup(copy)
    finally:
        copy.close()


def tables_with_rows() -> list[str]:
    """The app's tables that hold a row, but for those the migrations fill."""
    existing = set(connection.introspection.table_names())
    skipped = {model._meta.db_table for model in MADE_BY_MIGRATIONS}
    tables = sorted(
        {
            model._meta.db_table
            for model in apps.get_models(include_auto_created=True)
            if model._meta.managed and not model._meta.proxy
        }
        & existing - skipped
    )
    filled = []
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT 1 FROM {connection.ops.quote_name(table)} LIMIT 1")  # noqa: S608
            if cursor.fetchone():
                filled.append(table)
    return filled


def load_database(source: Path) -> None:
    """Replace the database by the dumped one."""
    if connection.vendor == "postgresql":
        # Every table goes first, so that the dump's tables are made anew (a
        # migrated but empty database has them all already).
        tables = connection.introspection.table_names()
        if tables:
            quoted = ", ".join(connection.ops.quote_name(table) for table in tables)
            with connection.cursor() as cursor:
                cursor.execute(f"DROP TABLE IF EXISTS {quoted} CASCADE")
        run(
            *postgres_command(
                "pg_restore",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                str(source),
            )
        )
    else:
        connection.ensure_connection()
        dumped = sqlite3.connect(source)
        try:
            dumped.backup(connection.connection)
        finally:
            dumped.close()
    # Content types are cached by id; the restored ones may have other ids.
    ContentType.objects.clear_cache()


# --- the files ------------------------------------------------------------------


def stored_names(storage: Storage, directory: str = "") -> Iterator[str]:
    """Every file's name in ``storage``, depth first, in a stable order."""
    try:
        directories, files = storage.listdir(directory)
    except FileNotFoundError:  # a local storage nothing was ever saved to
        return
    for name in sorted(files):
        yield posixpath.join(directory, name)
    for name in sorted(directories):
        yield from stored_names(storage, posixpath.join(directory, name))


def copy_hashed(source: IO[bytes], target: IO[bytes]) -> tuple[int, str]:
    """Copy ``source`` to ``target``; its size and SHA-256."""
    digest = hashlib.sha256()
    size = 0
    while chunk := source.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
        target.write(chunk)
    return size, digest.hexdigest()


def file_member(alias: str, name: str) -> str:
    return f"files/{alias}/{name}"


# --- backup ---------------------------------------------------------------------


def archive_name(now: datetime) -> str:
    return f"motietracker-{now:%Y%m%d-%H%M%S}.zip"


def create_backup(destination: Path) -> Summary:
    """Write one archive at ``destination``: a ``.zip`` path, or a directory that
    gets a new file named after the time. Written beside it first (renamed when
    complete) and readable by its owner only."""
    vendor = database_vendor()
    now = datetime.now(UTC)
    if destination.suffix.lower() != ".zip":  # a directory, made when missing
        destination.mkdir(mode=0o700, parents=True, exist_ok=True)
        destination = destination / archive_name(now)
    if destination.exists():
        raise BackupError(f"{destination} bestaat al; kies een andere naam.")
    summary = Summary(archive=destination, vendor=vendor, created_at=now.isoformat())
    partial = destination.with_name(destination.name + ".part")
    entries: list[dict[str, Any]] = []
    try:
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with (
            os.fdopen(descriptor, "wb") as output,
            zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive,
            tempfile.TemporaryDirectory() as work,
        ):
            dumped = Path(work) / DATABASE_MEMBERS[vendor]
            dump_database(dumped)
            member = DATABASE_MEMBERS[vendor]
            # pg_dump's custom format is compressed already.
            kind = zipfile.ZIP_STORED if vendor == "postgresql" else zipfile.ZIP_DEFLATED
            info = zipfile.ZipInfo(member, time.localtime()[:6])  # as writestr dates them
            info.compress_type = kind
            with (
                dumped.open("rb") as source,
                archive.open(info, "w", force_zip64=True) as target,
            ):
                size, sha256 = copy_hashed(source, target)
            entries.append({"member": member, "size": size, "sha256": sha256})
            for alias in STORAGE_ALIASES:
                storage = storages[alias]
                summary.files[alias] = 0
                for name in stored_names(storage):
                    member = file_member(alias, name)
                    with (
                        storage.open(name, "rb") as source,
                        archive.open(member, "w", force_zip64=True) as target,
                    ):
                        size, sha256 = copy_hashed(source, target)
                    entries.append(
                        {
                            "member": member,
                            "storage": alias,
                            "name": name,
                            "size": size,
                            "sha256": sha256,
                        }
                    )
                    summary.files[alias] += 1
                    summary.bytes += size
            manifest = {
                "format": FORMAT,
                "app": "motietracker",
                "app_version": app_version(),
                "database_vendor": vendor,
                "created_at": summary.created_at,
                "members": entries,
            }
            archive.writestr(MANIFEST, json.dumps(manifest, indent=2, ensure_ascii=False))
            output.flush()
            os.fsync(output.fileno())
        partial.rename(destination)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return summary


# --- restore --------------------------------------------------------------------


def read_manifest(archive: zipfile.ZipFile) -> dict[str, Any]:
    try:
        manifest = json.loads(archive.read(MANIFEST))
    except KeyError:
        raise BackupError(f"Dit is geen Motietracker-back-up: {MANIFEST} ontbreekt.") from None
    except ValueError:
        raise BackupError(f"{MANIFEST} is onleesbaar: het archief is beschadigd.") from None
    version = manifest.get("format") if isinstance(manifest, dict) else None
    if version != FORMAT:
        raise BackupError(f"Onbekende back-upversie {version} (deze versie leest versie {FORMAT}).")
    members = manifest.get("members")
    if not isinstance(members, list) or not all(
        isinstance(entry, dict)
        and isinstance(entry.get("member"), str)
        and isinstance(entry.get("size"), int)
        and isinstance(entry.get("sha256"), str)
        for entry in members
    ):
        raise BackupError(f"{MANIFEST} is onvolledig: het archief is beschadigd of gewijzigd.")
    return manifest


def check_archive(archive: zipfile.ZipFile, manifest: dict[str, Any]) -> None:
    """Every member is there, has its size and checksum, and nothing else is."""
    entries = manifest["members"]
    listed = {entry["member"] for entry in entries}
    present = set(archive.namelist()) - {MANIFEST}
    if present != listed:
        strange = sorted(present ^ listed)
        raise BackupError(
            "Het archief klopt niet met zijn manifest (ontbrekend of onbekend: "
            f"{', '.join(strange[:5])}); het is beschadigd of gewijzigd."
        )
    database = DATABASE_MEMBERS.get(str(manifest.get("database_vendor")))
    if database not in listed:
        raise BackupError("De database ontbreekt in het archief; het is beschadigd of gewijzigd.")
    for entry in entries:
        if entry["member"] != database and (
            entry.get("storage") not in STORAGE_ALIASES
            or entry["member"] != file_member(entry["storage"], entry.get("name", ""))
        ):
            raise BackupError(f"Onbekend onderdeel {entry['member']!r} in het manifest.")
        digest = hashlib.sha256()
        size = 0
        try:
            with archive.open(entry["member"]) as source:
                while chunk := source.read(CHUNK):
                    digest.update(chunk)
                    size += len(chunk)
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError) as error:
            raise BackupError(
                f"{entry['member']} is onleesbaar ({error}): het archief is "
                "beschadigd. Er is niets teruggezet."
            ) from None
        if size != entry["size"] or digest.hexdigest() != entry["sha256"]:
            raise BackupError(
                f"Controlegetal klopt niet voor {entry['member']}: het archief is beschadigd "
                "of gewijzigd. Er is niets teruggezet."
            )


def restore_backup(path: Path, *, force: bool = False) -> Summary:
    """Put the archive's database and files back. Refuses an archive of another
    database vendor, one whose checksums do not match, and (unless ``force``) a
    database that already holds data."""
    vendor = database_vendor()
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as error:
        raise BackupError(f"{path} is geen leesbaar back-uparchief: {error}") from None
    with archive:
        manifest = read_manifest(archive)
        archived = str(manifest.get("database_vendor"))
        if archived != vendor:
            other = VENDOR_NAMES.get(archived, archived)
            raise BackupError(
                f"Deze back-up is van een {other}-database; deze installatie gebruikt "
                f"{VENDOR_NAMES[vendor]}. Zet hem terug in een installatie met {other} "
                "(DATABASE_URL)."
            )
        check_archive(archive, manifest)
        filled = tables_with_rows()
        if filled and not force:
            raise BackupError(
                f"De database is niet leeg: "
                f"{'1 tabel heeft' if len(filled) == 1 else f'{len(filled)} tabellen hebben'} "
                f"rijen ({', '.join(filled[:3])}{', ...' if len(filled) > 3 else ''}). "
                "Gebruik --force om haar te vervangen door de back-up."
            )
        summary = Summary(archive=path, vendor=vendor, created_at=manifest.get("created_at", "?"))
        entries = manifest["members"]
        with tempfile.TemporaryDirectory() as work:
            dumped = Path(work) / DATABASE_MEMBERS[vendor]
            with archive.open(DATABASE_MEMBERS[vendor]) as source, dumped.open("wb") as target:
                shutil.copyfileobj(source, target, CHUNK)
            load_database(dumped)
        for alias in STORAGE_ALIASES:
            storage = storages[alias]
            restored = {entry["name"] for entry in entries if entry.get("storage") == alias}
            if force:
                for name in list(stored_names(storage)):
                    if name not in restored:
                        storage.delete(name)
                        summary.removed += 1
            summary.files[alias] = 0
            for entry in entries:
                if entry.get("storage") != alias:
                    continue
                restore_file(storage, entry["name"], archive, entry["member"])
                summary.files[alias] += 1
                summary.bytes += entry["size"]
    return summary


def restore_file(storage: Storage, name: str, archive: zipfile.ZipFile, member: str) -> None:
    """The member back under exactly its name (the database refers to it)."""
    if storage.exists(name):
        storage.delete(name)
    with archive.open(member) as source, tempfile.SpooledTemporaryFile(CHUNK * 8) as copy:
        shutil.copyfileobj(source, copy, CHUNK)
        copy.seek(0)
        saved = storage.save(name, File(copy, name=posixpath.basename(name)))
    if saved != name:
        raise BackupError(
            f"{name} kon niet onder zijn eigen naam worden teruggezet (wel als {saved})."
        )
