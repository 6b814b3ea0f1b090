from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from motions.reports.retention import erase_expired_personal_data


class Command(BaseCommand):
    help = (
        "Wist naam, e-mailadres, toelichting en document van meldingen die ouder zijn dan "
        "REPORT_RETENTION_DAYS dagen, ongeacht de afhandeling; de feiten van de melding "
        "blijven. Veilig om dagelijks te draaien: gewiste meldingen blijven ongemoeid."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        erased = erase_expired_personal_data()
        self.stdout.write(
            self.style.SUCCESS(
                f"Persoonsgegevens gewist van {erased} "
                f"{'melding' if erased == 1 else 'meldingen'} "
                f"ouder dan {settings.REPORT_RETENTION_DAYS} dagen."
            )
        )
