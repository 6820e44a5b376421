"""Smart random selection: weighted sampling that favours rested assets.

An asset's weight falls with how often it has been used and rises with how long ago it was
last used, so a library gets used evenly without being predictable. Sampling is without
replacement (Efraimidis-Spirakis: key = u ** (1 / weight), keep the largest keys), so one
pick never holds the same asset twice, and a seeded Random makes it repeatable.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime

# An asset last used this long ago (or never) counts as fully rested.
RESTED_AFTER_HOURS = 7 * 24
MIN_RECENCY = 0.05


@dataclass(frozen=True)
class Candidate:
    pk: int
    times_used: int
    last_used_at: datetime | None


def weight(candidate: Candidate, now: datetime) -> float:
    usage = 1.0 / (1 + candidate.times_used) ** 2
    if candidate.last_used_at is None:
        recency = 1.0
    else:
        hours = max((now - candidate.last_used_at).total_seconds() / 3600, 0.0)
        recency = max(min(hours / RESTED_AFTER_HOURS, 1.0), MIN_RECENCY)
    return usage * recency


def weighted_sample(candidates: list[Candidate], count: int, *, rng: random.Random, now: datetime) -> list[int]:
    keyed = [(rng.random() ** (1.0 / weight(c, now)), c.pk) for c in candidates]
    keyed.sort(reverse=True)
    return [pk for _key, pk in keyed[:count]]


def shortage_message(
    *, kind: str, found: int, count: int, filters: dict, exclude_used_within_hours: float | None
) -> str:
    conditions = [f"{name}={_show(value)}" for name, value in filters.items() if value not in (None, "", [], ())]
    if exclude_used_within_hours:
        conditions.append(f"not used in the last {exclude_used_within_hours:g} h")
    where = f" matching {', '.join(conditions)}" if conditions else ""
    have = "none" if found == 0 else f"only {found}"
    plural = "s" if count != 1 else ""
    verb = "is" if found == 1 else "are"
    return f"Needed {count} ready {kind} asset{plural}{where}, but there {verb} {have}."


def _show(value) -> str:
    if isinstance(value, list | tuple):
        return "+".join(map(str, value))
    return str(value)
