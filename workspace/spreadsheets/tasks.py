"""The import's apply step as a job in the task queue (``workspace/jobs/``):
the same guarantees and messages as when it ran in the request."""

from django.urls import reverse
from django.utils.translation import gettext as _

from ..jobs.running import Outcome, Progress
from .planner import apply_import, changed_since
from .readers import Upload
from .uploads import forget_upload


def apply_upload(
    progress: Progress, upload: Upload, digest: str, token: str, shown: dict[int, str] | None
) -> Outcome:
    """Import what the preview with ``digest`` showed, or nothing and say why;
    ``shown`` is what that preview showed of each row, to name the rows that
    changed since. A refusal leads back to the preview, planned anew."""
    plan = apply_import(upload, digest, progress)
    again = reverse("workspace:import_preview", kwargs={"token": token})
    if plan.digest != digest:
        return Outcome(False, changed_since(plan, shown), again)
    if plan.refused:
        return Outcome(False, _("Er is niets geïmporteerd: er zijn geweigerde regels."), again)
    progress(plan.changes, plan.changes)  # saved, now that the transaction has ended
    forget_upload(token)
    message = _(
        "%(file)s geïmporteerd: %(create)s nieuw, %(update)s bijgewerkt, %(unchanged)s ongewijzigd."
    ) % {"file": plan.filename, **plan.counts}
    return Outcome(True, message, reverse("workspace:import"))
