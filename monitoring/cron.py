"""Cron expressions: validation with a reason per field, words, and the next run times."""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import datetime, timedelta

from celery.schedules import ParseException, crontab, crontab_parser
from cron_descriptor import ExpressionDescriptor, Options
from django.utils import timezone

from common.errors import ApplicationError

FIELDS = (
    # name, parser bounds (max exclusive, min), what a person should type
    ("minute", (60, 0), "0-59"),
    ("hour", (24, 0), "0-23"),
    ("day of month", (31, 1), "1-31"),
    ("month", (12, 1), "1-12 or jan-dec"),
    ("day of week", (7, 0), "0-6 (0 = Sunday) or sun-sat"),
)
MAX_LENGTH = 120


@dataclass(frozen=True)
class Cron:
    minute: str
    hour: str
    day_of_month: str
    month_of_year: str
    day_of_week: str

    @property
    def expression(self) -> str:
        return " ".join((self.minute, self.hour, self.day_of_month, self.month_of_year, self.day_of_week))


def parse(expression: str, *, field: str = "cron") -> Cron:
    """The five fields of `expression`, or an ApplicationError saying which field is wrong and why."""
    parts = (expression or "").split()
    if len(parts) != 5 or len(expression) > MAX_LENGTH:
        raise ApplicationError(
            f"A cron expression has five fields (minute hour day-of-month month day-of-week), "
            f"e.g. '0 * * * *'; got {len(parts)}.",
            fields={field: [f"Expected 5 fields, got {len(parts)}."]},
        )
    for value, (name, (upper, lower), allowed) in zip(parts, FIELDS, strict=True):
        try:
            crontab_parser(upper, lower).parse(value.lower())
        except (ValueError, ParseException) as exc:
            why = "not a number or a name" if "literal" in str(exc) else str(exc).rstrip(".")
            reason = f"{name} {value!r} is not valid ({why}); use {allowed}."
            raise ApplicationError(f"Invalid cron expression: {reason}", fields={field: [reason]}) from None
    return Cron(*(part.lower() for part in parts))


def describe(expression: str) -> str:
    """'0 */2 * * *' -> 'Every 2 hours'; an unreadable expression is shown as it is."""
    options = Options()
    options.use_24hour_time_format = True
    try:
        return ExpressionDescriptor(expression, options).get_description()
    except Exception:  # cron-descriptor raises several types; words are a nicety
        return expression


def next_runs(expression: str, time_zone: str, *, after: datetime | None = None, count: int = 1) -> list[datetime]:
    """The next `count` times the expression fires after `after`, in the given zone (aware)."""
    cron = parse(expression)
    tz = zoneinfo.ZoneInfo(time_zone)
    current = (after or timezone.now()).astimezone(tz)
    runs: list[datetime] = []
    schedule = crontab(
        minute=cron.minute,
        hour=cron.hour,
        day_of_month=cron.day_of_month,
        month_of_year=cron.month_of_year,
        day_of_week=cron.day_of_week,
        nowfun=lambda: current,
    )
    for _ in range(count):
        # remaining_delta: from a "last run" at `current`, when the schedule is due next.
        last_run, delta, _now = schedule.remaining_delta(current, tz=tz)
        nxt = (last_run + delta).astimezone(tz)
        if nxt <= current:  # never loop on the same instant
            nxt = current + timedelta(minutes=1)
        runs.append(nxt)
        current = nxt
    return runs
