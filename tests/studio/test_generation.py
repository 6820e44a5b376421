"""Generation jobs: topic → script → voice → visuals → spec → queue → render → done, offline and for real."""

from __future__ import annotations

import pytest

from production.models import QueueItem, QueueStatus
from production.services.render import process_next
from production.studio.models import (
    GenerationJob,
    GenerationStatus,
    GenerationStep,
    Provider,
    Script,
    VoiceOver,
)
from production.studio.services import keys, scripts
from production.studio.services.generation import generation_job_run


@pytest.fixture
def start(api, eager, django_capture_on_commit_callbacks):
    def post(url="/api/v1/generation-jobs/", **payload):
        with django_capture_on_commit_callbacks(execute=True):
            return api.post(url, payload, format="json")

    return post


@pytest.fixture
def begin(api):
    """Start a job and run it in this process up to its render wait (no worker renders it)."""

    def post(url="/api/v1/generation-jobs/", **payload):
        response = api.post(url, payload, format="json")
        assert response.status_code == 202, response.json()
        return generation_job_run(job_id=response.json()["id"])

    return post


def test_a_job_stops_at_the_render_and_goes_on_when_it_settles(begin, library, django_capture_on_commit_callbacks):
    job = begin(topic="home coffee brewing", duration=20, platform="tiktok")
    assert job.status == GenerationStatus.RENDERING, job.error
    assert job.step == GenerationStep.RENDER
    assert {"script", "voice", "visuals", "spec", "queue"} <= set(job.results)
    spec = job.results["spec"]
    assert spec["audio"]["voice_over"]["asset"] == job.voice_over.asset_id
    assert spec["text"]["captions"]["voice_over"]["asset"] == job.voice_over.asset_id
    used = {clip.get("asset") for clip in spec["inputs"]} - {None}
    assert used and used <= {asset.pk for asset in library}
    item = job.queue_item
    assert item.metadata["synthetic"] is True and item.metadata["provenance"]["writer"] == "template"
    from config.celery import app

    app.conf.task_always_eager = True
    try:
        with django_capture_on_commit_callbacks(execute=True):
            rendered = process_next(worker="test-worker")
    finally:
        app.conf.task_always_eager = False
    assert rendered.status == QueueStatus.READY, rendered.last_error
    job.refresh_from_db()
    assert job.status == GenerationStatus.COMPLETED, job.error


def test_topic_to_rendered_video_offline(api, start, library):
    response = start(topic="home coffee brewing", duration=20, platform="tiktok")
    job = GenerationJob.objects.get(pk=response.json()["id"])
    assert job.status == GenerationStatus.COMPLETED, job.error
    body = api.get(f"/api/v1/generation-jobs/{job.pk}/").json()
    assert body["percent"] == 100 and body["video"]["url"]
    assert body["video"]["duration_seconds"] == pytest.approx(job.voice_over.asset.duration_seconds, abs=1.0)
    assert body["results"]["publish"] == {"skipped": "no target accounts"}
    status = api.get(f"/api/v1/ai-studio/generation-status/{job.pk}").json()
    assert status["status"] == "completed"
    videos = api.get("/api/v1/ai-studio/generated-videos").json()["results"]
    assert [video["id"] for video in videos] == [job.pk]


def test_an_existing_script_skips_writing(begin, library, user):
    script = scripts.script_create_from_text(owner=user, text="Weigh your coffee beans. Grind them fresh.")
    job = begin(url="/api/v1/ai-studio/generate-video", script=script.pk)
    assert job.status == GenerationStatus.RENDERING, job.error
    assert job.script == script and Script.objects.count() == 1


def test_a_failed_step_is_retried_without_paying_twice(
    start, library, user, openai_emulator, django_capture_on_commit_callbacks, settings
):
    from tests.studio.test_with_providers import good_script

    openai_emulator.models.append("llama3.2")
    keys.provider_key_create(
        owner=user,
        provider=Provider.OPENAI_COMPATIBLE,
        label="Local",
        base_url=openai_emulator.base_url,
        api_key=openai_emulator.api_key,
        default_model="llama3.2",
    )
    openai_emulator.chat_replies.append(good_script())
    settings.STUDIO_PIPER_TIMEOUT_SECONDS = 0.001  # the voice step dies, as a killed engine would
    job = GenerationJob.objects.get(pk=start(topic="home coffee brewing").json()["id"])
    assert job.status == GenerationStatus.FAILED and job.step == GenerationStep.VOICE, job.error
    assert job.error.startswith("Voicing and timing words failed")
    settings.STUDIO_PIPER_TIMEOUT_SECONDS = 300
    VoiceOver.objects.all().delete()  # the failed attempt
    with django_capture_on_commit_callbacks(execute=True):
        from production.studio.services.generation import generation_job_retry

        generation_job_retry(job=job)
    job.refresh_from_db()
    assert job.status == GenerationStatus.COMPLETED, job.error
    chats = [record for record in openai_emulator.requests if record.route == "chat"]
    assert len(chats) == 1  # the script was written once


def test_cancel_a_waiting_job_cancels_its_render(api, begin, library):
    job = begin(topic="home coffee brewing", duration=15)
    assert job.status == GenerationStatus.RENDERING
    response = api.post(f"/api/v1/generation-jobs/{job.pk}/cancel")
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    assert QueueItem.objects.get(pk=job.queue_item_id).status == QueueStatus.CANCELLED
    assert api.post(f"/api/v1/generation-jobs/{job.pk}/cancel").status_code == 400
    swapped = api.post(f"/api/v1/generation-jobs/{job.pk}/swap-visual", {"scene": 0, "asset": library[1].pk})
    assert swapped.status_code == 200, swapped.json()
    job.refresh_from_db()
    assert job.step == GenerationStep.SPEC and job.queue_item_id is None  # a retry renders the new spec
    assert api.delete(f"/api/v1/generation-jobs/{job.pk}/").status_code == 204


def test_swap_a_scene_visual_before_rendering(api, user, library):
    from production.studio.services.generation import generation_job_create

    job = generation_job_create(owner=user, topic="home coffee brewing")
    job.results = {"visuals": [{"scene_index": 0, "asset_id": None, "score": 0, "reason": "x", "kind": "card"}]}
    job.status, job.step = GenerationStatus.FAILED, GenerationStep.QUEUE
    job.save()
    response = api.post(f"/api/v1/generation-jobs/{job.pk}/swap-visual", {"scene": 0, "asset": library[0].pk})
    assert response.status_code == 200, response.json()
    job.refresh_from_db()
    assert job.results["visuals"][0]["asset_id"] == library[0].pk and job.step == GenerationStep.SPEC
    beyond = api.post(f"/api/v1/generation-jobs/{job.pk}/swap-visual", {"scene": 5, "asset": library[0].pk})
    assert beyond.status_code == 400


@pytest.mark.parametrize(
    ("payload", "field", "status"),
    [
        ({}, "topic", 400),
        ({"topic": "  "}, "topic", 400),
        ({"topic": "cats", "platform": "myspace"}, "platform", 400),
        ({"topic": "cats", "voice": 999999}, "voice", 404),
        ({"topic": "cats", "speed": 0}, "speed", 400),
        ({"topic": "cats", "visual_source": "ai_images"}, "visual_source", 400),
        ({"topic": "cats", "caption_style": {"mode": "disco"}}, "caption_style.mode", 400),
        ({"topic": "cats", "target_accounts": [999999]}, "target_accounts", 404),
        ({"topic": "cats", "music": 999999}, "music", 404),
        ({"topic": "cats", "duration": 9999}, "duration", 400),
    ],
)
def test_bad_job_requests_change_nothing(api, payload, field, status):
    response = api.post("/api/v1/generation-jobs/", payload, format="json")
    assert response.status_code == status, response.json()
    assert field in response.json()["error"]["fields"], response.json()
    assert not GenerationJob.objects.exists()


def test_other_users_jobs_scripts_and_accounts_answer_404(api, other_user, account_factory):
    from production.studio.services.generation import generation_job_create

    theirs = generation_job_create(owner=other_user, topic="their topic")
    for method, url in [
        ("get", f"/api/v1/generation-jobs/{theirs.pk}/"),
        ("get", f"/api/v1/ai-studio/generation-status/{theirs.pk}"),
        ("post", f"/api/v1/generation-jobs/{theirs.pk}/cancel"),
        ("post", f"/api/v1/generation-jobs/{theirs.pk}/retry"),
        ("delete", f"/api/v1/generation-jobs/{theirs.pk}/"),
    ]:
        assert getattr(api, method)(url).status_code == 404, url
    script = scripts.script_create_from_text(owner=other_user, text="Theirs.")
    account = account_factory(owner=other_user)
    assert api.post("/api/v1/generation-jobs/", {"script": script.pk}, format="json").status_code == 404
    response = api.post("/api/v1/generation-jobs/", {"topic": "x", "target_accounts": [account.pk]}, format="json")
    assert response.status_code == 404
    assert GenerationJob.objects.count() == 1


def test_quick_verbs(api, eager, django_capture_on_commit_callbacks, library):
    prompt = api.post(
        "/api/v1/video/generate", {"type": "visual_prompt", "topic": "home coffee brewing"}, format="json"
    )
    assert prompt.status_code == 200 and "coffee" in prompt.json()["prompt"]
    with django_capture_on_commit_callbacks(execute=True):
        quote = api.post("/api/v1/video/generate", {"type": "quote", "topic": "patience"}, format="json")
    assert quote.status_code == 202, quote.json()
    job = GenerationJob.objects.get(pk=quote.json()["id"])
    assert job.template.category == "quote"
    status = api.get(f"/api/v1/video/generate/{job.pk}/status").json()
    assert status["id"] == job.pk and status["step"]
    bad = api.post("/api/v1/video/generate", {"type": "gif", "topic": "x"}, format="json")
    assert bad.status_code == 400 and "type" in bad.json()["error"]["fields"]
    assert api.get("/api/v1/video/list").status_code == 200


def test_a_finished_job_publishes_to_its_accounts_with_the_ai_label(api, start, library, account_factory, user):
    from distribution.models import Upload

    sandbox = account_factory(owner=user, platform="sandbox")
    response = start(topic="home coffee brewing", duration=15, target_accounts=[sandbox.pk])
    job = GenerationJob.objects.get(pk=response.json()["id"])
    assert job.status == GenerationStatus.COMPLETED, job.error
    (upload,) = Upload.objects.filter(queue_item=job.queue_item)
    assert upload.account == sandbox and upload.options["synthetic"] is True
    assert job.results["publish"]["uploads"][0]["upload"] == upload.pk
    assert job.results["publish"]["refusals"] == []
