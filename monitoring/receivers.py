"""Signal receivers: events elsewhere become alerts here (nobody imports monitoring)."""

from __future__ import annotations

import logging

logger = logging.getLogger(__name__)


def account_needs_attention(sender, account, reason: str = "", **kwargs) -> None:
    from monitoring.services.alerts import account_alert

    try:
        account_alert(account=account, reason=reason or f"the account is {account.status}")
    except Exception:  # an alert must never break the work that noticed the problem
        logger.exception("Could not raise the alert for account %s", getattr(account, "pk", None))
