"""Councils seen through their motions: where each stands, derived from its
public motions in SQL (never stored), and when its latest motion was."""

import datetime
from typing import TYPE_CHECKING, ClassVar, Self, TypedDict, TypeVar

from django.db import models
from django.db.models import Case, Exists, IntegerField, OuterRef, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from kinderpardon.dates import format_partial
from municipalities.models import ContactMoment, Municipality, MunicipalityQuerySet

from .motions import Motion
from .status import MunicipalityStatus

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class StatusAnnotations(TypedDict):
    """What ``with_status`` adds to each row (for ``WithAnnotations``)."""

    status: str  # a MunicipalityStatus value
    status_rank: int


# Any queryset of municipalities (the admin's, the Council proxy's), returned as its own type.
Municipalities = TypeVar("Municipalities", bound=models.QuerySet[Municipality])


def with_status(
    municipalities: Municipalities, *, include_contacted: bool = False
) -> Municipalities:
    """Annotate ``status`` (a MunicipalityStatus value) and ``status_rank`` on
    any queryset of municipalities (the admin's too, which saves them).

    The most advanced status whose motions exist: a ``CASE`` of ``EXISTS``, the
    highest rank first, each one probe of the index on (municipality, status).
    So a list costs the same number of queries whatever its length, and each
    council the same time however many motions it has.
    """
    motions = Motion.objects.filter(municipality=OuterRef("pk"))
    reached: list[tuple[MunicipalityStatus, Exists]] = [
        (status, Exists(motions.filter(status__in=Motion.statuses_giving(status))))
        for status in reversed(MunicipalityStatus)
        if Motion.statuses_giving(status)
    ]
    if include_contacted:
        contacted = Exists(ContactMoment.objects.filter(municipality=OuterRef("pk")))
        reached.append((MunicipalityStatus.CONTACTED, contacted))
    none = MunicipalityStatus.NONE
    rank = Case(
        *(When(exists, then=Value(MunicipalityStatus.rank(s))) for s, exists in reached),
        default=Value(MunicipalityStatus.rank(none)),
        output_field=IntegerField(),
    )
    status = Case(
        *(When(exists, then=Value(s.value)) for s, exists in reached),
        default=Value(none.value),
        output_field=models.CharField(),
    )
    return municipalities.annotate(status_rank=rank, status=status)


class CouncilQuerySet(MunicipalityQuerySet):
    """Municipalities with where their councils stand, derived from the motions."""

    def with_status(self, *, include_contacted: bool = False) -> Self:
        """See ``with_status``."""
        return with_status(self, include_contacted=include_contacted)

    def with_latest_motion(self) -> Self:
        """Annotate ``latest_motion_on`` and ``latest_motion_precision``: the date of
        the newest public motion (decided, else submitted) and how exactly it is
        known, both from the same motion; see ``Council.latest_motion_display``."""
        latest = (
            Motion.objects.public()
            .filter(municipality=OuterRef("pk"))
            .annotate(
                on=Coalesce("decided_on", "submitted_on"),
                precision=Case(
                    When(decided_on__isnull=False, then="decided_precision"),
                    default="submitted_precision",
                ),
            )
            .filter(on__isnull=False)
            .order_by("-on", "-pk")
        )
        return self.annotate(
            latest_motion_on=Subquery(latest.values("on")[:1], output_field=models.DateField()),
            latest_motion_precision=Subquery(latest.values("precision")[:1]),
        )


class Council(Municipality):
    """A municipality seen through its motions: where its council stands. The
    same rows as ``Municipality`` (a proxy), for reading lists, pages and the map
    with the annotations of ``CouncilQuerySet``; records are saved as
    ``Municipality``, whose history and signals belong to that class."""

    # ClassVar, as the plugin declares Municipality.objects; it types this as CouncilQuerySet's.
    objects: ClassVar[models.Manager["Council"]] = CouncilQuerySet.as_manager()

    # The annotations of CouncilQuerySet, present on the rows of a queryset that asked for them.
    status: str  # with_status(): a MunicipalityStatus value
    status_rank: int  # with_status()
    latest_motion_on: datetime.date | None  # with_latest_motion()
    latest_motion_precision: str | None  # with_latest_motion()
    # Set by MunicipalityFilter.explain on the rows of a search by a former name.
    note: str
    now: list["Council"]

    class Meta:
        proxy = True
        verbose_name = _("gemeenteraad")
        verbose_name_plural = _("gemeenteraden")

    @property
    def status_label(self) -> "StrOrPromise":
        """Label of the ``status`` annotation that ``with_status()`` adds."""
        return MunicipalityStatus(self.status).label

    @property
    def latest_motion_display(self) -> str:
        """The annotation of ``with_latest_motion()``, at its precision: "april 2025"."""
        return format_partial(self.latest_motion_on, self.latest_motion_precision or "")
