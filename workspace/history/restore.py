"""Putting back an earlier version: reverting a record (a motion with its
sponsors, votes and events) and restoring a deleted motion with its parts.
Whatever breaks today's rules is not put back."""

from typing import cast

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from kinderpardon.concurrency import lock
from motions.models import Motion
from municipalities.models import Faction, Party

from .records import HistoricalRecord, deleted_parts, give_reason, parts_as_of


def save_version(record: HistoricalRecord, reason: str) -> models.Model:
    """Save a historical version as the current one, if it is still valid."""
    instance = record.instance
    # An existing row is updated, not added: its own pk is no duplicate.
    instance._state.adding = not type(instance)._default_manager.filter(pk=instance.pk).exists()
    instance.full_clean()
    give_reason(instance, reason)
    instance.save()
    return instance


def revert_motion(record: HistoricalRecord, reason: str) -> tuple[models.Model, list[str]]:
    """Put back the motion of version ``record`` with its sponsors, votes and
    events as they were then; call inside a transaction. Parts added since are
    deleted first (so that a faction's old vote can take its place again).
    Returns the motion and the parts that could not come back (their faction
    was deleted since), named."""
    lock(Motion.objects.all(), record.id)
    wanted = parts_as_of(record.id, record.history_date, record.history_changeset)
    for model, records in wanted.items():
        for part in model.objects.filter(motion_id=record.id).exclude(pk__in=records):
            give_reason(part, reason)
            part.delete()
    motion = save_version(record, reason)
    skipped = []
    for model, records in wanted.items():
        current = {p.pk: p for p in model.objects.filter(motion_id=record.id)}
        changed = [r for pk, r in records.items() if pk not in current or differs(r, current[pk])]
        skipped += save_parts(changed, reason)
    return motion, skipped


def revert_to(model: type[models.Model], record: HistoricalRecord, reason: str) -> list[str]:
    """Put back version ``record``, a motion with its parts, in one transaction;
    the parts that could not come back, named. Raises ValidationError for a
    version that breaks today's rules."""
    with transaction.atomic():
        if model is Motion:  # with its sponsors, votes and events
            _motion, skipped = revert_motion(record, reason)
            return skipped
        save_version(record, reason)
    return []


def restore_motion(record: HistoricalRecord, reason: str) -> tuple[Motion, list[str]]:
    """Bring back a deleted motion with the parts deleted with it, in one
    transaction; the motion and the parts that could not come back, named.
    Raises ValidationError for a version that breaks today's rules."""
    with transaction.atomic():
        motion = cast(Motion, save_version(record, reason))
        skipped = save_parts(deleted_parts(record), reason)
    return motion, skipped


def save_parts(records: list[HistoricalRecord], reason: str) -> list[str]:
    """Save each part's version; one whose faction no longer exists is left
    out and named in the list returned (any other rule it breaks stops all)."""
    skipped = []
    for record in records:
        faction_id = getattr(record, "faction_id", None)
        if faction_id is not None and not Faction.objects.filter(pk=faction_id).exists():
            skipped.append(
                _("%(part)s van %(faction)s")
                % {"part": record.instance_type._meta.verbose_name, "faction": gone(faction_id)}
            )
        else:
            save_version(record, reason)
    return skipped


def gone(faction_id: int) -> str:
    """The party of a faction that was deleted, from its history, if known."""
    last = Faction.history.filter(id=faction_id).order_by("-history_date").first()
    party = Party.objects.filter(pk=last.party_id).first() if last else None
    return str(party) if party else f"#{faction_id}"


def not_all_back(skipped: list[str]) -> str:
    return _("Niet teruggezet, omdat de fractie niet meer bestaat: %(parts)s.") % {
        "parts": "; ".join(skipped)
    }


def differs(record: HistoricalRecord, instance: models.Model) -> bool:
    """Whether a historical version differs from the record as it is now."""
    return any(
        getattr(record, f.attname) != getattr(instance, f.attname) for f in record.tracked_fields
    )


def not_restored_message(error: ValidationError) -> str:
    return _("Niet teruggezet: deze versie voldoet niet meer aan de regels. %(errors)s") % {
        "errors": " ".join(error.messages)
    }
