from typing import Any

from django.core.management.base import BaseCommand, CommandError

from motions.facts import MissingMunicipalities, load_campaign_facts


class Command(BaseCommand):
    help = (
        "Laadt de bekende feiten uit de campagnebrieven: landelijke partijen, bronnen, "
        "aangenomen moties en de voorbeeldmotie. Veilig om vaker te draaien: wat er al is, "
        "blijft ongewijzigd."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            summary = load_campaign_facts()
        except MissingMunicipalities as error:
            raise CommandError(str(error)) from error
        for line in summary.lines():
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS(f"Klaar: {summary.created_total} nieuw aangemaakt."))
