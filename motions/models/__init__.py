"""The motions app's models. Django finds an app's models by importing this
package, so every model module is imported here."""

from .motions import (
    ActionReport,
    Council,
    ElectionCommitment,
    FactionVote,
    ModelMotion,
    Motion,
    MotionEvent,
    MunicipalityStatus,
    Source,
    Sponsorship,
    private_storage,
    with_status,
)

__all__ = [
    "ActionReport",
    "Council",
    "ElectionCommitment",
    "FactionVote",
    "ModelMotion",
    "Motion",
    "MotionEvent",
    "MunicipalityStatus",
    "Source",
    "Sponsorship",
    "private_storage",
    "with_status",
]
