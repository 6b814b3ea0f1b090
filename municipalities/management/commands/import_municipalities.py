import argparse
import datetime

from django.core.management.base import BaseCommand, CommandError

from municipalities.register import ReferenceDataError, import_municipalities


def iso_date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"geen datum JJJJ-MM-DD: {value!r}") from None


class Command(BaseCommand):
    help = (
        "Werkt provincies en gemeenten bij uit de CBS-lijst van gemeenten (pad of URL), "
        "met herindelingen, zoals die op de peildatum geldt. Verwijdert nooit iets."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "source",
            nargs="?",
            help="pad of http(s)-URL van de CSV; standaard REFERENCE_DATA + "
            "REFERENCE_MUNICIPALITIES_FILE",
        )
        parser.add_argument(
            "--as-of", type=iso_date, help="peildatum JJJJ-MM-DD (standaard: vandaag)"
        )

    def handle(self, *args, source=None, as_of=None, **options):
        try:
            summary = import_municipalities(source, as_of=as_of)
        except ReferenceDataError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(str(summary)))
