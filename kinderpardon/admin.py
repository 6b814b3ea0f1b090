"""What every app's admin shares: links read as https, uploads checked by
content, the change history with revert for coordinators only, and the
refusal of a stale save (``kinderpardon.concurrency``)."""

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from .concurrency import VERSION_FIELDS, Versioned, VersionedForm
from .uploads import validate_document

if TYPE_CHECKING:
    from django.contrib.admin.options import _FieldsetSpec


class FormDefaults:
    """Links typed without a scheme are read as https (Django 6's default, now);
    uploaded documents are checked by content, as in the workspace's forms."""

    formfield_overrides: ClassVar[Mapping[type[models.Field], Mapping[str, Any]]] = {
        models.URLField: {"assume_scheme": "https"},
        models.FileField: {"validators": [validate_document]},
    }


class HistoryAdmin(FormDefaults, SimpleHistoryAdmin):
    """Admin with the change history; reverting to an old version is for
    coordinators only (``settings.REVERT_PERMISSION``), as in the workspace.

    A record volunteers edit (``Versioned``) gets a ``VersionedForm``: a save
    over a colleague's newer save is refused, as in the workspace, with the
    record locked from reading it to saving it."""

    def revert_disabled(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return not request.user.has_perm(settings.REVERT_PERMISSION)

    def get_fieldsets(
        self, request: HttpRequest, obj: models.Model | None = None
    ) -> "_FieldsetSpec":
        fieldsets = super().get_fieldsets(request, obj)
        if self.fieldsets and issubclass(self.form, VersionedForm):
            (name, options), *rest = fieldsets
            hidden = [f for f in VERSION_FIELDS if f not in options["fields"]]
            fieldsets = [(name, {**options, "fields": [*options["fields"], *hidden]}), *rest]
        return fieldsets

    def get_object(
        self, request: HttpRequest, object_id: str, from_field: str | None = None
    ) -> models.Model | None:
        """On a save, the record as stored now, locked until the save is done
        (the admin saves inside a transaction)."""
        if request.method != "POST" or not issubclass(self.model, Versioned) or from_field:
            return super().get_object(request, object_id, from_field)
        queryset = self.get_queryset(request).select_for_update(of=("self",))
        try:
            return queryset.get(pk=self.model._meta.pk.to_python(object_id))
        except (self.model.DoesNotExist, ValidationError, ValueError):
            return None
