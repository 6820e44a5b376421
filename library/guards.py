"""Delete guards: how apps that use assets stop them being deleted from under them.

The library must not import the apps that use its assets (production, distribution), so
they register a check from their AppConfig.ready():

    register_delete_guard(lambda asset: "queue item #7 (pending) uses it" if ... else None)

A guard returns a reason the asset may not be deleted, or None; any reason blocks the
delete with a 409 that quotes it.
"""

from __future__ import annotations

from collections.abc import Callable

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
