from typing import TYPE_CHECKING, Any

from django.apps import AppConfig
from django.db.models import Model
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
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from kinderpardon import public_data
        from municipalities.models import (
            Boundary,
            Faction,
            Municipality,
            Party,
            Province,
            Succession,
        )
        from municipalities.signals import register_imported

        from .models import (
            Council,
            ElectionCommitment,
            FactionVote,
            ModelMotion,
            Motion,
            MotionEvent,
            Source,
            Sponsorship,
        )

        for model in (Sponsorship, FactionVote, MotionEvent):
            uid = f"motion-part-{model.__name__}"
            post_save.connect(_motion_changed, sender=model, dispatch_uid=uid)
            post_delete.connect(_motion_changed, sender=model, dispatch_uid=uid)
        # What the public pages show; not the outreach log (ContactMoment),
        # reports or accounts, which the public never sees.
        shown: tuple[type[Model], ...] = (
            *(Province, Municipality, Council, Succession, Boundary, Party, Faction),
            *(Motion, Sponsorship, FactionVote, MotionEvent, Source, ElectionCommitment),
            ModelMotion,
        )
        for shown_model in shown:
            uid = f"public-data-{shown_model.__name__}"
            post_save.connect(public_data.renew, sender=shown_model, dispatch_uid=uid)
            post_delete.connect(public_data.renew, sender=shown_model, dispatch_uid=uid)
        # Adding to a many-to-many field writes its through rows in bulk.
        for through in (Motion.sources.through, Succession):
            uid = f"public-data-m2m-{through.__name__}"
            m2m_changed.connect(public_data.renew, sender=through, dispatch_uid=uid)
        register_imported.connect(public_data.renew, dispatch_uid="public-data-register")
