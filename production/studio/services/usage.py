"""Every provider call is recorded with what it used and cost; monthly budgets refuse calls beyond them."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import TypeVar

from django.conf import settings
from django.db.models import Sum
from django.utils import timezone

from accounts.models import User
from common.errors import ApplicationError
from production.studio.models import ProviderCall, StudioAllowance
from production.studio.services.keys import ResolvedKey

logger = logging.getLogger(__name__)
Result = TypeVar("Result")
CENT = Decimal("0.01")


class BudgetExceeded(ApplicationError):
    status_code = 409
    default_code = "budget_exceeded"


def month_start(now: datetime | None = None) -> datetime:
    now = (now or timezone.now()).astimezone(UTC)
    return now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def _next_month(start: datetime) -> datetime:
    return start.replace(year=start.year + 1, month=1) if start.month == 12 else start.replace(month=start.month + 1)


def spent_this_month(*, user: User | None = None) -> Decimal:
    calls = ProviderCall.objects.filter(created_at__gte=month_start())
    if user is not None:
        calls = calls.filter(owner=user)
    return calls.aggregate(total=Sum("cost_usd"))["total"] or Decimal("0")


def monthly_budget(user: User) -> Decimal:
    allowance = StudioAllowance.objects.filter(user=user).values_list("monthly_budget_usd", flat=True).first()
    if allowance is not None:
        return allowance
    return Decimal(str(settings.STUDIO_USER_MONTHLY_BUDGET_USD))


def _money(value: Decimal) -> str:
    return f"${value.quantize(CENT)}"


def budget_check(*, user: User, estimate: Decimal = Decimal("0")) -> None:
    """Refuse a call that would go beyond the user's or the site's monthly budget."""
    resets = f"It resets on {_next_month(month_start()):%-d %B} (UTC)."
    budget, spent = monthly_budget(user), spent_this_month(user=user)
    if spent + estimate > budget or (estimate > 0 and spent >= budget):
        raise BudgetExceeded(
            f"Your monthly studio budget is {_money(budget)} and {_money(spent)} has been spent this month "
            f"(estimated); this call would cost about {_money(estimate)}. {resets} "
            "Use an offline option, or ask an operator to raise your budget.",
            extra={"budget_usd": str(budget), "spent_usd": str(spent.quantize(CENT))},
        )
    site_budget = Decimal(str(settings.STUDIO_GLOBAL_MONTHLY_BUDGET_USD))
    site_spent = spent_this_month()
    if site_spent + estimate > site_budget or (estimate > 0 and site_spent >= site_budget):
        raise BudgetExceeded(
            f"This site's monthly studio budget of {_money(site_budget)} is spent ({_money(site_spent)} so far). "
            f"{resets} Use an offline option meanwhile.",
            extra={"budget_usd": str(site_budget), "spent_usd": str(site_spent.quantize(CENT))},
        )


def _usage(result: object) -> dict:
    return {
        name: getattr(result, name)
        for name in ("prompt_tokens", "completion_tokens", "characters", "model")
        if isinstance(getattr(result, name, None), int | str)
    }


def provider_call(
    *,
    user: User,
    resolved: ResolvedKey,
    kind: str,
    call: Callable[[], Result],
    estimate: Decimal = Decimal("0"),
    model: str = "",
) -> Result:
    """Run one outside call inside the budget and record it, whether it succeeds or fails."""
    from production.studio.providers import ProviderError
    from production.studio.providers.pricing import estimate_cost

    budget_check(user=user, estimate=estimate)
    record = ProviderCall(
        owner=user, key=resolved.key, provider=resolved.provider, operator_key=resolved.operator, kind=kind, model=model
    )
    started = time.monotonic()
    try:
        result = call()
    except ProviderError as exc:
        record.ok, record.error = False, exc.message[:500]
        raise
    else:
        for name, value in _usage(result).items():
            setattr(record, name, value or getattr(record, name))
        record.cost_usd = estimate_cost(
            resolved.provider,
            kind,
            record.model,
            prompt_tokens=record.prompt_tokens,
            completion_tokens=record.completion_tokens,
            characters=record.characters,
        )
        return result
    finally:
        record.seconds = round(time.monotonic() - started, 3)
        record.save()
        logger.info(
            "provider call %s %s %s ok=%s %.2fs cost=%s",
            resolved.provider,
            kind,
            record.model,
            record.ok,
            record.seconds,
            record.cost_usd,
        )
