"""The contract every studio provider adapter keeps: credentials, results, the one error type, retries.

An adapter turns one outside service (OpenAI, an OpenAI-compatible server, ElevenLabs) into
plain calls that return the result dataclasses below or raise `ProviderError`. Messages are
written for the creator who pasted the key: they name the host, say what went wrong and what
to do, and never contain the key (every message passes through `redact` with the key as a
secret, and adapters raise `from None` so the library's own exception, which may quote the
key, is not chained into a traceback).
"""

from __future__ import annotations

import logging
import random
import struct
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any, ClassVar, TypeVar
from urllib.parse import urlsplit

from django.conf import settings

from common.http_client import redact

logger = logging.getLogger(__name__)

T = TypeVar("T")

OPENAI = "openai"
OPENAI_COMPATIBLE = "openai_compatible"
ELEVENLABS = "elevenlabs"
PROVIDERS = (OPENAI, OPENAI_COMPATIBLE, ELEVENLABS)


class ErrorKind:
    AUTH = "auth"  # 401/403: the key is wrong, revoked, or not allowed to do this
    UNREACHABLE = "unreachable"  # no connection at all: server down, wrong host or port
    RATE_LIMITED = "rate_limited"  # 429 short-term throttling: honour Retry-After
    QUOTA = "quota"  # the account has no credit or characters left (OpenAI insufficient_quota)
    TRANSIENT = "transient"  # 5xx, timeouts, dropped connections
    INVALID_RESPONSE = "invalid_response"  # an answer we cannot use: not JSON, wrong shape
    REFUSED = "refused"  # the provider refuses this request (bad model, bad voice, too long)
    NOT_CONFIGURED = "not_configured"  # ReelMill lacks what it needs to call (no base URL, wrong provider)

    RETRYABLE = frozenset({RATE_LIMITED, TRANSIENT})


class ProviderError(Exception):
    """The one error adapters raise. `permanent` tells the caller whether trying again can help."""

    def __init__(
        self,
        message: str,
        *,
        permanent: bool,
        kind: str,
        status: int | None = None,
        retry_after: float | None = None,
        secrets: tuple[str, ...] = (),
    ) -> None:
        self.message = redact(message, secrets)
        self.permanent = permanent
        self.kind = kind
        self.status = status
        self.retry_after = retry_after
        super().__init__(self.message)

    def __repr__(self) -> str:
        return f"ProviderError({self.message!r}, kind={self.kind!r}, permanent={self.permanent}, status={self.status})"

    def __reduce__(self):  # picklable for Celery results despite keyword-only arguments
        return _rebuild_error, (self.message, self.permanent, self.kind, self.status, self.retry_after)


def _rebuild_error(message: str, permanent: bool, kind: str, status: int | None, retry_after: float | None):
    return ProviderError(message, permanent=permanent, kind=kind, status=status, retry_after=retry_after)


@dataclass(frozen=True)
class Credentials:
    """What a call needs: which provider, the key, where it lives, the defaults the creator chose.

    `base_url` "" means the provider's own (settings.OPENAI_BASE_URL / ELEVENLABS_BASE_URL).
    """

    provider: str
    api_key: str = field(repr=False)
    base_url: str
    model: str = ""
    voice: str = ""

    def secrets(self) -> tuple[str, ...]:
        return (self.api_key,) if self.api_key else ()

    def resolved_base_url(self) -> str:
        if self.base_url:
            return self.base_url.rstrip("/")
        if self.provider == OPENAI:
            return settings.OPENAI_BASE_URL.rstrip("/")
        if self.provider == ELEVENLABS:
            return settings.ELEVENLABS_BASE_URL.rstrip("/")
        raise ProviderError(
            "An OpenAI-compatible server needs its address, e.g. http://127.0.0.1:11434/v1 for Ollama.",
            permanent=True,
            kind=ErrorKind.NOT_CONFIGURED,
        )

    @property
    def host(self) -> str:
        return host_of(self.resolved_base_url())


@dataclass(frozen=True)
class ChatResult:
    text: str
    finish_reason: str  # "stop", "length" (cut off at max_tokens), "content_filter", ...
    prompt_tokens: int
    completion_tokens: int
    model: str  # the model that answered, as the server names it
    seconds: float  # wall-clock time of the call, retries included
    data: dict[str, Any] | None = None  # the parsed JSON object when a schema was asked for


@dataclass(frozen=True)
class SpeechResult:
    audio: bytes
    extension: str  # "mp3" | "wav"
    characters: int  # billed characters
    seconds: float  # wall-clock time of the call, retries included
    model: str
    # (characters, start seconds, end seconds) as the provider timed them; None when it does not
    char_timings: tuple[list[str], list[float], list[float]] | None = None
    audio_seconds: float | None = None  # length of the audio, when the adapter could tell


@dataclass(frozen=True)
class VoiceInfo:
    voice_id: str
    name: str
    language: str = ""
    gender: str = ""
    tags: list[str] = field(default_factory=list)
    description: str = ""
    preview_url: str = ""


class ProviderAdapter:
    """One outside service. Subclasses implement what the service offers; the rest says so."""

    name: ClassVar[str] = ""  # shown to creators: "OpenAI", "ElevenLabs"
    providers: ClassVar[tuple[str, ...]] = ()  # the Credentials.provider values this adapter serves

    def test(self, creds: Credentials) -> str:
        """One cheap authenticated call; a short sentence saying what the key can see."""
        raise NotImplementedError

    def list_models(self, creds: Credentials) -> list[str]:
        raise self.unsupported("list models")

    def list_voices(self, creds: Credentials) -> list[VoiceInfo]:
        raise self.unsupported("list voices")

    def chat(
        self,
        creds: Credentials,
        messages: list[dict[str, str]],
        *,
        json_schema: dict | None = None,
        max_tokens: int = 1200,
        temperature: float = 0.7,
        seed: int | None = None,
    ) -> ChatResult:
        raise self.unsupported("write scripts")

    def speech(self, creds: Credentials, text: str, *, voice: str, speed: float = 1.0, **options: Any) -> SpeechResult:
        raise self.unsupported("voice text")

    def unsupported(self, what: str) -> ProviderError:
        return ProviderError(f"{self.name} cannot {what}.", permanent=True, kind=ErrorKind.NOT_CONFIGURED)


# --- helpers for adapters -----------------------------------------------------------------------
def host_of(url: str) -> str:
    """`api.openai.com` or `127.0.0.1:11434`: the part of a URL a creator recognises, no path or query."""
    return urlsplit(url).netloc or url


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.netloc else url


def timeouts() -> tuple[float, float]:
    """(connect, read) seconds for every provider call."""
    return float(settings.STUDIO_PROVIDER_CONNECT_TIMEOUT), float(settings.STUDIO_PROVIDER_READ_TIMEOUT)


def unreachable(url: str) -> ProviderError:
    return ProviderError(
        f"could not reach {origin_of(url)}: is the server running and the address right?",
        permanent=False,
        kind=ErrorKind.UNREACHABLE,
    )


def timed_out(host: str, read_timeout: float) -> ProviderError:
    return ProviderError(f"no answer from {host} within {read_timeout:g} s", permanent=False, kind=ErrorKind.TRANSIENT)


def sleep(seconds: float) -> None:
    """The retry helper's pause; tests replace it (monkeypatch `base.sleep`) so nothing waits."""
    time.sleep(seconds)


def backoff(attempt: int) -> float:
    """1 s, 2 s, 4 s … (±20 %), never beyond STUDIO_PROVIDER_MAX_RETRY_WAIT."""
    return min(float(settings.STUDIO_PROVIDER_MAX_RETRY_WAIT), 2.0**attempt * random.uniform(0.8, 1.2))


def with_retries(call: Callable[[], T], *, what: str) -> T:
    """`call()`, tried again on RATE_LIMITED / TRANSIENT up to STUDIO_PROVIDER_RETRIES times.

    A Retry-After is slept as given; one longer than STUDIO_PROVIDER_MAX_RETRY_WAIT is not
    waited out here: the error goes back to the caller (with `retry_after`) to reschedule.
    Without one the pause grows exponentially. Other kinds are raised at once.
    """
    retries = max(0, int(settings.STUDIO_PROVIDER_RETRIES))
    max_wait = float(settings.STUDIO_PROVIDER_MAX_RETRY_WAIT)
    for attempt in range(retries + 1):
        try:
            return call()
        except ProviderError as error:
            if error.kind not in ErrorKind.RETRYABLE or attempt >= retries:
                raise
            if error.retry_after is not None and error.retry_after > max_wait:
                raise
            delay = error.retry_after if error.retry_after is not None else backoff(attempt)
            logger.warning("%s: %s; retrying in %.1f s (%d of %d)", what, error.message, delay, attempt + 1, retries)
            sleep(delay)
    raise AssertionError("unreachable")  # pragma: no cover - the loop returns or raises


def reason_from_status(status: int) -> tuple[str, bool, str]:
    """(kind, permanent, plain words) for an HTTP status without a more specific provider code."""
    if status in (401, 403):
        return ErrorKind.AUTH, True, "invalid key" if status == 401 else "this key is not allowed to do that"
    if status == 429:
        return ErrorKind.RATE_LIMITED, False, "too many requests"
    if status == 408 or status >= 500:
        return ErrorKind.TRANSIENT, False, "the service had a problem"
    return ErrorKind.REFUSED, True, "request refused"


def status_error(
    status: int,
    host: str,
    detail: str,
    *,
    kind: str | None = None,
    permanent: bool | None = None,
    words: str = "",
    retry_after: float | None = None,
    secrets: tuple[str, ...] = (),
) -> ProviderError:
    """`401 from api.openai.com: invalid key (Incorrect API key provided)` and the like.

    `detail` is the provider's own message; `words` replaces the plain words of the status."""
    default_kind, default_permanent, default_words = reason_from_status(status)
    words = words or default_words
    detail = " ".join(detail.split())[:300]
    message = f"{status} from {host}: {words}"
    if detail and detail.lower() != words:
        message += f" ({detail})"
    if retry_after is not None and status == 429:
        message += f"; try again in {retry_after:g} s"
    return ProviderError(
        message,
        permanent=default_permanent if permanent is None else permanent,
        kind=default_kind if kind is None else kind,
        status=status,
        retry_after=retry_after,
        secrets=secrets,
    )


def parse_retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


def wav_seconds(audio: bytes) -> float | None:
    """Length of a PCM WAV from its header; tolerates the 0xFFFFFFFF sizes of streamed WAVs."""
    if len(audio) < 12 or audio[:4] != b"RIFF" or audio[8:12] != b"WAVE":
        return None
    position, byte_rate = 12, 0
    while position + 8 <= len(audio):
        chunk_id, size = audio[position : position + 4], struct.unpack("<I", audio[position + 4 : position + 8])[0]
        body = position + 8
        if chunk_id == b"fmt " and size >= 16:
            byte_rate = struct.unpack("<I", audio[body + 8 : body + 12])[0]
        elif chunk_id == b"data":
            length = min(size, len(audio) - body)
            return round(length / byte_rate, 3) if byte_rate else None
        position = body + size + (size & 1)
    return None
