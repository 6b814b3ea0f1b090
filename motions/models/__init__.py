"""The motions app's models, by concern:

- ``motions``: Motion and its parts (Sponsorship, FactionVote, MotionEvent);
- ``councils``: where a council stands (the Council proxy, ``with_status``);
- ``status``: MunicipalityStatus, the ranking of where a council can stand;
- ``examples``: ModelMotion, the example motion;
- ``reports``: ActionReport, what councils report through the public form;
- ``sources``: Source and ElectionCommitment;
- ``validation``: rules no database constraint can hold, shared by the above.

Django finds an app's models by importing this package, so each model is
imported here, with MunicipalityStatus, which the models' users compare
statuses with.
"""

from .councils import Council
from .examples import ModelMotion
from .motions import FactionVote, Motion, MotionEvent, Sponsorship
from .reports import ActionReport, private_storage
from .sources import ElectionCommitment, Source
from .status import MunicipalityStatus

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
    # Migration 0003 names the reports' storage by this path; migrations never change.
    "private_storage",
]
