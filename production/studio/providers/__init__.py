"""The studio's outside providers, one adapter each, chosen by `Credentials.provider`.

    creds = Credentials("openai", api_key, base_url="", model="gpt-4o-mini")
    test_key(creds)                       # "112 models: gpt-4o, gpt-4o-mini, …"
    chat(creds, messages, json_schema=SCRIPT_SCHEMA).data
    speech(creds, "Hello", voice="coral", speed=1.0).audio

Every failure is a `ProviderError` with a `kind` (ErrorKind), `permanent`, and a message a
creator can read that never contains the key.
"""

from __future__ import annotations

from typing import Any

from production.studio.providers import elevenlabs as elevenlabs_provider
from production.studio.providers import openai as openai_provider
from production.studio.providers.base import (
    ELEVENLABS,
    OPENAI,
    OPENAI_COMPATIBLE,
    PROVIDERS,
    ChatResult,
    Credentials,
    ErrorKind,
    ProviderAdapter,
    ProviderError,
    SpeechResult,
    VoiceInfo,
)
from production.studio.providers.pricing import PRICES_AS_OF, estimate_cost

__all__ = [
    "ELEVENLABS",
    "OPENAI",
    "OPENAI_COMPATIBLE",
    "PRICES_AS_OF",
    "PROVIDERS",
    "ChatResult",
    "Credentials",
    "ErrorKind",
    "ProviderAdapter",
    "ProviderError",
    "SpeechResult",
    "VoiceInfo",
    "adapter_for",
    "chat",
    "estimate_cost",
    "list_models",
    "list_voices",
    "speech",
    "test_key",
]

ADAPTERS: dict[str, ProviderAdapter] = {
    OPENAI: openai_provider.ADAPTER,
    OPENAI_COMPATIBLE: openai_provider.ADAPTER,
    ELEVENLABS: elevenlabs_provider.ADAPTER,
}


def adapter_for(provider: str) -> ProviderAdapter:
    try:
        return ADAPTERS[provider]
    except KeyError:
        raise ProviderError(
            f"ReelMill does not know the provider {provider!r}.", permanent=True, kind=ErrorKind.NOT_CONFIGURED
        ) from None


def test_key(creds: Credentials) -> str:
    """One cheap authenticated call; a sentence saying what the key can reach."""
    return adapter_for(creds.provider).test(creds)


def list_models(creds: Credentials) -> list[str]:
    return adapter_for(creds.provider).list_models(creds)


def list_voices(creds: Credentials) -> list[VoiceInfo]:
    return adapter_for(creds.provider).list_voices(creds)


def chat(
    creds: Credentials,
    messages: list[dict[str, str]],
    *,
    json_schema: dict | None = None,
    max_tokens: int = 1200,
    temperature: float = 0.7,
    seed: int | None = None,
) -> ChatResult:
    return adapter_for(creds.provider).chat(
        creds, messages, json_schema=json_schema, max_tokens=max_tokens, temperature=temperature, seed=seed
    )


def speech(creds: Credentials, text: str, *, voice: str, speed: float = 1.0, **options: Any) -> SpeechResult:
    """`options`: `model` for either; `response_format` ("wav"|"mp3") and `instructions` for OpenAI."""
    return adapter_for(creds.provider).speech(creds, text, voice=voice, speed=speed, **options)


test_key.__test__ = False  # not a pytest test when imported into a test module
