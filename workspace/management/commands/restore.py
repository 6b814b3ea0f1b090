"""``manage.py restore ARCHIVE``: the database and the uploaded files back from a
``manage.py backup`` archive (kinderpardon/backups.py; README, Backups)."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kinderpardon.backups import BackupError, describe, restore_backup


class Command(BaseCommand):
    help = (
        "Zet een back-uparchief terug: de database en de documenten. Weigert een database "
        "die al gegevens heeft (tenzij --force), een archief van een ander soort database "
        "en een archief waarvan de controlegetallen niet kloppen. Draai daarna meteen "
        "erase_report_personal_data."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", help="Het archief dat 'manage.py backup' schreef.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Vervang een database die al gegevens heeft, en haal documenten weg die "
            "niet in het archief staan.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            summary = restore_backup(Path(options["archive"]), force=options["force"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        removed = f"; {summary.removed} niet in het archief weggehaald" if summary.removed else ""
        self.stdout.write(
            self.style.SUCCESS(
                f"Teruggezet: {summary.archive} van {summary.created_at} "
                f"({describe(summary)}{removed})."
            )
        )
        self.stdout.write(
            "Draai nu 'manage.py erase_report_personal_data': een oude back-up brengt "
            "gewiste persoonsgegevens terug. Is het archief van een oudere versie, draai dan "
            "eerst 'manage.py migrate'."
        )
