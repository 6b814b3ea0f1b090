"""``manage.py backup``: one archive with the database and the uploaded files
(kinderpardon/backups.py; README, Backups)."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kinderpardon.backups import BackupError, create_backup, describe


class Command(BaseCommand):
    help = (
        "Schrijft één back-uparchief (zip) met de database en alle geüploade documenten "
        "(openbaar en privé). Het bevat persoonsgegevens en wachtwoord-hashes: bewaar het "
        "versleuteld en niet langer dan nodig (README, Back-ups)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output",
            default=".",
            help="Het archief, of een map waarin het een naam met datum en tijd krijgt "
            "(standaard: de huidige map).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            summary = create_backup(Path(options["output"]))
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Back-up geschreven: {summary.archive} ({describe(summary)}). Het bevat "
                "persoonsgegevens en wachtwoord-hashes: bewaar het versleuteld."
            )
        )
