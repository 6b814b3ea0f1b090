"""A save over a newer version, merged three ways for the motion's parts (the
motion's own fields are merged by ``kinderpardon.concurrency.VersionedForm``):
rows deleted since the form was opened, and rows both people changed."""

from django.forms.models import BaseInlineFormSet
from django.http import QueryDict
from django.utils.translation import gettext as _

from kinderpardon.concurrency import stored_display, take_changes_of_others
from motions.models import Motion

from ..history.records import HistoricalRecord, Part
from .forms import FORMSET_PARTS


def keep_rows_of_gone_parts(
    data: QueryDict, motion: Motion, then: dict[type[Part], dict[int, HistoricalRecord]]
) -> QueryDict:
    """A sponsor, vote or event deleted since the form was opened still has its
    row in what the user sent. Left as it was then (``then``: the parts as of
    opening, see ``parts_as_of``), the row goes: the deletion stands. Changed by
    the user, it becomes a new row, so that what was typed is kept and shown."""
    for prefix, (model, form_class) in FORMSET_PARTS.items():
        initial_text = data.get(f"{prefix}-INITIAL_FORMS", "")
        total_text = data.get(f"{prefix}-TOTAL_FORMS", "")
        if not (
            initial_text.isdigit()
            and total_text.isdigit()
            and int(initial_text) <= int(total_text) <= 1000
        ):
            continue  # the formset itself says what is wrong with its counts
        initial, total = int(initial_text), int(total_text)
        ids = [data.get(f"{prefix}-{i}-id", "") for i in range(initial)]
        existing = {
            str(pk)
            for pk in model.objects.filter(
                motion=motion, pk__in=[i for i in ids if i.isdigit()]
            ).values_list("pk", flat=True)
        }
        gone = [i for i, pk in enumerate(ids) if pk not in existing]
        if not gone:
            continue
        untouched: set[int] = set()
        for i in gone:
            record = then.get(model, {}).get(int(ids[i])) if ids[i].isdigit() else None
            row = form_class(data, prefix=f"{prefix}-{i}", instance=record and record.instance)
            if record is not None and not row.has_changed():
                untouched.add(i)
        rows = {
            i: {
                key.removeprefix(f"{prefix}-{i}-"): data.getlist(key)
                for key in data
                if key.startswith(f"{prefix}-{i}-")
            }
            for i in range(total)
        }
        data = data.copy()
        for key in [key for i in rows for key in data if key.startswith(f"{prefix}-{i}-")]:
            del data[key]
        kept = [i for i in gone if i not in untouched]
        order = [i for i in range(initial) if i not in gone] + kept + list(range(initial, total))
        for new, old in enumerate(order):
            for name, values in rows[old].items():
                gone_id = old in gone and name == "id"
                data.setlist(f"{prefix}-{new}-{name}", [""] if gone_id else values)
        data[f"{prefix}-INITIAL_FORMS"] = str(initial - len(gone))
        data[f"{prefix}-TOTAL_FORMS"] = str(len(order))
    return data


def show_changes_of_others(formset: BaseInlineFormSet, then: dict[int, HistoricalRecord]) -> None:
    """Each row of a part the user left as it was shows what is stored now;
    beside a row both changed, what is stored now (see VersionedForm). ``then``:
    the parts of this formset's model as of opening."""
    # Read again: validating put the user's input on the forms' instances.
    pks = [form.instance.pk for form in formset.initial_forms]
    stored = formset.model.objects.in_bulk(pks)
    for i, form in enumerate(formset.initial_forms):
        if form.instance.pk not in stored:
            continue
        kwargs = {"prefix": form.prefix, **formset.get_form_kwargs(i)}
        record = then.get(form.instance.pk)
        opened = type(form)(instance=record.instance, **kwargs) if record else None
        current = type(form)(instance=stored[form.instance.pk], **kwargs)
        for name in take_changes_of_others(form, opened, current):
            if name not in form.errors:
                shown = stored_display(form[name])
                form.add_error(name, _("Nu opgeslagen: %(value)s") % {"value": shown})
