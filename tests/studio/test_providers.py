"""The studio's provider adapters against loopback emulators that speak the providers' APIs."""

import json
import logging
import socket
from decimal import Decimal

import pytest
import requests

from common.http_client import redact
from library.probe import probe
from production.studio import providers
from production.studio.providers import elevenlabs as elevenlabs_provider
from production.studio.providers import openai as openai_provider
from production.studio.providers.base import Credentials, ErrorKind, ProviderError
from production.studio.providers.pricing import estimate_cost
from tests.studio.emulators import ChatReply

SENTENCE = "Five facts about the ocean will surprise you."
RACHEL = "21m00Tcm4TlvDq8ikWAM"
SCRIPT_SCHEMA = {
    "title": "script",
    "type": "object",
    "additionalProperties": False,
    "required": ["title", "hook", "scenes"],
    "properties": {
        "title": {"type": "string"},
        "hook": {"type": "string"},
        "scenes": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["text", "keywords"],
                "properties": {"text": {"type": "string"}, "keywords": {"type": "array", "items": {"type": "string"}}},
            },
        },
    },
}
ASK = [
    {"role": "system", "content": "You write short video scripts."},
    {"role": "user", "content": "A script about the ocean."},
]


@pytest.fixture
def openai_creds(openai_emulator):
    return openai_emulator.credentials("openai", model="gpt-4o-mini")


@pytest.fixture
def eleven_creds(elevenlabs_emulator):
    return elevenlabs_emulator.credentials("elevenlabs", voice=RACHEL)


@pytest.fixture
def closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def quick_timeout(settings):
    settings.STUDIO_PROVIDER_READ_TIMEOUT = 0.5
    settings.STUDIO_PROVIDER_RETRIES = 0


def raised(call, *args, **kwargs) -> ProviderError:
    with pytest.raises(ProviderError) as info:
        call(*args, **kwargs)
    return info.value


def header(record, name: str) -> str:
    return {key.lower(): value for key, value in record.headers.items()}.get(name.lower(), "")


def assert_secret_free(error: ProviderError, key: str) -> None:
    for text in (str(error), repr(error), error.message):
        assert key not in text
        assert key[-12:] not in text


# --- OpenAI: success ----------------------------------------------------------------------------
def test_openai_key_test_lists_the_models(openai_creds, openai_emulator):
    summary = providers.test_key(openai_creds)

    assert summary.startswith("6 models: gpt-4.1-mini, gpt-4o, gpt-4o-mini")
    assert header(openai_emulator.routes_hit("models")[0], "Authorization") == f"Bearer {openai_emulator.api_key}"
    assert providers.list_models(openai_creds) == sorted(openai_emulator.models)


def test_openai_key_test_says_when_the_chosen_model_is_missing(openai_emulator):
    creds = openai_emulator.credentials("openai", model="gpt-9")

    assert "the chosen model gpt-9 is not among them" in providers.test_key(creds)


def test_chat_with_schema_asks_for_strict_json_and_returns_the_object(openai_creds, openai_emulator):
    script = {"title": "The deep", "hook": "Did you know?", "scenes": [{"text": "Oceans cover 71%.", "keywords": []}]}
    openai_emulator.chat_replies.append(script)

    result = providers.chat(openai_creds, ASK, json_schema=SCRIPT_SCHEMA, max_tokens=800, seed=7)

    assert result.data == script
    assert json.loads(result.text) == script
    assert result.finish_reason == "stop"
    assert result.model == "gpt-4o-mini"
    assert result.prompt_tokens > 0 and result.completion_tokens > 0
    sent = openai_emulator.bodies[-1][1]
    assert sent["response_format"] == {
        "type": "json_schema",
        "json_schema": {"name": "script", "schema": SCRIPT_SCHEMA, "strict": True},
    }
    assert sent["max_completion_tokens"] == 800 and "max_tokens" not in sent
    assert sent["seed"] == 7
    assert sent["messages"] == ASK


def test_chat_without_a_scripted_reply_answers_a_sample_of_the_schema(openai_creds):
    result = providers.chat(openai_creds, ASK, json_schema=SCRIPT_SCHEMA)

    assert set(result.data) == {"title", "hook", "scenes"}
    assert isinstance(result.data["scenes"], list)


def test_chat_falls_back_to_json_object_when_the_server_refuses_json_schema(openai_emulator):
    openai_emulator.supports_json_schema = False
    openai_emulator.require_auth = False  # a local server takes any key
    openai_emulator.chat_replies.append({"title": "Local", "hook": "Hi", "scenes": []})
    creds = openai_emulator.credentials("openai_compatible", api_key="", model="gpt-4o-mini")

    result = providers.chat(creds, ASK, json_schema=SCRIPT_SCHEMA)

    assert result.data == {"title": "Local", "hook": "Hi", "scenes": []}
    first, second = (body for route, body in openai_emulator.bodies if route == "chat")
    assert first["response_format"]["type"] == "json_schema"
    assert second["response_format"] == {"type": "json_object"}
    assert "JSON Schema" in second["messages"][0]["content"] and '"scenes"' in second["messages"][0]["content"]
    assert second["max_tokens"] == 1200 and "max_completion_tokens" not in second
    assert [record.status for record in openai_emulator.routes_hit("chat")] == [400, 200]


def test_chat_asks_without_a_format_when_the_server_knows_neither(openai_emulator):
    openai_emulator.supports_json_schema = openai_emulator.supports_json_object = False
    openai_emulator.chat_replies.append('```json\n{"title": "Fenced", "hook": "", "scenes": []}\n```')
    creds = openai_emulator.credentials("openai_compatible", model="gpt-4o-mini")

    result = providers.chat(creds, ASK, json_schema=SCRIPT_SCHEMA)

    assert result.data["title"] == "Fenced"
    assert "response_format" not in openai_emulator.bodies[-1][1]


def test_a_schema_openai_refuses_is_reported_not_silently_downgraded(openai_creds, openai_emulator):
    loose = {"type": "object", "properties": {"title": {"type": "string"}}}

    error = raised(providers.chat, openai_creds, ASK, json_schema=loose)

    assert error.kind == ErrorKind.REFUSED and error.permanent and error.status == 400
    assert "additionalProperties" in error.message
    assert len(openai_emulator.routes_hit("chat")) == 1


def test_chat_without_schema_returns_text_and_a_cut_off_finish(openai_creds, openai_emulator):
    openai_emulator.chat_replies.append(ChatReply("Once upon a", finish_reason="length"))

    result = providers.chat(openai_creds, ASK)

    assert result.text == "Once upon a" and result.finish_reason == "length" and result.data is None


def test_a_model_answer_that_is_not_json_is_an_invalid_response_worth_retrying(openai_creds, openai_emulator):
    openai_emulator.chat_replies.append("Sure! Here is your script: Title - The ocean")

    error = raised(providers.chat, openai_creds, ASK, json_schema=SCRIPT_SCHEMA)

    assert error.kind == ErrorKind.INVALID_RESPONSE and not error.permanent
    assert "did not answer with a JSON object" in error.message


def test_a_json_answer_cut_off_at_max_tokens_says_so(openai_creds, openai_emulator):
    openai_emulator.chat_replies.append({"title": "A very long title " * 20, "hook": "", "scenes": []})

    error = raised(providers.chat, openai_creds, ASK, json_schema=SCRIPT_SCHEMA, max_tokens=10)

    assert error.kind == ErrorKind.INVALID_RESPONSE and error.permanent
    assert "cut off at 10 tokens" in error.message


def test_a_model_refusal_is_refused(openai_creds, openai_emulator):
    openai_emulator.chat_replies.append(ChatReply("", refusal="I can't help with that."))

    error = raised(providers.chat, openai_creds, ASK, json_schema=SCRIPT_SCHEMA)

    assert error.kind == ErrorKind.REFUSED and "declined: I can't help with that." in error.message


def test_local_server_gets_a_placeholder_key_and_needs_a_model(openai_emulator):
    openai_emulator.require_auth = False
    creds = openai_emulator.credentials("openai_compatible", api_key="", model="gpt-4o-mini")

    providers.chat(creds, ASK)

    assert header(openai_emulator.routes_hit("chat")[-1], "Authorization") == "Bearer not-needed"
    no_model = raised(providers.chat, openai_emulator.credentials("openai_compatible", api_key=""), ASK)
    assert no_model.kind == ErrorKind.NOT_CONFIGURED and "Choose a model" in no_model.message


def test_missing_settings_are_not_configured_and_call_nothing(openai_emulator):
    no_key = raised(providers.test_key, openai_emulator.credentials("openai", api_key=""))
    no_address = raised(providers.test_key, Credentials("openai_compatible", "", ""))
    unknown = raised(providers.adapter_for, "cohere")

    assert no_key.kind == no_address.kind == unknown.kind == ErrorKind.NOT_CONFIGURED
    assert "Add your OpenAI API key" in no_key.message and "/v1" in no_address.message
    assert openai_emulator.requests == []


def test_speech_returns_a_wav_that_decodes(openai_creds, openai_emulator, tmp_path):
    result = providers.speech(openai_creds, SENTENCE, voice="coral", speed=1.0)

    assert result.extension == "wav" and result.audio[:4] == b"RIFF"
    assert result.characters == len(SENTENCE) and result.model == "gpt-4o-mini-tts"
    assert result.char_timings is None
    path = tmp_path / "voice.wav"
    path.write_bytes(result.audio)
    probed = probe(path)
    assert probed.has_audio and probed.duration_seconds == pytest.approx(result.audio_seconds, abs=0.05)
    assert 1.0 < result.audio_seconds < 6.0
    assert openai_emulator.usage[-1].characters == len(SENTENCE)
    assert openai_emulator.bodies[-1][1] == {
        "model": "gpt-4o-mini-tts",
        "input": SENTENCE,
        "voice": "coral",
        "speed": 1.0,
        "response_format": "wav",
    }


def test_speech_as_mp3_decodes(openai_creds, tmp_path):
    result = openai_provider.speech(openai_creds, SENTENCE, voice="onyx", speed=1.25, response_format="mp3")

    path = tmp_path / "voice.mp3"
    path.write_bytes(result.audio)
    assert result.extension == "mp3" and probe(path).has_audio


def test_openai_voices_are_the_documented_ones(openai_creds):
    names = [voice.voice_id for voice in openai_provider.voices()]

    assert names[:4] == ["alloy", "ash", "ballad", "coral"] and {"nova", "onyx", "shimmer", "verse"} <= set(names)
    assert providers.list_voices(openai_creds) == openai_provider.voices()


# --- OpenAI: faults -----------------------------------------------------------------------------
def test_wrong_key_names_the_host_and_never_the_key(openai_emulator, caplog):
    caplog.set_level(logging.DEBUG)
    openai_emulator.echo_key = True
    wrong = "sk-proj-" + "x" * 40
    openai_emulator.access_tokens.add("unused")
    creds = openai_emulator.credentials("openai", api_key=wrong)

    error = raised(providers.test_key, creds)

    assert error.kind == ErrorKind.AUTH and error.permanent and error.status == 401
    assert error.message.startswith(f"401 from 127.0.0.1:{openai_emulator.port}: invalid key")
    assert_secret_free(error, wrong)
    assert wrong not in caplog.text
    assert len(openai_emulator.routes_hit("models")) == 1  # an auth failure is not retried


def test_a_masked_key_in_the_providers_message_is_redacted_too(openai_emulator):
    wrong = "sk-test-" + "a1b2c3d4" * 5
    error = raised(providers.test_key, openai_emulator.credentials("openai", api_key=wrong))

    assert "[redacted]" in error.message and wrong[-4:] + "." not in error.message


def test_an_unreachable_server_says_where_it_looked(closed_port, provider_sleeps):
    creds = Credentials("openai_compatible", "", f"http://127.0.0.1:{closed_port}/v1?token=abc", model="llama3")

    error = raised(providers.chat, creds, ASK)

    assert error.kind == ErrorKind.UNREACHABLE and not error.permanent
    assert error.message.startswith(f"could not reach http://127.0.0.1:{closed_port}")
    assert "token=abc" not in error.message and "/v1" not in error.message
    assert provider_sleeps == []


def test_rate_limit_is_retried_after_retry_after(openai_creds, openai_emulator, provider_sleeps):
    openai_emulator.rate_limit("chat", retry_after=2)

    result = providers.chat(openai_creds, ASK)

    assert result.text and provider_sleeps == [2.0]
    assert [record.status for record in openai_emulator.routes_hit("chat")] == [429, 200]


def test_rate_limit_gives_up_after_the_configured_retries(openai_creds, openai_emulator, provider_sleeps, settings):
    settings.STUDIO_PROVIDER_RETRIES = 2
    openai_emulator.rate_limit("chat", retry_after=3, times=5)

    error = raised(providers.chat, openai_creds, ASK)

    assert error.kind == ErrorKind.RATE_LIMITED and not error.permanent and error.retry_after == 3.0
    assert "try again in 3 s" in error.message
    assert provider_sleeps == [3.0, 3.0] and len(openai_emulator.routes_hit("chat")) == 3


def test_a_retry_after_longer_than_the_cap_goes_back_to_the_caller(openai_creds, openai_emulator, provider_sleeps):
    openai_emulator.rate_limit("chat", retry_after=3600)

    error = raised(providers.chat, openai_creds, ASK)

    assert error.kind == ErrorKind.RATE_LIMITED and error.retry_after == 3600.0 and provider_sleeps == []


def test_insufficient_quota_is_permanent(openai_creds, openai_emulator, provider_sleeps):
    openai_emulator.insufficient_quota("chat")

    error = raised(providers.chat, openai_creds, ASK)

    assert error.kind == ErrorKind.QUOTA and error.permanent and error.status == 429
    assert "no credit left" in error.message and provider_sleeps == []


def test_server_errors_are_retried_with_backoff(openai_creds, openai_emulator, provider_sleeps):
    openai_emulator.fail("chat", 500)

    assert providers.chat(openai_creds, ASK).text
    assert len(provider_sleeps) == 1 and 0.5 <= provider_sleeps[0] <= 1.5


def test_server_errors_that_persist_are_transient(openai_creds, openai_emulator, provider_sleeps):
    openai_emulator.fail("speech", 503, times=3)

    error = raised(providers.speech, openai_creds, SENTENCE, voice="coral")

    assert error.kind == ErrorKind.TRANSIENT and not error.permanent and error.status == 503
    assert error.message.startswith(f"503 from 127.0.0.1:{openai_emulator.port}")
    assert len(provider_sleeps) == 2


def test_a_dropped_connection_is_retried(openai_creds, openai_emulator, provider_sleeps):
    openai_emulator.drop("models")

    assert providers.list_models(openai_creds)
    assert len(provider_sleeps) == 1


def test_no_answer_within_the_read_timeout(openai_creds, openai_emulator, quick_timeout):
    openai_emulator.hang("chat")

    error = raised(providers.chat, openai_creds, ASK)

    assert error.kind == ErrorKind.TRANSIENT and not error.permanent
    assert error.message == f"no answer from 127.0.0.1:{openai_emulator.port} within 0.5 s"


def test_a_body_that_is_not_json_is_an_invalid_response(openai_creds, openai_emulator):
    openai_emulator.invalid_json("models")

    error = raised(providers.test_key, openai_creds)

    assert error.kind == ErrorKind.INVALID_RESPONSE and error.permanent
    assert "is not JSON" in error.message


def test_unknown_model_is_refused_by_name(openai_emulator):
    error = raised(providers.chat, openai_emulator.credentials("openai", model="gpt-9"), ASK)

    assert error.kind == ErrorKind.REFUSED and error.permanent and error.status == 404
    assert "The model `gpt-9` does not exist" in error.message


@pytest.mark.parametrize(
    ("text", "voice", "speed", "words"),
    [
        (SENTENCE, "robot", 1.0, "Invalid value: 'robot'"),
        ("x" * 4097, "coral", 1.0, "maximum length 4096"),
        (SENTENCE, "coral", 5.0, "Invalid 'speed'"),
    ],
)
def test_speech_refusals(openai_creds, text, voice, speed, words):
    error = raised(providers.speech, openai_creds, text, voice=voice, speed=speed)

    assert error.kind == ErrorKind.REFUSED and error.permanent and error.status == 400 and words in error.message


# --- ElevenLabs ---------------------------------------------------------------------------------
def test_elevenlabs_key_test_reports_the_plan(eleven_creds, elevenlabs_emulator):
    elevenlabs_emulator.character_count = 1_500

    assert providers.test_key(eleven_creds) == "creator plan: 98,500 of 100,000 characters left this month"
    assert header(elevenlabs_emulator.routes_hit("user")[0], "xi-api-key") == elevenlabs_emulator.api_key


def test_elevenlabs_voices_carry_their_labels_as_tags(eleven_creds):
    voices = providers.list_voices(eleven_creds)

    rachel = next(voice for voice in voices if voice.voice_id == RACHEL)
    assert (rachel.name, rachel.gender, rachel.language) == ("Rachel", "female", "en")
    assert rachel.tags[:3] == ["female", "american", "young"]
    assert rachel.preview_url.endswith("preview.mp3")
    assert len(voices) == 3


def test_elevenlabs_models(eleven_creds):
    assert "eleven_multilingual_v2" in providers.list_models(eleven_creds)


def test_elevenlabs_speech_is_mp3_with_character_timings(eleven_creds, elevenlabs_emulator, tmp_path):
    result = providers.speech(eleven_creds, SENTENCE, voice=RACHEL, speed=1.1)

    path = tmp_path / "voice.mp3"
    path.write_bytes(result.audio)
    probed = probe(path)
    assert result.extension == "mp3" and probed.has_audio
    characters, starts, ends = result.char_timings
    assert "".join(characters) == SENTENCE
    assert len(starts) == len(ends) == len(SENTENCE)
    assert all(start < end for start, end in zip(starts, ends, strict=True))
    assert starts == sorted(starts)
    assert 0 < ends[-1] <= probed.duration_seconds + 0.05
    assert result.audio_seconds == pytest.approx(ends[-1], abs=0.001)
    assert result.model == "eleven_multilingual_v2" and result.characters == len(SENTENCE)
    assert elevenlabs_emulator.bodies[-1][1] == {
        "text": SENTENCE,
        "model_id": "eleven_multilingual_v2",
        "voice_settings": {"speed": 1.1},
    }
    assert elevenlabs_emulator.routes_hit("tts")[0].path.endswith("/with-timestamps?output_format=mp3_44100_128")
    assert elevenlabs_emulator.character_count == len(SENTENCE)


def test_elevenlabs_wrong_key(elevenlabs_emulator, caplog):
    caplog.set_level(logging.DEBUG)
    elevenlabs_emulator.echo_key = True
    wrong = "sk_" + "f" * 48
    creds = elevenlabs_emulator.credentials("elevenlabs", api_key=wrong)

    error = raised(providers.speech, creds, SENTENCE, voice=RACHEL)

    assert error.kind == ErrorKind.AUTH and error.permanent and error.status == 401
    assert error.message.startswith(f"401 from 127.0.0.1:{elevenlabs_emulator.port}: invalid key")
    assert_secret_free(error, wrong)
    assert wrong not in caplog.text


def test_elevenlabs_key_echoed_by_the_user_endpoint_stays_out_of_logs(eleven_creds, elevenlabs_emulator, caplog):
    caplog.set_level(logging.DEBUG)
    elevenlabs_emulator.echo_key = True

    assert "characters left" in providers.test_key(eleven_creds)
    assert elevenlabs_emulator.api_key not in caplog.text


def test_elevenlabs_quota_exceeded_is_permanent(eleven_creds, elevenlabs_emulator, provider_sleeps):
    elevenlabs_emulator.exhaust_quota()

    error = raised(providers.speech, eleven_creds, SENTENCE, voice=RACHEL)

    assert error.kind == ErrorKind.QUOTA and error.permanent and "no characters left" in error.message
    assert provider_sleeps == []


def test_elevenlabs_unknown_voice_is_refused(eleven_creds):
    error = raised(providers.speech, eleven_creds, SENTENCE, voice="nobody")

    assert error.kind == ErrorKind.REFUSED and error.permanent and error.status == 400
    assert "voice not found" in error.message and "nobody" in error.message


def test_elevenlabs_text_over_the_model_limit_is_refused(eleven_creds):
    error = raised(providers.speech, eleven_creds, "word " * 2001, voice=RACHEL)

    assert error.kind == ErrorKind.REFUSED and "exceeds the character limit of 10000" in error.message


def test_elevenlabs_speed_outside_its_range_is_refused_before_calling(eleven_creds, elevenlabs_emulator):
    error = raised(providers.speech, eleven_creds, SENTENCE, voice=RACHEL, speed=1.5)

    assert error.kind == ErrorKind.REFUSED and "0.7–1.2" in error.message
    assert elevenlabs_emulator.requests == []


def test_elevenlabs_rate_limit_then_success(eleven_creds, elevenlabs_emulator, provider_sleeps):
    elevenlabs_emulator.rate_limit("tts", retry_after=1.5)

    assert providers.speech(eleven_creds, SENTENCE, voice=RACHEL).audio
    assert provider_sleeps == [1.5]


def test_elevenlabs_server_errors_exhaust_to_transient(eleven_creds, elevenlabs_emulator, provider_sleeps):
    elevenlabs_emulator.fail("voices", 500, times=3)

    error = raised(providers.list_voices, eleven_creds)

    assert error.kind == ErrorKind.TRANSIENT and error.status == 500 and len(provider_sleeps) == 2


def test_elevenlabs_timeout(eleven_creds, elevenlabs_emulator, quick_timeout):
    elevenlabs_emulator.hang("tts")

    error = raised(providers.speech, eleven_creds, SENTENCE, voice=RACHEL)

    assert error.kind == ErrorKind.TRANSIENT
    assert error.message == f"no answer from 127.0.0.1:{elevenlabs_emulator.port} within 0.5 s"


def test_elevenlabs_invalid_json(eleven_creds, elevenlabs_emulator):
    elevenlabs_emulator.invalid_json("tts")

    error = raised(providers.speech, eleven_creds, SENTENCE, voice=RACHEL)

    assert error.kind == ErrorKind.INVALID_RESPONSE and error.permanent


def test_elevenlabs_unreachable(closed_port):
    creds = Credentials("elevenlabs", "sk_" + "1" * 48, f"http://127.0.0.1:{closed_port}")

    error = raised(providers.test_key, creds)

    assert error.kind == ErrorKind.UNREACHABLE and error.message.startswith(
        f"could not reach http://127.0.0.1:{closed_port}"
    )


def test_elevenlabs_cannot_write_scripts(eleven_creds):
    error = raised(providers.chat, eleven_creds, ASK)

    assert error.kind == ErrorKind.NOT_CONFIGURED and error.message == "ElevenLabs cannot write scripts."


def test_elevenlabs_module_functions(eleven_creds):
    assert elevenlabs_provider.test(eleven_creds).startswith("creator plan")
    assert elevenlabs_provider.list_voices(eleven_creds)


# --- errors, redaction, pricing -----------------------------------------------------------------
def test_provider_error_survives_pickling():
    import pickle

    error = ProviderError("429 from api.openai.com", permanent=False, kind=ErrorKind.RATE_LIMITED, retry_after=2.0)

    copy = pickle.loads(pickle.dumps(error))  # noqa: S301 - our own object
    assert (copy.message, copy.kind, copy.permanent, copy.retry_after) == (error.message, "rate_limited", False, 2.0)


def test_credentials_repr_hides_the_key():
    creds = Credentials("openai", "sk-live-" + "z" * 30, "")

    assert "zzzz" not in repr(creds)


def test_redact_knows_provider_key_shapes():
    text = 'xi-api-key: abc123 and "api_key": "k-1" and sk-proj-AbCdEf0123456789 and sk_0123456789abcdef0123'

    cleaned = redact(text)

    assert "abc123" not in cleaned and "k-1" not in cleaned
    assert "AbCdEf" not in cleaned and "0123456789abcdef" not in cleaned


def test_estimated_costs():
    assert estimate_cost("openai", "chat", "gpt-4o-mini", prompt_tokens=1_000_000) == Decimal("0.150000")
    assert estimate_cost("openai", "chat", "gpt-4o-mini-2024-07-18", completion_tokens=1000) == Decimal("0.000600")
    assert estimate_cost("openai", "speech", "tts-1", characters=1000) == Decimal("0.015000")
    assert estimate_cost("elevenlabs", "speech", "eleven_multilingual_v2", characters=1000) == Decimal("0.220000")
    assert estimate_cost("elevenlabs", "speech", "eleven_flash_v2_5", characters=1000) == Decimal("0.110000")
    assert estimate_cost("openai_compatible", "chat", "llama3.1:8b", prompt_tokens=10**6) == Decimal("0")
    assert estimate_cost("openai_compatible", "chat", "openai/gpt-4o-mini", prompt_tokens=10**6) == Decimal("0.15")
    assert estimate_cost("openai", "chat", "gpt-next", prompt_tokens=10**6) == Decimal("2.50")  # priced high
    assert estimate_cost("openai", "test", "gpt-4o") == Decimal("0")


# --- the emulators refuse what the providers refuse ---------------------------------------------
def openai_post(emulator, path, body, key="valid"):
    headers = {"Authorization": f"Bearer {emulator.api_key if key == 'valid' else key}"} if key else {}
    return requests.post(emulator.base_url + path, json=body, headers=headers, timeout=30)


def test_openai_emulator_refuses_missing_or_wrong_keys(openai_emulator):
    missing = requests.get(openai_emulator.base_url + "/models", timeout=5)
    wrong = openai_post(openai_emulator, "/chat/completions", {"model": "gpt-4o-mini"}, key="sk-nope-12345678")

    assert missing.status_code == 401 and "didn't provide an API key" in missing.json()["error"]["message"]
    assert wrong.status_code == 401
    assert set(wrong.json()["error"]) == {"message", "type", "param", "code"}
    assert wrong.json()["error"]["code"] == "invalid_api_key"


@pytest.mark.parametrize(
    ("body", "status", "words"),
    [
        ({"messages": ASK}, 400, "you must provide a model parameter"),
        ({"model": "gpt-4o-mini"}, 400, "Missing required parameter: 'messages'"),
        ({"model": "gpt-4o-mini", "messages": []}, 400, "empty array"),
        ({"model": "gpt-4o-mini", "messages": [{"role": "robot", "content": "hi"}]}, 400, "Invalid value: 'robot'"),
        ({"model": "nope", "messages": ASK}, 404, "does not exist"),
        ({"model": "gpt-4o-mini", "messages": ASK, "temperature": 3}, 400, "Invalid 'temperature'"),
        ({"model": "gpt-4o-mini", "messages": ASK, "response_format": {"type": "json_object"}}, 400, "word 'json'"),
        (
            {
                "model": "gpt-4o-mini",
                "messages": ASK,
                "response_format": {"type": "json_schema", "json_schema": {"name": "bad name!", "schema": {}}},
            },
            400,
            "does not match pattern",
        ),
    ],
)
def test_openai_emulator_refuses_bad_chat_requests(openai_emulator, body, status, words):
    answer = openai_post(openai_emulator, "/chat/completions", body)

    assert answer.status_code == status and words in answer.json()["error"]["message"]


@pytest.mark.parametrize(
    ("body", "param"),
    [
        ({"model": "tts-1", "input": SENTENCE, "voice": "robot"}, "voice"),
        ({"model": "tts-1", "input": "x" * 4097, "voice": "alloy"}, "input"),
        ({"model": "tts-1", "input": SENTENCE, "voice": "alloy", "speed": 0.2}, "speed"),
        ({"model": "tts-1", "input": SENTENCE, "voice": "alloy", "speed": 4.5}, "speed"),
        ({"model": "tts-1", "voice": "alloy"}, "input"),
        ({"model": "gpt-4o-mini", "input": SENTENCE, "voice": "alloy"}, "model"),
    ],
)
def test_openai_emulator_refuses_bad_speech_requests(openai_emulator, body, param):
    answer = openai_post(openai_emulator, "/audio/speech", body)

    assert answer.status_code == 400 and answer.json()["error"]["param"] == param


def test_openai_emulator_speech_defaults_to_mp3(openai_emulator):
    answer = openai_post(openai_emulator, "/audio/speech", {"model": "tts-1", "input": SENTENCE, "voice": "alloy"})

    assert answer.status_code == 200 and answer.headers["Content-Type"] == "audio/mpeg"
    assert answer.content[:3] == b"ID3" or answer.content[0] == 0xFF


def eleven_post(emulator, voice, body, key="valid", query=""):
    headers = {"xi-api-key": emulator.api_key if key == "valid" else key} if key else {}
    url = f"{emulator.base_url}/v1/text-to-speech/{voice}/with-timestamps{query}"
    return requests.post(url, json=body, headers=headers, timeout=30)


def test_elevenlabs_emulator_refuses_missing_key(elevenlabs_emulator):
    answer = eleven_post(elevenlabs_emulator, RACHEL, {"text": SENTENCE}, key="")

    assert answer.status_code == 401 and answer.json()["detail"]["status"] == "invalid_api_key"


@pytest.mark.parametrize(
    ("voice", "body", "query", "status", "where"),
    [
        ("nobody", {"text": SENTENCE}, "", 400, "voice_not_found"),
        (RACHEL, {}, "", 422, ["body", "text"]),
        (RACHEL, {"text": SENTENCE, "voice_settings": {"speed": 1.5}}, "", 422, ["body", "voice_settings", "speed"]),
        (RACHEL, {"text": SENTENCE, "model_id": "eleven_v9"}, "", 400, "model_not_found"),
        (RACHEL, {"text": SENTENCE}, "?output_format=wav_44100", 422, ["query", "output_format"]),
        (RACHEL, {"text": "x" * 10_001}, "", 400, "max_character_limit_exceeded"),
    ],
)
def test_elevenlabs_emulator_refuses_bad_requests(elevenlabs_emulator, voice, body, query, status, where):
    answer = eleven_post(elevenlabs_emulator, voice, body, query=query)

    assert answer.status_code == status
    detail = answer.json()["detail"]
    assert (detail[0]["loc"] if isinstance(detail, list) else detail["status"]) == where
