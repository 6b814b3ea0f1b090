from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Job(models.Model):
    """Work a volunteer started from a page that runs in the task queue: what
    it is, how far it got, and how it ended (``jobs/running.py`` runs it)."""

    class State(models.TextChoices):
        WAITING = "waiting", _("wacht op zijn beurt")
        RUNNING = "running", _("bezig")
        DONE = "done", _("klaar")
        FAILED = "failed", _("mislukt")

    title = models.CharField(_("wat"), max_length=200)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("gestart door"),
    )
    # The language of the page it was started from: its messages are written in it.
    language = models.CharField(max_length=10, default=settings.LANGUAGE_CODE)
    state = models.CharField(_("stand"), max_length=10, choices=State, default=State.WAITING)
    done = models.PositiveIntegerField(_("gedaan"), default=0)
    total = models.PositiveIntegerField(_("totaal"), default=0)
    message = models.TextField(_("uitkomst"), blank=True)
    # Where the volunteer goes on from the outcome, with its message.
    next_url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(_("gestart"), default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # When the outcome was shown to who started it, on the page it leads to.
    reported_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("taak")
        verbose_name_plural = _("taken")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("workspace:job", kwargs={"pk": self.pk})

    @property
    def finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)

    @property
    def percent(self) -> int:
        return min(100, self.done * 100 // self.total) if self.total else 0
