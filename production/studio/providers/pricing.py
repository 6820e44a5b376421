"""What a provider call is estimated to cost, in US dollars.

ESTIMATES, not invoices: list prices as the providers published them in mid-2025 (see
PRICES_AS_OF), used for the usage page and the monthly budget. The provider's own bill is what
counts; update this table when they change their prices.

- OpenAI text models: USD per 1M tokens, prompt and completion priced apart (standard tier).
- OpenAI speech: USD per 1M input characters (tts-1, tts-1-hd); gpt-4o-mini-tts is billed by
  tokens and works out at about $0.015 a minute of audio, taken here as $15 per 1M characters.
- ElevenLabs: USD per 1k characters at the Creator plan's rate ($22 a month for 100k credits);
  the Flash and Turbo models use half a credit per character.
- An OpenAI-compatible server costs nothing unless it serves a model this table knows
  (OpenRouter's "openai/gpt-4o-mini" is priced as gpt-4o-mini); local models are free.
- An unknown OpenAI model is priced like the dearest one here, so a new model cannot slip
  past a budget unnoticed.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

PRICES_AS_OF = date(2025, 6, 1)

MILLION = Decimal(1_000_000)
THOUSAND = Decimal(1_000)
PLACES = Decimal("0.000001")  # ProviderCall.cost_usd has six decimal places

# model -> (USD per 1M prompt tokens, USD per 1M completion tokens)
OPENAI_TEXT: dict[str, tuple[Decimal, Decimal]] = {
    "gpt-4o-mini": (Decimal("0.15"), Decimal("0.60")),
    "gpt-4o": (Decimal("2.50"), Decimal("10.00")),
    "gpt-4.1-nano": (Decimal("0.10"), Decimal("0.40")),
    "gpt-4.1-mini": (Decimal("0.40"), Decimal("1.60")),
    "gpt-4.1": (Decimal("2.00"), Decimal("8.00")),
    "gpt-3.5-turbo": (Decimal("0.50"), Decimal("1.50")),
}
# model -> USD per 1M characters
OPENAI_SPEECH: dict[str, Decimal] = {
    "tts-1": Decimal("15.00"),
    "tts-1-hd": Decimal("30.00"),
    "gpt-4o-mini-tts": Decimal("15.00"),
}
# model -> USD per 1k characters
ELEVENLABS_SPEECH: dict[str, Decimal] = {
    "eleven_multilingual_v2": Decimal("0.22"),
    "eleven_v3": Decimal("0.22"),
    "eleven_monolingual_v1": Decimal("0.22"),
    "eleven_english_v1": Decimal("0.22"),
    "eleven_flash_v2_5": Decimal("0.11"),
    "eleven_flash_v2": Decimal("0.11"),
    "eleven_turbo_v2_5": Decimal("0.11"),
    "eleven_turbo_v2": Decimal("0.11"),
}
ELEVENLABS_DEFAULT = Decimal("0.22")

FREE_KINDS = {"test", "voices"}  # listing models or voices is not billed


def estimate_cost(
    provider: str,
    kind: str,
    model: str,
    *,
    prompt_tokens: int = 0,
    completion_tokens: int = 0,
    characters: int = 0,
) -> Decimal:
    """Estimated USD for one call (six decimal places). `kind` is "chat", "speech", "test" or "voices"."""
    if kind in FREE_KINDS:
        return Decimal("0")
    if provider == "elevenlabs":
        per_thousand = _lookup(ELEVENLABS_SPEECH, model) or ELEVENLABS_DEFAULT
        return _round(per_thousand * characters / THOUSAND)
    if provider not in ("openai", "openai_compatible"):
        return Decimal("0")
    known = provider == "openai"
    if kind == "chat":
        prices = _lookup(OPENAI_TEXT, model)
        if prices is None and known:
            prices = max(OPENAI_TEXT.values())
        if prices is None:
            return Decimal("0")
        prompt, completion = prices
        return _round((prompt * prompt_tokens + completion * completion_tokens) / MILLION)
    if kind == "speech":
        per_million = _lookup(OPENAI_SPEECH, model)
        if per_million is None and known:
            per_million = max(OPENAI_SPEECH.values())
        return _round((per_million or Decimal("0")) * characters / MILLION)
    return Decimal("0")


def _lookup(table: dict, model: str):
    """The entry for `model`, its dated snapshot ("gpt-4o-mini-2024-07-18") or a routed name
    ("openai/gpt-4o-mini"): the longest table key the bare name starts with."""
    name = model.strip().lower().rsplit("/", 1)[-1]
    if name in table:
        return table[name]
    matches = [key for key in table if name.startswith(key + "-")]
    return table[max(matches, key=len)] if matches else None


def _round(amount: Decimal) -> Decimal:
    return amount.quantize(PLACES)
