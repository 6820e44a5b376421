"""Delete guards and usage: how apps that use assets protect them and say where they are used.

The library must not import the apps that use its assets (production, distribution), so
they register a check from their AppConfig.ready():

    register_delete_guard(lambda asset: "queue item #7 (pending) uses it" if ... else None)

A guard returns a reason the asset may not be deleted, or None; any reason blocks the
delete with a 409 that quotes it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from library.models import MediaAsset

DeleteGuard = Callable[[MediaAsset], "str | None"]
_delete_guards: list[DeleteGuard] = []


def register_delete_guard(guard: DeleteGuard) -> DeleteGuard:
    if guard not in _delete_guards:
        _delete_guards.append(guard)
    return guard


def unregister_delete_guard(guard: DeleteGuard) -> None:
    if guard in _delete_guards:
        _delete_guards.remove(guard)


def delete_blockers(asset: MediaAsset) -> list[str]:
    return [reason for guard in _delete_guards if (reason := guard(asset))]


@dataclass(frozen=True)
class Usage:
    """One place an asset is used, as another app describes it (e.g. a queue item)."""

    label: str
    url: str
    status: str
    when: datetime


UsageProvider = Callable[[MediaAsset, int], "list[Usage]"]
_usage_providers: list[UsageProvider] = []


def register_usage_provider(provider: UsageProvider) -> UsageProvider:
    if provider not in _usage_providers:
        _usage_providers.append(provider)
    return provider


def asset_usages(asset: MediaAsset, *, limit: int = 10) -> list[Usage]:
    """The latest places the asset is used, newest first, across every registered app."""
    found = [usage for provider in _usage_providers for usage in provider(asset, limit)]
    return sorted(found, key=lambda usage: usage.when, reverse=True)[:limit]
