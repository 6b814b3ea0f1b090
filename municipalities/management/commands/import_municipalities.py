import argparse
import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from municipalities.register import import_municipalities
from municipalities.sources import ReferenceDataError


def iso_date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"geen datum JJJJ-MM-DD: {value!r}") from None


class Command(BaseCommand):
    help = (
        "Werkt provincies en gemeenten bij uit de CBS-lijst van gemeenten (pad of URL), "
        "met de naam en provincie van de peildatum en de begin- en einddata uit de lijst, "
        "en de opvolgers van opgeheven gemeenten uit het bestand met herindelingen. "
        "Alles of niets; verwijdert nooit een gemeente."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "source",
            nargs="?",
            help="pad of http(s)-URL van de CSV; standaard REFERENCE_DATA + "
            "REFERENCE_MUNICIPALITIES_FILE",
        )
        parser.add_argument(
            "--as-of", type=iso_date, help="peildatum JJJJ-MM-DD (standaard: vandaag)"
        )
        parser.add_argument(
            "--herindelingen",
            dest="mergers",
            help="pad of http(s)-URL van herindelingen.csv; standaard REFERENCE_DATA + "
            "REFERENCE_MERGERS_FILE",
        )

    def handle(
        self,
        *args: Any,
        source: str | None = None,
        as_of: datetime.date | None = None,
        mergers: str | None = None,
        **options: Any,
    ) -> None:
        try:
            summary = import_municipalities(source, as_of=as_of, mergers=mergers)
        except ReferenceDataError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(str(summary)))
