from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MunicipalitiesConfig(AppConfig):
    name = "municipalities"
    verbose_name = _("Gemeenten")

    def ready(self) -> None:
        # Whatever changes what the public map shows gives its data a new version.
        from django.db.models.signals import post_delete, post_save

        from motions.models import Motion

        from .maps import data_changed
        from .models import Boundary, Municipality, Province

        for model in (Motion, Municipality, Province, Boundary):
            post_save.connect(data_changed, sender=model, dispatch_uid=f"map-{model.__name__}")
            post_delete.connect(data_changed, sender=model, dispatch_uid=f"map-{model.__name__}")
