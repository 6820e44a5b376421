"""Campaigns: lifecycle, and generation of queue items from a template with asset slots."""

from __future__ import annotations

import copy
import random
import re
import string
from collections import Counter
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from common.errors import ApplicationError
from library import services as library_services
from library.filters import PickFilter
from library.models import MediaAsset, MediaKind
from production.models import Campaign, CampaignStatus, QueueItem
from production.rendering import CompositionSpec, SpecError
from production.services import queue, specs

SLOT_KINDS = [kind for kind in MediaKind.values if kind != MediaKind.RENDERED]

EDITABLE = (
    "name",
    "description",
    "starts_at",
    "ends_at",
    "target_platforms",
    "content_type",
    "composition_template",
    "slots",
    "caption_template",
    "hashtag_template",
    "videos_per_run",
    "priority",
    "distribution_strategy",
    "account_weights",
)
SLOT_PREFIX = "@"
# Which transitions each action allows: action -> (allowed from, to).
TRANSITIONS = {
    "activate": ({CampaignStatus.DRAFT, CampaignStatus.PAUSED}, CampaignStatus.ACTIVE),
    "pause": ({CampaignStatus.ACTIVE}, CampaignStatus.PAUSED),
    "complete": ({CampaignStatus.ACTIVE, CampaignStatus.PAUSED}, CampaignStatus.COMPLETED),
    "archive": ({CampaignStatus.DRAFT, CampaignStatus.PAUSED, CampaignStatus.COMPLETED}, CampaignStatus.ARCHIVED),
}


def _slot_name(value) -> str | None:
    return value[len(SLOT_PREFIX) :] if isinstance(value, str) and value.startswith(SLOT_PREFIX) else None


def slot_references(template) -> Counter:
    """How often each "@slot" appears where an asset id goes."""
    return Counter(name for _, value in specs.asset_references(template) if (name := _slot_name(value)))


def fill_slots(template, chosen: dict[str, list[int]]) -> dict:
    """A copy of the template with each "@slot" replaced by the next asset chosen for it."""
    remaining = {slot: list(ids) for slot, ids in chosen.items()}
    filled = copy.deepcopy(template)
    for holder, value in specs.asset_references(filled):
        if name := _slot_name(value):
            holder["asset"] = remaining[name].pop(0)
    return filled


def clean_slot(definition) -> dict:
    """A slot definition: {"kind": ..., "filters": {...the library's pick filters...}}, normalised."""
    if not isinstance(definition, dict):
        raise ApplicationError("A slot must be an object.", fields={"": ["Must be an object with a kind."]})
    unknown = set(definition) - {"kind", "filters"}
    if unknown:
        raise ApplicationError("Unknown slot keys.", fields={"": [f"Unknown key(s): {', '.join(sorted(unknown))}."]})
    kind = definition.get("kind")
    if kind not in MediaKind.values or kind == MediaKind.RENDERED:
        raise ApplicationError("Unknown kind.", fields={"kind": [f"Choose one of: {', '.join(SLOT_KINDS)}."]})
    raw = definition.get("filters") or {}
    if not isinstance(raw, dict):
        raise ApplicationError("Filters must be an object.", fields={"filters": ["Must be an object."]})
    unknown = set(raw) - set(PickFilter.base_filters)
    if unknown:
        raise ApplicationError(
            "Unknown filters.", fields={"filters": [f"Unknown filter(s): {', '.join(sorted(unknown))}."]}
        )
    # The pick filters are the library's query-string filters: lists travel comma-separated.
    data = {key: ",".join(map(str, value)) if isinstance(value, list) else value for key, value in raw.items()}
    form = PickFilter(data=data, queryset=MediaAsset.objects.none())
    if not form.is_valid():
        raise ApplicationError(
            "Invalid filters.", fields={f"filters.{k}": [str(m) for m in v] for k, v in form.errors.items()}
        )
    return {"kind": kind, "filters": form.selector_filters()}


def validate_template(*, template, slots) -> dict:
    """The template must be a valid spec once its slots are filled, and every slot defined.

    Returns the slots normalised."""
    errors: dict[str, list[str]] = {}
    if not isinstance(template, dict):
        raise ApplicationError(
            "The composition template must be an object.", fields={"composition_template": ["Must be a JSON object."]}
        )
    if not isinstance(slots, dict):
        raise ApplicationError("Slots must be an object.", fields={"slots": ["Must be a JSON object."]})
    used = slot_references(template)
    for name in used:
        if name not in slots:
            errors.setdefault("slots", []).append(f"The template uses @{name}, which has no slot definition.")
    cleaned = {}
    for name, definition in slots.items():
        try:
            cleaned[name] = clean_slot(definition)
        except ApplicationError as exc:
            for field, messages in (exc.fields or {"": [exc.message]}).items():
                errors.setdefault(f"slots.{name}{'.' + field if field else ''}", []).extend(messages)
    placeholder = fill_slots(template, {name: list(range(1, count + 1)) for name, count in used.items()})
    try:
        CompositionSpec.from_dict(placeholder)
    except SpecError as exc:
        for field, messages in exc.fields.items():
            errors.setdefault(f"composition_template.{field}", []).extend(messages)
    if errors:
        first_field, first_messages = next(iter(errors.items()))
        raise ApplicationError(f"The campaign is not valid: {first_field}: {first_messages[0]}", fields=errors)
    return cleaned


def _apply(campaign: Campaign, fields: dict) -> list[str]:
    changed = []
    for name, value in fields.items():
        if name not in EDITABLE:
            raise TypeError(f"Unknown field {name!r}")
        setattr(campaign, name, value)
        changed.append(name)
    return changed


@transaction.atomic
def campaign_create(*, owner, name: str, target_accounts=(), **fields) -> Campaign:
    campaign = Campaign(owner=owner, name=name)
    _apply(campaign, fields)
    campaign.slots = validate_template(template=campaign.composition_template, slots=campaign.slots)
    campaign.full_clean()
    campaign.save()
    _set_accounts(campaign, target_accounts)
    return campaign


@transaction.atomic
def campaign_update(*, campaign: Campaign, target_accounts=None, **fields) -> Campaign:
    if campaign.status == CampaignStatus.ARCHIVED:
        raise ApplicationError("An archived campaign cannot be edited; duplicate it instead.", code="invalid_state")
    changed = _apply(campaign, fields)
    if {"composition_template", "slots"} & set(changed):
        campaign.slots = validate_template(template=campaign.composition_template, slots=campaign.slots)
        changed = sorted(set(changed) | {"slots"})
    campaign.full_clean()
    campaign.save(update_fields=[*changed, "updated_at"])
    if target_accounts is not None:
        _set_accounts(campaign, target_accounts)
    return campaign


def _set_accounts(campaign: Campaign, accounts) -> None:
    accounts = list(accounts)
    foreign = [a for a in accounts if a.owner_id != campaign.owner_id]
    if foreign:
        raise ApplicationError("Target accounts must be your own.", fields={"target_accounts": ["Unknown account."]})
    campaign.target_accounts.set(accounts)


@transaction.atomic
def campaign_transition(*, campaign: Campaign, action: str) -> Campaign:
    allowed_from, target = TRANSITIONS[action]
    if campaign.status not in allowed_from:
        raise ApplicationError(
            f"Cannot {action} a {campaign.get_status_display().lower()} campaign.", code="invalid_state"
        )
    campaign.status = target
    campaign.save(update_fields=["status", "updated_at"])
    return campaign


@transaction.atomic
def campaign_duplicate(*, campaign: Campaign) -> Campaign:
    base = f"{campaign.name} (copy)"
    name, n = base, 2
    while Campaign.objects.filter(owner=campaign.owner, name=name).exists():
        name, n = f"{base} {n}", n + 1
    fields = {f: copy.deepcopy(getattr(campaign, f)) for f in EDITABLE if f != "name"}
    return campaign_create(owner=campaign.owner, name=name, target_accounts=campaign.target_accounts.all(), **fields)


def campaign_delete(*, campaign: Campaign) -> None:
    campaign.delete()


class _Blank(dict):
    def __missing__(self, key):
        return ""


def render_text(template: str, variables: dict) -> str:
    """Fill {variables}; unknown names become empty instead of failing a whole run."""
    try:
        return string.Formatter().vformat(template, (), _Blank(variables)).strip()
    except (ValueError, IndexError):
        return template.strip()


@transaction.atomic
def campaign_generate(
    *, campaign: Campaign, count: int | None = None, seed: int | None = None, at: datetime | None = None, batch=None
) -> list[QueueItem]:
    """Fill the slots from the library and enqueue `count` videos (default: videos per run).

    All or nothing: a slot that cannot be filled, or a spec that fails the policy check,
    rolls back every pick and says which slot or field.
    """
    if campaign.status != CampaignStatus.ACTIVE:
        raise ApplicationError(
            f"Only active campaigns generate (this one is {campaign.get_status_display().lower()}).",
            code="invalid_state",
        )
    at = at or timezone.now()
    count = count or campaign.videos_per_run
    if not 1 <= count <= 500:
        raise ApplicationError("Generate between 1 and 500 videos at a time.", fields={"count": ["Out of range."]})
    rng = random.Random(seed)
    used = slot_references(campaign.composition_template)
    new_items = []
    for index in range(count):
        chosen, titles = {}, {}
        for slot, occurrences in used.items():
            definition = campaign.slots[slot]
            try:
                picked = library_services.pick_assets(
                    owner=campaign.owner,
                    kind=definition["kind"],
                    count=occurrences,
                    filters=definition.get("filters", {}),
                    seed=rng.randrange(2**31) if seed is not None else None,
                )
            except ApplicationError as exc:
                raise ApplicationError(
                    f"Slot '{slot}' cannot be filled: {exc.message}",
                    code="slot_unfilled",
                    fields={f"slots.{slot}": [exc.message]},
                ) from None
            chosen[slot] = [asset.pk for asset in picked]
            titles[slot] = picked[0].title
        variables = {"campaign": campaign.name, "date": at.date().isoformat(), "n": index + 1, **titles}
        new_items.append(
            queue.NewItem(
                spec=fill_slots(campaign.composition_template, chosen),
                priority=campaign.priority,
                content_type=campaign.content_type,
                caption=render_text(campaign.caption_template, variables),
                hashtags=tuple(_hashtags(render_text(campaign.hashtag_template, _as_tags(variables)))),
                metadata={"campaign": campaign.pk, "slots": chosen},
            )
        )
    items = queue.queue_items_add(owner=campaign.owner, items=new_items, campaign=campaign, batch=batch)
    campaign.videos_generated += len(items)
    campaign.last_generated_at = at
    campaign.save(update_fields=["videos_generated", "last_generated_at", "updated_at"])
    return items


def _as_tags(variables: dict) -> dict:
    """Variables as they can appear inside a hashtag: letters, digits and underscores only."""
    return {key: re.sub(r"\W+", "", str(value)) for key, value in variables.items()}


def _hashtags(text: str) -> list[str]:
    tags = [word.strip().lstrip("#") for word in text.replace(",", " ").split()]
    return [f"#{tag}" for tag in dict.fromkeys(tags) if tag]
