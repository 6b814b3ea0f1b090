from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from municipalities.boundaries import DEFAULT_TOLERANCE, import_boundaries
from municipalities.sources import ReferenceDataError


class Command(BaseCommand):
    help = (
        "Slaat de gemeentegrenzen van een jaar op uit GeoJSON (pad of URL, WGS84 of RD New), "
        "vereenvoudigd en in WGS84, gekoppeld op CBS-code."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "source",
            nargs="?",
            help="pad of http(s)-URL van de GeoJSON; standaard REFERENCE_DATA + "
            "REFERENCE_BOUNDARIES_FILE",
        )
        parser.add_argument(
            "--year", type=int, help="jaar van de grenzen (standaard REFERENCE_BOUNDARIES_YEAR)"
        )
        parser.add_argument(
            "--tolerance",
            type=float,
            default=DEFAULT_TOLERANCE,
            help=f"vereenvoudiging in graden (standaard {DEFAULT_TOLERANCE}; 0 = niet)",
        )

    def handle(
        self,
        *args: Any,
        source: str | None = None,
        year: int | None = None,
        tolerance: float = DEFAULT_TOLERANCE,
        **options: Any,
    ) -> None:
        try:
            summary = import_boundaries(source, year=year, tolerance=tolerance)
        except ReferenceDataError as exc:
            raise CommandError(str(exc)) from exc
        if summary.unmatched:
            self.stdout.write(self.style.WARNING(str(summary)))
        else:
            self.stdout.write(self.style.SUCCESS(str(summary)))
