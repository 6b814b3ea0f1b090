"""The page of a job running in the task queue: how far it is, then how it ended."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from kinderpardon import health

from ..roles import AuthenticatedRequest, is_coordinator, requires
from .models import Job

# While a job runs, its page asks again this many seconds later; less often
# once it has waited so long that no worker seems to run.
REFRESH_SECONDS = 2
STALLED_REFRESH_SECONDS = 30


@requires()
def job(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Only who started the job, or a coordinator, sees it. Once it has ended,
    who started it is taken on once to the page it leads to (the import's
    preview, say) with its outcome as the message there; later visits show the
    outcome here."""
    found = get_object_or_404(Job, pk=pk)
    own = found.started_by_id == request.user.pk
    if not own and not is_coordinator(request.user):
        raise Http404
    if own and found.finished and found.next_url and found.reported_at is None:
        Job.objects.filter(pk=found.pk).update(reported_at=timezone.now())
        level = messages.SUCCESS if found.state == Job.State.DONE else messages.ERROR
        messages.add_message(request, level, found.message)
        return redirect(found.next_url)
    # Waiting longer than the health check allows: no worker seems to run.
    stalled = found.state == Job.State.WAITING and found.created_at < health.stale_before()
    refresh = None if found.finished else STALLED_REFRESH_SECONDS if stalled else REFRESH_SECONDS
    response = render(
        request, "workspace/jobs/job.html", {"job": found, "refresh": refresh, "stalled": stalled}
    )
    response["Cache-Control"] = "no-store"
    return response
