"""Campaigns: lifecycle, and generation of queue items from a template with asset slots."""

from __future__ import annotations

import copy
import hashlib
import itertools
import json
import math
import random
import re
import string
from collections import Counter
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from common.errors import ApplicationError
from library import selectors as library_selectors
from library import services as library_services
from library.filters import PickFilter
from library.models import MediaAsset, MediaKind, MediaStatus
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
    "first_comment_template",
    "account_captions",
    "videos_per_run",
    "priority",
    "distribution_strategy",
    "account_weights",
)
SLOT_PREFIX = "@"
# Random draws of a fresh mix before walking the pool in order for one nobody used.
MIX_TRIES = 8
CAPTION_MAX_LENGTH = 5000
HASHTAGS_MAX_LENGTH = 1000
FIRST_COMMENT_MAX_LENGTH = 2200
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


def validate_texts(campaign: Campaign) -> dict:
    """The caption templates' lengths, and per-account captions keyed by the owner's account ids.

    Returns the per-account captions normalised: {"<id>": {"caption": str, "hashtags": str}}."""
    errors: dict[str, list[str]] = {}
    if len(campaign.first_comment_template or "") > FIRST_COMMENT_MAX_LENGTH:
        errors["first_comment_template"] = [f"At most {FIRST_COMMENT_MAX_LENGTH} characters."]
    captions = campaign.account_captions or {}
    cleaned: dict[str, dict[str, str]] = {}
    if not isinstance(captions, dict):
        errors["account_captions"] = ['An object: {"<account id>": {"caption": "...", "hashtags": "..."}}.']
        captions = {}
    from accounts.models import SocialAccount

    mine = {str(pk) for pk in SocialAccount.objects.filter(owner_id=campaign.owner_id).values_list("pk", flat=True)}
    for key, value in captions.items():
        field = f"account_captions.{key}"
        if str(key) not in mine:
            errors.setdefault(field, []).append("Not one of your accounts.")
            continue
        if not isinstance(value, dict) or set(value) - {"caption", "hashtags"}:
            errors.setdefault(field, []).append('An object with "caption" and/or "hashtags".')
            continue
        text = {name: value.get(name) or "" for name in ("caption", "hashtags")}
        if not all(isinstance(part, str) for part in text.values()):
            errors.setdefault(field, []).append("Caption and hashtags are text.")
        elif len(text["caption"]) > CAPTION_MAX_LENGTH or len(text["hashtags"]) > HASHTAGS_MAX_LENGTH:
            errors.setdefault(field, []).append(
                f"At most {CAPTION_MAX_LENGTH} characters of caption and {HASHTAGS_MAX_LENGTH} of hashtags."
            )
        elif any(text.values()):
            cleaned[str(key)] = {name: part.strip() for name, part in text.items()}
    if errors:
        first_field, first_messages = next(iter(errors.items()))
        raise ApplicationError(f"The campaign is not valid: {first_field}: {first_messages[0]}", fields=errors)
    return cleaned


@transaction.atomic
def campaign_create(*, owner, name: str, target_accounts=(), **fields) -> Campaign:
    campaign = Campaign(owner=owner, name=name)
    _apply(campaign, fields)
    campaign.slots = validate_template(template=campaign.composition_template, slots=campaign.slots)
    campaign.account_captions = validate_texts(campaign)
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
    if {"account_captions", "first_comment_template"} & set(changed):
        campaign.account_captions = validate_texts(campaign)
        changed = sorted(set(changed) | {"account_captions"})
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


def campaign_generate(
    *, campaign: Campaign, count: int | None = None, seed: int | None = None, at: datetime | None = None, batch=None
) -> list[QueueItem]:
    """Fill the slots from the library and enqueue `count` videos (default: videos per run).

    Every video gets a mix of assets this campaign never used before. When fewer unused mixes
    remain than asked for, it makes what it can and marks the campaign's pool exhausted
    (`pool_exhausted_at`, `pool_message`); with none left it raises `pool_exhausted`. A slot that
    cannot be filled, or a spec that fails the policy check, rolls back every pick and says which
    slot or field.
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
    items, pool = _generate(campaign=campaign, count=count, seed=seed, at=at, batch=batch)
    _record_pool(campaign, pool, at=at, made=len(items), asked=count)
    if not items:
        raise ApplicationError(campaign.pool_message, code="pool_exhausted", extra={"mixes": pool.total})
    return items


class _Pool:
    """The campaign's mixes: which are taken, how many there are, and how to find a fresh one."""

    def __init__(self, campaign: Campaign, used: Counter) -> None:
        self.campaign, self.used = campaign, used
        self.taken = set(
            QueueItem.objects.filter(campaign=campaign).exclude(mix_key="").values_list("mix_key", flat=True)
        )
        self.candidates = {slot: self._candidates(slot) for slot in used}
        self.total = math.prod(math.comb(len(self.candidates[slot]), k) for slot, k in used.items())
        self.exhausted = False

    def _candidates(self, slot: str) -> list[int]:
        definition = self.campaign.slots[slot]
        qs = library_selectors.media_asset_list(user=self.campaign.owner).filter(
            kind=definition["kind"], status=MediaStatus.READY
        )
        qs = library_selectors.media_asset_filter(qs, definition.get("filters", {}))
        return sorted(qs.values_list("pk", flat=True))

    def draw(self, rng: random.Random, seeded: bool) -> dict[str, list[int]] | None:
        """A mix nobody used: smart random picks first, then the first free one in order."""
        if len(self.taken) >= self.total:
            self.exhausted = True
            return None
        for _ in range(MIX_TRIES):
            chosen = {
                slot: [asset.pk for asset in _pick(self.campaign, slot, k, rng.randrange(2**31) if seeded else None)]
                for slot, k in self.used.items()
            }
            if mix_key(chosen) not in self.taken:
                return chosen
        # Most mixes are taken: walk them in order; at most len(taken) + 1 steps find a free one.
        slots = list(self.used)
        groups = (itertools.combinations(self.candidates[slot], self.used[slot]) for slot in slots)
        for combination in itertools.product(*groups):
            chosen = {slot: list(ids) for slot, ids in zip(slots, combination, strict=True)}
            if mix_key(chosen) not in self.taken:
                return chosen
        self.exhausted = True
        return None

    def take(self, chosen: dict[str, list[int]]) -> str:
        key = mix_key(chosen)
        self.taken.add(key)
        self.exhausted = len(self.taken) >= self.total
        return key


def mix_key(chosen: dict[str, list[int]]) -> str:
    """One key per mix: the same assets in the same slots, whatever their order."""
    canonical = {name: sorted(int(pk) for pk in ids) for name, ids in sorted(chosen.items())}
    return hashlib.sha256(json.dumps(canonical, separators=(",", ":")).encode()).hexdigest()


def _pick(campaign: Campaign, slot: str, count: int, seed: int | None) -> list[MediaAsset]:
    definition = campaign.slots[slot]
    try:
        return library_services.pick_assets(
            owner=campaign.owner,
            kind=definition["kind"],
            count=count,
            filters=definition.get("filters", {}),
            seed=seed,
            record_usage=False,
        )
    except ApplicationError as exc:
        raise ApplicationError(
            f"Slot '{slot}' cannot be filled: {exc.message}",
            code="slot_unfilled",
            fields={f"slots.{slot}": [exc.message]},
        ) from None


@transaction.atomic
def _generate(*, campaign: Campaign, count: int, seed: int | None, at: datetime, batch) -> tuple[list, _Pool]:
    # One generation per campaign at a time: two must not both take the last free mix.
    Campaign.objects.select_for_update().filter(pk=campaign.pk).first()
    rng = random.Random(seed)
    used = slot_references(campaign.composition_template)
    for slot, occurrences in used.items():
        _pick(campaign, slot, occurrences, None)  # a slot its library cannot fill says so first
    pool = _Pool(campaign, used)
    new_items = []
    for index in range(count):
        chosen = pool.draw(rng, seed is not None)
        if chosen is None:
            break
        key = pool.take(chosen)
        library_services.media_assets_record_usage(ids=[pk for ids in chosen.values() for pk in ids], now=at)
        titles = MediaAsset.objects.in_bulk([ids[0] for ids in chosen.values() if ids])
        variables = {
            "campaign": campaign.name,
            "date": at.date().isoformat(),
            "n": index + 1,
            **{slot: titles[ids[0]].title for slot, ids in chosen.items() if ids},
        }
        first = _stable(str(at.timestamp()) + key)  # the generic text: some pick of the alternatives
        new_items.append(
            queue.NewItem(
                spec=fill_slots(campaign.composition_template, chosen),
                priority=campaign.priority,
                content_type=campaign.content_type,
                caption=render_text(choose_alternatives(campaign.caption_template, first), variables),
                hashtags=tuple(
                    _hashtags(render_text(choose_alternatives(campaign.hashtag_template, first), _as_tags(variables)))
                ),
                metadata={"campaign": campaign.pk, "slots": chosen, "caption_variables": variables},
                mix_key=key,
            )
        )
    if not new_items:
        return [], pool
    items = queue.queue_items_add(owner=campaign.owner, items=new_items, campaign=campaign, batch=batch)
    campaign.videos_generated += len(items)
    campaign.last_generated_at = at
    campaign.save(update_fields=["videos_generated", "last_generated_at", "updated_at"])
    return items, pool


@transaction.atomic
def _record_pool(campaign: Campaign, pool: _Pool, *, at: datetime, made: int, asked: int) -> None:
    """Say on the campaign when its pool ran out (and forget it once new assets widened the pool)."""
    if pool.exhausted:
        message = (
            f"Every mix of this campaign's assets is used ({len(pool.taken)} of {pool.total}): add assets to "
            "its slots, or widen their filters, for new videos; repeating a mix would post a duplicate."
        )
        if made < asked:
            message = f"Made {made} of {asked} videos. {message}"
        campaign.pool_exhausted_at = campaign.pool_exhausted_at or at
        campaign.pool_message = message[:500]
    elif campaign.pool_exhausted_at is None:
        return
    else:
        campaign.pool_exhausted_at, campaign.pool_message = None, ""
    campaign.save(update_fields=["pool_exhausted_at", "pool_message", "updated_at"])


# Per-account text -----------------------------------------------------------------------------
ALTERNATIVES = re.compile(r"\{([^{}]*\|[^{}]*)\}")


def _stable(value) -> int:
    """A number from `value` that is the same in every process (unlike hash())."""
    return int(hashlib.sha256(str(value).encode()).hexdigest()[:12], 16)


def choose_alternatives(template: str, index: int) -> str:
    """Each `{a|b|c}` replaced by its option number `index` (modulo how many it has)."""
    return ALTERNATIVES.sub(lambda match: (options := match.group(1).split("|"))[index % len(options)], template or "")


def variant_index(item: QueueItem, account) -> int:
    """Which alternative `account` gets for `item`: the campaign's target accounts take consecutive
    ones (so they differ while there are enough), starting at a place that changes per video."""
    targets = sorted(item.campaign.target_accounts.values_list("pk", flat=True)) if item.campaign_id else []
    rank = targets.index(account.pk) if account.pk in targets else _stable(f"account:{account.pk}")
    return _stable(item.queue_id) + rank


def _texts_for(item: QueueItem, account) -> tuple[dict, dict, int] | None:
    variables = (item.metadata or {}).get("caption_variables")
    if item.campaign_id is None or not isinstance(variables, dict):
        return None
    own = (item.campaign.account_captions or {}).get(str(account.pk)) or {}
    return variables, own, variant_index(item, account)


def caption_for_account(*, item: QueueItem, account) -> tuple[str, list[str]]:
    """The caption and hashtags `item` goes out with on `account`.

    The campaign's own text for that account when it has one, else the campaign's templates with
    the account's pick of their `{a|b|c}` alternatives; the item's own text when neither applies
    (a video made outside a campaign, or its text edited by hand).
    """
    found = _texts_for(item, account)
    if found is None:
        return item.caption, list(item.hashtags)
    variables, own, index = found
    campaign = item.campaign
    caption_template = own.get("caption") or campaign.caption_template
    hashtag_template = own.get("hashtags") or campaign.hashtag_template
    if not own and not ALTERNATIVES.search(caption_template + hashtag_template):
        return item.caption, list(item.hashtags)
    caption = render_text(choose_alternatives(caption_template, index), variables)
    hashtags = _hashtags(render_text(choose_alternatives(hashtag_template, index), _as_tags(variables)))
    return caption, hashtags


def first_comment_for_account(*, item: QueueItem, account) -> str:
    """The campaign's first comment for `item` on `account` ("" when the campaign sets none)."""
    if item.campaign_id is None or not item.campaign.first_comment_template.strip():
        return ""
    found = _texts_for(item, account)
    fallback = {"campaign": item.campaign.name, "date": item.created_at.date().isoformat()}
    variables, index = (found[0], found[2]) if found else (fallback, variant_index(item, account))
    return render_text(choose_alternatives(item.campaign.first_comment_template, index), variables)[
        :FIRST_COMMENT_MAX_LENGTH
    ]


def _as_tags(variables: dict) -> dict:
    """Variables as they can appear inside a hashtag: letters, digits and underscores only."""
    return {key: re.sub(r"\W+", "", str(value)) for key, value in variables.items()}


def _hashtags(text: str) -> list[str]:
    tags = [word.strip().lstrip("#") for word in text.replace(",", " ").split()]
    return [f"#{tag}" for tag in dict.fromkeys(tags) if tag]
