"""The development login: a coordinator account for the workspace and the admin, refused
when DJANGO_DEBUG is off."""

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

USERNAME = "coordinator"
PASSWORD = "motietracker-dev"  # noqa: S105 - development only, refused when DEBUG is off


class Command(BaseCommand):
    help = "Maakt (of herstelt) de ontwikkel-login 'coordinator'. Alleen met DJANGO_DEBUG aan."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("Alleen voor ontwikkeling: DJANGO_DEBUG staat uit.")
        user, _created = get_user_model().objects.get_or_create(username=USERNAME)
        user.is_staff = user.is_superuser = True
        user.set_password(PASSWORD)
        user.save()
        self.stdout.write(
            self.style.SUCCESS(
                f"Ontwikkel-login: gebruikersnaam '{USERNAME}', wachtwoord '{PASSWORD}' "
                "(werkplaats http://127.0.0.1:8000/werk/, beheer http://127.0.0.1:8000/admin/)"
            )
        )
