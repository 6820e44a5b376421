"""Avatars: a presenter video or image the creator owns, placed over or between the scenes."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from accounts.models import User
from common.errors import ApplicationError, ConflictError
from library.models import MediaAsset, MediaKind, MediaStatus
from production.studio.models import Avatar, AvatarPlacement

PRESENTER_KINDS = (MediaKind.TEMPLATE, MediaKind.PRODUCT, MediaKind.IMAGE, MediaKind.HOT_VIDEO)
CORNERS = ("top_left", "top_right", "bottom_left", "bottom_right")


def _check(avatar: Avatar) -> None:
    asset = avatar.asset
    if asset.owner_id != avatar.owner_id:
        raise ApplicationError("No such asset.", code="not_found", fields={"asset": ["Unknown asset."]})
    if asset.status != MediaStatus.READY or asset.kind not in PRESENTER_KINDS:
        raise ApplicationError(
            "An avatar is a ready video or image from your library.", fields={"asset": ["Choose a video or image."]}
        )
    if avatar.placement not in AvatarPlacement.values:
        raise ApplicationError("Unknown placement.", fields={"placement": ["pip or full."]})
    if avatar.corner not in CORNERS:
        raise ApplicationError("Unknown corner.", fields={"corner": [f"One of {', '.join(CORNERS)}."]})
    avatar.full_clean(validate_constraints=False)


def _save(avatar: Avatar) -> Avatar:
    try:
        with transaction.atomic():
            avatar.save()
    except IntegrityError:
        raise ConflictError(f"You already have an avatar named {avatar.name!r}.", fields={"name": ["Taken."]}) from None
    return avatar


def avatar_create(
    *,
    owner: User,
    name: str,
    asset: MediaAsset,
    placement: str = AvatarPlacement.PIP,
    corner: str = "bottom_right",
    size: float = 0.3,
) -> Avatar:
    avatar = Avatar(owner=owner, name=name.strip(), asset=asset, placement=placement, corner=corner, size=size)
    _check(avatar)
    return _save(avatar)


def avatar_update(*, avatar: Avatar, **fields) -> Avatar:
    for name, value in fields.items():
        if name not in ("name", "asset", "placement", "corner", "size"):
            raise TypeError(f"Unknown field {name!r}")
        setattr(avatar, name, value.strip() if isinstance(value, str) else value)
    _check(avatar)
    return _save(avatar)


def avatar_delete(*, avatar: Avatar) -> None:
    avatar.delete()
