"""Provider keys: add, change, test, make default, delete; and which key a call uses."""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from common.errors import ApplicationError, ConflictError
from production.studio.models import CallKind, KeyStatus, Provider, ProviderKey, StudioAllowance

EDITABLE_FIELDS = ("label", "base_url", "api_key", "default_model", "default_voice")
NEEDS_SECRET = frozenset({Provider.OPENAI, Provider.ELEVENLABS})
LLM_PROVIDERS = (Provider.OPENAI, Provider.OPENAI_COMPATIBLE)
MAX_KEY_LENGTH = 500


@dataclass(frozen=True)
class ResolvedKey:
    """The credentials one call uses: a creator's key, or the operator's from the environment."""

    provider: str
    api_key: str
    base_url: str
    model: str
    voice: str
    key: ProviderKey | None  # None: an operator key

    @property
    def operator(self) -> bool:
        return self.key is None

    def credentials(self):
        from production.studio.providers import Credentials

        return Credentials(
            provider=self.provider, api_key=self.api_key, base_url=self.base_url, model=self.model, voice=self.voice
        )


def _check_provider(provider: str) -> None:
    if provider not in Provider.values:
        raise ApplicationError(
            f"Unknown provider {provider!r}. Choose one of: {', '.join(Provider.values)}.",
            fields={"provider": [f"Unknown provider {provider!r}."]},
        )


def check_base_url(url: str) -> None:
    """An http(s) URL of a server we may call; private addresses only when the operator allows them."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ApplicationError(
            "The server address must be an http:// or https:// URL.",
            fields={"base_url": ["Use a URL like http://127.0.0.1:11434/v1."]},
        )
    if parts.username or parts.password:
        raise ApplicationError(
            "Put the key in the key field, not in the address.", fields={"base_url": ["No user:password@ in the URL."]}
        )
    if settings.STUDIO_ALLOW_PRIVATE_PROVIDER_URLS:
        return
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(parts.hostname, parts.port or 443)}
    except (socket.gaierror, UnicodeError, ValueError):
        raise ApplicationError(
            f"The host {parts.hostname!r} could not be found.", fields={"base_url": ["Unknown host."]}
        ) from None
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
        if not ip.is_global:
            raise ApplicationError(
                f"{parts.hostname} is a private or local address, which this site does not allow.",
                fields={"base_url": ["Only public addresses are allowed here."]},
            )


def _validate(key: ProviderKey) -> None:
    if len(key.api_key) > MAX_KEY_LENGTH:
        raise ApplicationError("That key is too long.", fields={"api_key": [f"At most {MAX_KEY_LENGTH} characters."]})
    if key.api_key != key.api_key.strip() or any(ch.isspace() for ch in key.api_key):
        raise ApplicationError("A key has no spaces or line breaks.", fields={"api_key": ["Paste the key alone."]})
    if key.provider in NEEDS_SECRET and not key.api_key:
        raise ApplicationError(
            f"{key.get_provider_display()} needs a key.", fields={"api_key": ["This provider needs a key."]}
        )
    if key.provider == Provider.OPENAI_COMPATIBLE and not key.base_url:
        raise ApplicationError(
            "An OpenAI-compatible server needs its address.",
            fields={"base_url": ["e.g. http://127.0.0.1:11434/v1 for Ollama."]},
        )
    if key.base_url:
        check_base_url(key.base_url)
    key.full_clean(exclude=["api_key"], validate_constraints=False)


def _save(key: ProviderKey, update_fields: list[str] | None = None) -> ProviderKey:
    try:
        with transaction.atomic():
            key.save(update_fields=update_fields)
    except IntegrityError:
        raise ConflictError(
            f"You already have a key labelled {key.label!r}.", fields={"label": ["Choose another label."]}
        ) from None
    return key


@transaction.atomic
def provider_key_create(
    *,
    owner: User,
    provider: str,
    label: str = "",
    api_key: str = "",
    base_url: str = "",
    default_model: str = "",
    default_voice: str = "",
    is_default: bool | None = None,
) -> ProviderKey:
    """A new key; the first of its provider becomes the default, and `is_default=True` takes it over."""
    _check_provider(provider)
    label = label.strip() or Provider(provider).label
    key = ProviderKey(
        owner=owner,
        provider=provider,
        label=label,
        api_key=api_key.strip() if api_key else "",
        base_url=base_url.strip(),
        default_model=default_model.strip(),
        default_voice=default_voice.strip(),
    )
    _validate(key)
    has_default = ProviderKey.objects.filter(owner=owner, provider=provider, is_default=True).exists()
    if is_default or not has_default:
        ProviderKey.objects.filter(owner=owner, provider=provider, is_default=True).update(is_default=False)
        key.is_default = True
    return _save(key)


@transaction.atomic
def provider_key_update(*, key: ProviderKey, **fields) -> ProviderKey:
    """Change a key; an empty `api_key` keeps the stored one. A new secret or address is untested."""
    changed: list[str] = []
    for name, value in fields.items():
        if name not in EDITABLE_FIELDS:
            raise TypeError(f"Unknown field {name!r}")
        value = (value or "").strip()
        if name == "api_key" and not value:
            continue  # write-only: blank means keep
        if name == "label" and not value:
            raise ApplicationError("A key needs a label.", fields={"label": ["This field may not be blank."]})
        if getattr(key, name) != value:
            setattr(key, name, value)
            changed.append(name)
    if not changed:
        return key
    _validate(key)
    if {"api_key", "base_url"} & set(changed):
        key.status, key.last_error = KeyStatus.UNTESTED, ""
        changed += ["status", "last_error"]
    return _save(key, update_fields=[*changed, "updated_at"])


@transaction.atomic
def provider_key_make_default(*, key: ProviderKey) -> ProviderKey:
    ProviderKey.objects.select_for_update().filter(owner_id=key.owner_id, provider=key.provider).exclude(
        pk=key.pk
    ).update(is_default=False)
    key.is_default = True
    key.save(update_fields=["is_default", "updated_at"])
    return key


@transaction.atomic
def provider_key_delete(*, key: ProviderKey) -> None:
    """Delete a key (its voices go with it); another key of the provider becomes the default."""
    was_default, owner_id, provider = key.is_default, key.owner_id, key.provider
    key.delete()
    if was_default:
        successor = ProviderKey.objects.filter(owner_id=owner_id, provider=provider).order_by("created_at").first()
        if successor is not None:
            provider_key_make_default(key=successor)


def provider_key_test(*, key: ProviderKey) -> ProviderKey:
    """A cheap real call (list models or voices) whose outcome is recorded on the key."""
    from production.studio import providers
    from production.studio.services.usage import provider_call

    resolved = resolved_from_key(key)
    try:
        provider_call(
            user=key.owner,
            resolved=resolved,
            kind=CallKind.TEST,
            call=lambda: providers.test_key(resolved.credentials()),
        )
    except providers.ProviderError as exc:
        key.status, key.last_error = KeyStatus.FAILED, exc.message[:500]
    else:
        key.status, key.last_error = KeyStatus.SUCCESS, ""
    key.last_tested_at = timezone.now()
    key.save(update_fields=["status", "last_error", "last_tested_at", "updated_at"])
    if key.status == KeyStatus.SUCCESS:
        from production.studio.services.voices import voices_sync_for_key

        voices_sync_for_key(key=key)
    return key


# --- which key a call uses ----------------------------------------------------------------


def resolved_from_key(key: ProviderKey) -> ResolvedKey:
    return ResolvedKey(
        provider=key.provider,
        api_key=key.api_key,
        base_url=key.base_url,
        model=key.default_model,
        voice=key.default_voice,
        key=key,
    )


def operator_keys_allowed(user: User) -> bool:
    if settings.STUDIO_OPERATOR_KEYS_FOR_ALL:
        return True
    return StudioAllowance.objects.filter(user=user, use_operator_keys=True).exists()


def operator_key(provider: str) -> ResolvedKey | None:
    """The key the operator set in the environment for a provider, if any."""
    if provider == Provider.OPENAI and settings.OPENAI_API_KEY:
        return ResolvedKey(Provider.OPENAI, settings.OPENAI_API_KEY, "", "", "", None)
    if provider == Provider.ELEVENLABS and settings.ELEVENLABS_API_KEY:
        return ResolvedKey(Provider.ELEVENLABS, settings.ELEVENLABS_API_KEY, "", "", "", None)
    return None


def key_for(*, user: User, provider: str, key: ProviderKey | None = None) -> ResolvedKey:
    """The credentials for `provider`: the given key, the user's default, or an allowed operator key."""
    if key is not None:
        if key.owner_id != user.pk or key.provider != provider:
            raise ApplicationError("That key is not one of yours for this provider.", fields={"key": ["Unknown key."]})
        return resolved_from_key(key)
    own = ProviderKey.objects.filter(owner=user, provider=provider).order_by("-is_default", "created_at").first()
    if own is not None:
        return resolved_from_key(own)
    shared = operator_key(provider) if operator_keys_allowed(user) else None
    if shared is not None:
        return shared
    raise ApplicationError(
        f"No {Provider(provider).label} key: add one under Settings → Providers, or choose an offline option.",
        code="no_provider_key",
        fields={"provider": [f"You have no {Provider(provider).label} key."]},
    )


def default_llm_provider(user: User) -> str | None:
    """The LLM provider a user's scripts use when they do not say: their default working key's, if any."""
    for provider in LLM_PROVIDERS:
        if (
            ProviderKey.objects.filter(owner=user, provider=provider, is_default=True)
            .exclude(status=KeyStatus.FAILED)
            .exists()
        ):
            return provider
    return None
