"""Benchmark data: the campaign's size times a factor, in a throwaway database.

At 1x the campaign has about 200 motions, 48 factions, 1,000 contact moments
and 100 reports over the 342 councils; ``grow(100)`` gives 20,000 motions,
~4,800 factions, 100,000 contact moments and 10,000 reports, as issue 11 sets
the 100x mark. Every generated record says plainly that it is benchmark data
("Benchmarkmotie 17"); this module never runs against a real database (the
benchmark makes its own) and nothing here is a fact about a council.

Rows are written with ``bulk_create`` in batches, without history: the
benchmark measures reading pages, not saving.
"""

import datetime
import itertools

from django.db import transaction

from motions.models import ActionReport, Motion
from municipalities.models import ContactMoment, Faction, Municipality, Party

# What 1x means (issue 11): per kind, how many records the campaign has.
CAMPAIGN = {"motions": 200, "factions": 48, "contacts": 1_000, "reports": 100}
BATCH = 2_000
START = datetime.date(2020, 1, 1)


def day(number: int) -> datetime.date:
    """A date spread over about five years, the same for the same number."""
    return START + datetime.timedelta(days=number % 1_800)


def grow(factor: int) -> dict[str, int]:
    """Add ``factor`` times the campaign's records; returns how many of each."""
    councils = list(Municipality.objects.active().order_by("pk"))
    cycle = itertools.cycle(councils)
    counts = {kind: size * factor for kind, size in CAMPAIGN.items()}
    with transaction.atomic():
        # One faction per council and party in the 2022 term: the n-th goes to
        # council n, for benchmark party n // councils.
        parties = Party.objects.bulk_create(
            Party(name=f"Benchmarkpartij {number}", scope=Party.Scope.NATIONAL)
            for number in range(counts["factions"] // len(councils) + 1)
        )
        factions = [
            Faction(
                municipality=councils[n % len(councils)],
                party=parties[n // len(councils)],
                election_year=2022,
                seats=3,
            )
            for n in range(counts["factions"])
        ]
        Faction.objects.bulk_create(factions, batch_size=BATCH)
        # Every council gets motions of each status: the n-th motion goes to
        # council n (cycling), its status shifts by one each round of councils.
        statuses = [Motion.Status.ADOPTED, Motion.Status.REJECTED, Motion.Status.SUBMITTED]
        status = [statuses[(n + n // len(councils)) % 3] for n in range(counts["motions"])]
        Motion.objects.bulk_create(
            (
                Motion(
                    municipality=next(cycle),
                    title=f"Benchmarkmotie {n}",
                    status=status[n],
                    submitted_on=day(n),
                    decided_on=day(n) if status[n] != Motion.Status.SUBMITTED else None,
                )
                for n in range(counts["motions"])
            ),
            batch_size=BATCH,
        )
        directions = list(ContactMoment.Direction)
        ContactMoment.objects.bulk_create(
            (
                ContactMoment(
                    municipality=next(cycle),
                    date=day(n),
                    channel=ContactMoment.Channel.EMAIL,
                    direction=directions[n % len(directions)],
                    summary=f"Benchmarkcontact {n}",
                    follow_up_on=day(n) + datetime.timedelta(days=30) if n % 4 == 0 else None,
                )
                for n in range(counts["contacts"])
            ),
            batch_size=BATCH,
        )
        ActionReport.objects.bulk_create(
            (
                ActionReport(
                    municipality=next(cycle),
                    action=ActionReport.Action.ADOPTED,
                    happened_on=day(n),
                    message=f"Benchmarkmelding {n}",
                )
                for n in range(counts["reports"])
            ),
            batch_size=BATCH,
        )
    return counts
