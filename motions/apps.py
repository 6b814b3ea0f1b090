from typing import TYPE_CHECKING, Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from .models import FactionVote, MotionEvent, Sponsorship


def _motion_changed(
    sender: type["Sponsorship | FactionVote | MotionEvent"],
    instance: "Sponsorship | FactionVote | MotionEvent",
    **kwargs: Any,
) -> None:
    """A sponsor, vote or event is part of its motion: changing one changes the
    motion, so that a form opened before it cannot be saved over it unawares."""
    from kinderpardon.concurrency import touch

    from .models import Motion

    touch(Motion, instance.motion_id)


class MotionsConfig(AppConfig):
    name = "motions"
    verbose_name = _("Moties")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from municipalities.models import Boundary, Municipality, Province
        from municipalities.signals import register_imported

        from .maps.render import data_changed
        from .models import FactionVote, Motion, MotionEvent, Sponsorship

        for model in (Sponsorship, FactionVote, MotionEvent):
            uid = f"motion-part-{model.__name__}"
            post_save.connect(_motion_changed, sender=model, dispatch_uid=uid)
            post_delete.connect(_motion_changed, sender=model, dispatch_uid=uid)
        # Whatever changes what the public map shows gives its data a new version.
        for shown in (Motion, Municipality, Province, Boundary):
            uid = f"map-{shown.__name__}"
            post_save.connect(data_changed, sender=shown, dispatch_uid=uid)
            post_delete.connect(data_changed, sender=shown, dispatch_uid=uid)
        register_imported.connect(data_changed, dispatch_uid="map-register")
