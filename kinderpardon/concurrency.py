"""Nothing one volunteer saves is lost to a colleague's older form.

A record that volunteers edit carries a version that every save raises (a
change to one of its parts raises the whole's, see ``touch``). A form carries
the version it was opened at; saving it over a newer version is refused with
who changed what since, the user's input kept on the page beside what is
stored now, and the form then carries the new version, so that saving again
puts the input on top, knowingly. The view loads the record with ``lock``
inside the transaction that saves it, so two saves at the same moment are
taken one after the other. No lock outlives a request (a closed browser tab
leaves nothing behind).
"""

import datetime
import time
from collections.abc import Iterable, Iterator
from typing import Any, TypeVar, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Value
from django.db.models.functions import Greatest
from django.http import QueryDict
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.text import Truncator, capfirst, get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.models import HistoricalChanges

from .history import Recorded

SHOWN_VALUE = 80  # characters of a stored value shown beside the user's input
VERSION_FIELDS = ("opened_version", "opened_at")  # the hidden fields of a VersionedForm
EARLIEST_OPENING = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)  # a sane "opened at"

M = TypeVar("M", bound=models.Model)
# The parts of a record: (their model, the name of its foreign key to the whole).
Parts = Iterable[tuple[type[models.Model], str]]


def _now_in_microseconds() -> int:
    return time.time_ns() // 1000


class Versioned(models.Model):
    """A record with a version that every save raises.

    A version is at least the moment of the save in microseconds, so that it
    never comes back: a record deleted and restored, or reverted, gets a
    version no form opened earlier can carry."""

    version = models.PositiveBigIntegerField(gettext_lazy("versie"), default=0, editable=False)

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.version = max(self.version + 1, _now_in_microseconds())
        if (update_fields := kwargs.get("update_fields")) is not None:
            kwargs["update_fields"] = {*update_fields, "version"}
        super().save(*args, **kwargs)


def touch(model: type[Versioned], pk: object) -> None:
    """A part of the record changed: so did the record, for every open form."""
    model._base_manager.filter(pk=pk).update(
        version=Greatest(F("version") + 1, Value(_now_in_microseconds()))
    )


def lock(queryset: models.QuerySet[M], pk: object) -> M:
    """The record as it is now, locked until the transaction ends (PostgreSQL;
    SQLite takes the whole database for each writing transaction)."""
    return queryset.select_for_update(of=("self",)).get(pk=pk)


def changes_since(instance: Recorded, since: datetime.datetime, parts: Parts = ()) -> list[str]:
    """Who changed what in ``instance`` and its ``parts`` ((model, foreign key
    name) pairs) after ``since``, oldest first, as sentences from the history."""
    records = list(instance.history.filter(history_date__gt=since).select_related("history_user"))
    for model, key in parts:
        part_history = cast(type[Recorded], model).history  # recorded as the whole's are
        records += part_history.filter(
            **{f"{key}_id": instance.pk, "history_date__gt": since}
        ).select_related("history_user")
    records.sort(key=lambda r: (r.history_date, r.history_id))
    return [text for text in map(_describe, records) if text]


def _describe(record: HistoricalChanges) -> str:
    """One change as a sentence; "" for a save that changed nothing visible."""
    user = record.history_user
    who = (user.get_full_name() or user.get_username()) if user else _("het systeem")
    when = date_format(timezone.localtime(record.history_date), "j F H:i")
    name = capfirst(record.instance_type._meta.verbose_name)
    if record.history_type == "~":
        previous = record.prev_record
        fields = record.diff_against(previous).changed_fields if previous else []
        labels = [
            str(record.instance_type._meta.get_field(f).verbose_name)
            for f in fields
            if f != "version"
        ]
        if not labels:
            return ""  # saved without a visible change
        what = _("%(name)s gewijzigd: %(fields)s") % {
            "name": name,
            "fields": get_text_list(labels, _("en")),
        }
    elif record.history_type == "+":
        what = _("%(name)s toegevoegd: %(object)s") % {"name": name, "object": record.instance}
    else:
        what = _("%(name)s verwijderd: %(object)s") % {"name": name, "object": record.instance}
    return _("%(who)s, %(when)s: %(what)s") % {"who": who, "when": when, "what": what}


def stored_display(bound_field: forms.BoundField) -> str:
    """What is stored now for a form field, as the user would read it."""
    field, value = bound_field.field, bound_field.initial
    if value in (None, "", []):
        return _("(leeg)")
    if isinstance(value, bool):
        return _("ja") if value else _("nee")
    choices = getattr(field, "choices", None)  # a choice field's, or None
    if choices is not None and not isinstance(value, models.Model):
        for key, label in _flat(choices):
            if str(key) == str(getattr(value, "pk", value)):
                return str(label)
    value = field.prepare_value(value) if hasattr(field, "prepare_value") else value
    return Truncator(str(value)).chars(SHOWN_VALUE)


def _flat(choices: Iterable[tuple[Any, Any]]) -> Iterator[tuple[Any, Any]]:
    for key, label in choices:
        if isinstance(label, list | tuple):
            yield from label
        else:
            yield key, label


class VersionedForm(forms.ModelForm):
    """A model form of a ``Versioned`` record that refuses a stale save.

    ``parts`` names the records that belong to the whole ((model, foreign key
    name) pairs), so that the message also lists what changed in them."""

    # Named apart from the model's ``version``, which no form may set. Read
    # leniently: a page from before this check, or one tampered with, counts
    # as opened at an unknown older version: refused, with what is stored now.
    opened_version = forms.CharField(widget=forms.HiddenInput, required=False)
    opened_at = forms.CharField(widget=forms.HiddenInput, required=False)
    parts: tuple[tuple[type[models.Model], str], ...] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # To build the same form on the record as it was, or is (refuse_stale).
        self.own_kwargs = {
            k: v for k, v in kwargs.items() if k not in ("data", "files", "instance")
        }
        self.changes: list[str] = []
        self.initial["opened_version"] = self.instance.version
        self.initial["opened_at"] = timezone.now().isoformat()

    @property
    def opened_at_time(self) -> datetime.datetime | None:
        """When the user opened the form, if the page says so readably."""
        try:
            opened_at = parse_datetime(self.cleaned_data.get("opened_at") or "")
        except ValueError:
            return None
        if opened_at is None or not timezone.is_aware(opened_at):
            return None
        return opened_at if EARLIEST_OPENING <= opened_at <= timezone.now() else None

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned_data = self.cleaned_data
        version = cleaned_data.get("opened_version") or ""
        if self.instance.pk and version != str(self.instance.version):
            self.refuse_stale(self.opened_at_time)
        return cleaned_data

    def refuse_stale(self, opened_at: datetime.datetime | None) -> None:
        """Name who changed what since ``opened_at``; take into the form what
        others changed in fields the user left alone; show what is stored now
        beside each field both changed; and let the form carry the current
        version, so that saving again puts the user's own changes on top."""
        since = opened_at or timezone.now() - datetime.timedelta(hours=1)
        self.changes = changes_since(self.instance, since, self.parts)
        self.add_error(
            None,
            ValidationError(
                _(
                    "Niet opgeslagen: iemand anders heeft dit gewijzigd sinds u het formulier "
                    "opende (%(changes)s). Wat u niet had veranderd, toont nu wat er is "
                    "opgeslagen; waar u allebei iets veranderde, staat uw invoer met daarbij "
                    "wat er nu is opgeslagen. Sla opnieuw op om uw invoer te bewaren."
                ),
                code="stale",
                params={"changes": "; ".join(self.changes) or _("onbekend wat")},
            ),
        )
        try:
            then = self.instance.history.as_of(since) if opened_at else None
        except self.instance.DoesNotExist:
            then = None
        opened = type(self)(instance=then, **self.own_kwargs) if then else None
        current = type(self)(instance=self.instance, **self.own_kwargs)
        for name in take_changes_of_others(self, opened, current):
            if name not in self.errors:
                shown = stored_display(self[name])
                self.add_error(name, _("Nu opgeslagen: %(value)s") % {"value": shown})
        data = cast(QueryDict, self.data)  # made a mutable copy by take_changes_of_others
        data[self.add_prefix("opened_version")] = str(self.instance.version)
        data[self.add_prefix("opened_at")] = timezone.now().isoformat()

    @property
    def is_stale(self) -> bool:
        return any(e.code == "stale" for e in self.errors.as_data().get("__all__", []))


def take_changes_of_others(
    form: forms.BaseForm, opened: forms.BaseForm | None, current: forms.BaseForm
) -> list[str]:
    """Three ways: ``opened`` shows the record as it was when the user opened
    ``form``, ``current`` as it is now. A field the user left as it was takes
    what is stored now into ``form``'s data (someone else's change is kept); the
    fields the user changed and that are stored differently now are returned:
    those are the conflicts the user must see. Without ``opened``, every
    difference is a conflict."""
    # A bound form's data is request.POST, a QueryDict: its copy is mutable.
    data = cast(QueryDict, form.data).copy()
    form.data = data
    conflicts = []
    for name, field in form.fields.items():
        if (
            name in VERSION_FIELDS
            or isinstance(field, forms.FileField)
            or name not in current.fields
        ):
            continue  # a formset's own fields (id, DELETE) are no data of the record
        bound = form[name]
        if opened is None:
            if field.has_changed(current[name].initial, bound.data):
                conflicts.append(name)
        elif not field.has_changed(opened[name].initial, bound.data):
            _set_data(data, form.add_prefix(name), field, current[name].value())
        elif field.has_changed(opened[name].initial, current[name].value()) and (
            field.has_changed(current[name].initial, bound.data)
        ):
            conflicts.append(name)  # both changed it, differently
    return conflicts


def _set_data(data: QueryDict, key: str, field: forms.Field, value: object) -> None:
    if isinstance(field.widget, forms.MultiWidget):
        return  # several inputs: left as the user sent them
    if isinstance(field.widget, forms.CheckboxInput):
        if value:
            data[key] = "on"
        else:
            data.pop(key, None)
    elif isinstance(value, list | tuple):
        data.setlist(key, [str(v) for v in value])
    else:
        data[key] = "" if value is None else str(value)
