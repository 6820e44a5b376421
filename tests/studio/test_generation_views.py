"""The studio's video pages: Make a video, a job's live steps and scene visuals (swap, cancel,
retry), the Videos gallery, and Avatars."""

from __future__ import annotations

import pytest

from library.services import media_asset_ingest
from production.models import QueueItem, QueueStatus
from production.studio import tasks
from production.studio.models import Avatar, GenerationJob, GenerationStatus, GenerationStep, Voice
from production.studio.services import avatars
from production.studio.services.generation import (
    generation_job_create,
    generation_job_render_settled,
    generation_job_run,
)
from tests.factories import SocialAccountFactory, UserFactory
from tests.media import make_media
from tests.studio import test_views
from tests.studio.test_views import make_script

# The script pages' fixtures (`library`, tagged clips and images about coffee, is in conftest):
# a signed-in client, the built-in templates and voices, and a worker.
signed_in = test_views.signed_in
catalogues = test_views.catalogues

MAKE = "/studio/videos/make/"


@pytest.fixture
def offline_voice(catalogues):
    voice = Voice.objects.filter(owner=None, engine="piper", available=True).first()
    if voice is None:
        pytest.skip("The offline Piper voice is not installed here")
    return voice


@pytest.fixture
def no_worker(monkeypatch) -> list[int]:
    """No worker: the jobs the page started stay queued; the test sees which were sent."""
    sent: list[int] = []
    monkeypatch.setattr(tasks.generation_job_run_task, "delay", sent.append)
    return sent


def video_data(offline_voice, **overrides) -> dict:
    data = {
        "topic": "home coffee brewing",
        "writer": "template",
        "duration": "15",
        "seed": "0",
        "voice": str(offline_voice.pk),
        "speed": "1.0",
        "platform": "tiktok",
        "caption_mode": "karaoke",
        "highlight_color": "#ffd400",
    }
    data.update(overrides)
    return data


class Worker:
    """Plays the generation worker in this process: the jobs a page sent run when `run()` is
    called, as far as their render wait (no render worker runs: `finish_render` plays it)."""

    def __init__(self, client, sent: list[int], capture):
        self.client, self.sent, self.capture = client, sent, capture

    def post(self, url: str, data: dict | None = None):
        with self.capture(execute=True):
            response = self.client.post(url, data or {})
        self.run()
        return response

    def run(self) -> None:
        while self.sent:
            generation_job_run(job_id=self.sent.pop(0))

    def start(self, voice, **overrides) -> GenerationJob:
        """Make a video through the page; the job runs up to its render wait."""
        response = self.post(MAKE, video_data(voice, **overrides))
        assert response.status_code == 302, response.content.decode()[:2000]
        job = GenerationJob.objects.get(pk=int(response["Location"].rstrip("/").rsplit("/", 1)[1]))
        assert response["Location"] == f"/studio/videos/{job.pk}/"
        return job

    def finish_render(self, job: GenerationJob, asset) -> GenerationJob:
        """The render worker's part: the queue item is ready with `asset` as its output; the job goes on."""
        QueueItem.objects.filter(pk=job.queue_item_id).update(
            status=QueueStatus.READY, output_asset=asset, progress=100
        )
        generation_job_render_settled(job.queue_item_id)
        self.run()
        job.refresh_from_db()
        return job


@pytest.fixture
def worker(signed_in, no_worker, django_capture_on_commit_callbacks) -> Worker:
    return Worker(signed_in, no_worker, django_capture_on_commit_callbacks)


def audio_track(user, tmp_path, title="Morning groove"):
    return media_asset_ingest(
        owner=user, kind="audio", path=make_media(tmp_path, "track.m4a", "audio.m4a"), title=title
    )


# --- Make a video ------------------------------------------------------------------------------


def test_make_a_video_offers_the_owners_scripts_voices_music_avatars_and_accounts(
    signed_in,
    user,
    offline_voice,
    library,
    tmp_path,
):
    script = make_script(user, title="My ready script")
    make_script(UserFactory(), title="Someone else's script")
    track = audio_track(user, tmp_path)
    avatar = avatars.avatar_create(owner=user, name="Me in the corner", asset=library[1])
    account = SocialAccountFactory(owner=user, username="lena.brews")
    theirs = SocialAccountFactory(owner=UserFactory(), username="not.mine")
    response = signed_in.get(MAKE)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'aria-current="page">Make a video<' in html
    assert f'<option value="{script.pk}">My ready script' in html and "Someone else" not in html
    assert offline_voice.name in html and f'data-preview="/studio/voices/{offline_voice.pk}/preview/"' in html
    assert "Karaoke" in html and "Pop" in html and "Classic" in html and 'type="color"' in html
    assert "Morning groove" in html and f'value="{track.pk}"' in html
    assert "Me in the corner" in html and f'value="{avatar.pk}"' in html
    assert "@lena.brews" in html and f'value="{account.pk}"' in html and theirs.username not in html
    assert "not connected" in html  # a post to it would be refused: said before Generate
    assert "YouTube Shorts" in html
    assert "Offline template writer" in html and "not an AI" in html


def test_the_script_page_leads_to_making_a_video_from_it(signed_in, user, catalogues):
    script = make_script(user)
    html = signed_in.get(f"/studio/scripts/{script.pk}/").content.decode()
    assert f'href="{MAKE}?script={script.pk}"' in html and "Make a video from this script" in html
    form = signed_in.get(f"{MAKE}?script={script.pk}").content.decode()
    assert f'<option value="{script.pk}" selected>' in form


def test_generate_from_a_topic_starts_a_job_that_the_page_follows(
    signed_in,
    user,
    offline_voice,
    no_worker,
    tmp_path,
    library,
    django_capture_on_commit_callbacks,
):
    track = audio_track(user, tmp_path)
    account = SocialAccountFactory(owner=user)
    data = video_data(
        offline_voice,
        caption_mode="pop",
        platform="youtube_shorts",
        music=str(track.pk),
        target_accounts=[str(account.pk)],
        speed="1.2",
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post(MAKE, data)
    job = GenerationJob.objects.get(owner=user)
    assert response.status_code == 302 and response["Location"] == f"/studio/videos/{job.pk}/"
    assert no_worker == [job.pk] and job.status == GenerationStatus.QUEUED
    assert job.topic == "home coffee brewing" and job.platform == "youtube_shorts" and job.voice == offline_voice
    assert job.inputs["caption_style"]["mode"] == "pop" and "highlight_color" not in job.inputs["caption_style"]
    assert job.inputs["music_asset_id"] == track.pk and job.inputs["speed"] == pytest.approx(1.2)
    assert job.inputs["provider"] == "template" and job.inputs["target_seconds"] == 15
    assert list(job.target_accounts.all()) == [account]
    page = signed_in.get(response["Location"]).content.decode()
    assert "Making a video about “home coffee brewing”" in page
    assert f'hx-get="/studio/videos/{job.pk}/live/?seen=active--"' in page
    assert 'data-step="script" data-state="current" aria-current="step"' in page
    assert 'data-step="render" data-state="waiting"' in page
    assert "about to start" in page and "Cancel" in page
    assert "Pop" in page and "Morning groove" in page


def test_a_video_from_one_of_my_scripts(signed_in, user, offline_voice, no_worker, django_capture_on_commit_callbacks):
    script = make_script(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post(MAKE, video_data(offline_voice, topic="", script=str(script.pk)))
    job = GenerationJob.objects.get(owner=user)
    assert response.status_code == 302 and job.script == script and job.step == GenerationStep.VOICE
    page = signed_in.get(response["Location"]).content.decode()
    assert 'data-step="script" data-state="done"' in page and "your script" in page


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"topic": ""}, "Give a topic, e.g. “home coffee brewing”, or pick one of your scripts."),
        ({"topic": "x" * 301}, "at most 300 characters"),
        ({"caption_mode": "disco"}, "Select a valid choice."),
        ({"highlight_color": "yellowish"}, "A colour like #FFD400."),
        ({"speed": "5"}, "less than or equal to 2.0"),
        ({"platform": "myspace"}, "Select a valid choice."),
        ({"writer": "openai"}, "Select a valid choice."),  # no OpenAI key
        ({"duration": "7"}, "Select a valid choice."),
        ({"voice": "999999"}, "Select a valid choice."),
        ({"music": "999999"}, "Select a valid choice."),
    ],
)
def test_bad_video_input_rerenders_with_the_error_and_starts_nothing(
    signed_in, offline_voice, no_worker, overrides, error
):
    response = signed_in.post(MAKE, video_data(offline_voice, **overrides))
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not GenerationJob.objects.exists() and no_worker == []


def test_a_refusal_of_the_service_lands_on_its_field_and_starts_nothing(
    signed_in, user, offline_voice, no_worker, library
):
    avatar = avatars.avatar_create(owner=user, name="Me", asset=library[1])
    response = signed_in.post(MAKE, video_data(offline_voice, avatar=str(avatar.pk)))
    assert response.status_code == 200
    html = response.content.decode()
    avatar_field = html.split('for="id_avatar"')[0].rsplit('<div class="field', 1)[1]
    assert avatar_field.startswith(" has-error"), "the refusal is shown on the avatar field"
    assert not GenerationJob.objects.exists() and no_worker == []


def test_other_users_scripts_accounts_music_and_avatars_are_not_choices(
    signed_in,
    offline_voice,
    no_worker,
    tmp_path,
    library,
):
    stranger = UserFactory()
    cases = {
        "script": make_script(stranger).pk,
        "target_accounts": SocialAccountFactory(owner=stranger).pk,
        "music": audio_track(stranger, tmp_path, "Their track").pk,
        "avatar": Avatar.objects.create(owner=stranger, name="Them", asset=library[0]).pk,
    }
    for field, pk in cases.items():
        value = [str(pk)] if field == "target_accounts" else str(pk)
        response = signed_in.post(MAKE, video_data(offline_voice, **{field: value}))
        assert response.status_code == 200, field
        assert "Select a valid choice" in response.content.decode(), field
    assert not GenerationJob.objects.exists()


# --- A job's page ------------------------------------------------------------------------------


def test_a_job_at_its_render_wait_shows_steps_visuals_and_why_they_cannot_be_swapped(
    signed_in, user, offline_voice, worker, library, django_assert_max_num_queries
):
    job = worker.start(offline_voice)
    assert job.status == GenerationStatus.RENDERING, job.error
    with django_assert_max_num_queries(12):
        html = signed_in.get(f"/studio/videos/{job.pk}/").content.decode()
    for step in ("script", "voice", "visuals", "spec", "queue"):
        assert f'data-step="{step}" data-state="done"' in html, step
    assert 'data-step="render" data-state="current"' in html and "waiting for a render worker" in html
    assert 'data-step="publish" data-state="waiting"' in html and "no accounts chosen" in html
    assert "The video is queued for rendering already, so its visuals are fixed." in html
    assert "Swap</summary>" not in html
    chosen = [visual for visual in job.results["visuals"] if visual["kind"] == "asset"]
    assert chosen, job.results["visuals"]
    for visual in chosen:
        assert f'src="/library/{visual["asset_id"]}/thumbnail/"' in html
    assert "Matched on tags:" in html
    assert f'href="/queue/{job.queue_item.queue_id}/">Open in queue' in html
    assert "Written offline from the “" in html and f"voiced by {offline_voice.name} (offline)" in html

    live = signed_in.get(f"/studio/videos/{job.pk}/live/?seen=active-visuals-", HTTP_HX_REQUEST="true")
    assert live.status_code == 200 and 'hx-trigger="every 1s"' in live.content.decode()
    stale = signed_in.get(f"/studio/videos/{job.pk}/live/?seen=active--", HTTP_HX_REQUEST="true")
    assert stale.status_code == 204 and stale["HX-Refresh"] == "true"


def test_cancel_and_retry_through_the_page(signed_in, user, offline_voice, worker, library):
    job = worker.start(offline_voice)
    first_item = job.queue_item_id
    response = signed_in.post(f"/studio/videos/{job.pk}/cancel/", follow=True)
    job.refresh_from_db()
    assert job.status == GenerationStatus.CANCELLED
    assert QueueItem.objects.get(pk=first_item).status == QueueStatus.CANCELLED
    html = response.content.decode()
    assert "Cancelled." in html and "You cancelled this job at “Rendering”." in html
    assert 'data-step="render" data-state="stopped"' in html and ">Retry</button>" in html
    assert "hx-trigger" not in html.split('id="job-progress"')[1].split("</section>")[0]
    again = signed_in.post(f"/studio/videos/{job.pk}/cancel/", follow=True)
    assert "This job is cancelled already." in again.content.decode()

    response = worker.post(f"/studio/videos/{job.pk}/retry/")
    job.refresh_from_db()
    assert "Trying again from “Queueing the render”." in signed_in.get(response["Location"]).content.decode()
    assert job.status == GenerationStatus.RENDERING, job.error
    assert job.queue_item_id != first_item and job.queue_item.status == QueueStatus.PENDING


def test_a_failed_job_shows_its_readable_error_and_retry(signed_in, user):
    job = generation_job_create(owner=user, topic="home coffee brewing")
    GenerationJob.objects.filter(pk=job.pk).update(
        status=GenerationStatus.FAILED,
        step=GenerationStep.VOICE,
        error="Voicing and timing words failed: the voice engine took longer than 300 s.",
    )
    html = signed_in.get(f"/studio/videos/{job.pk}/").content.decode()
    assert "Voicing and timing words failed: the voice engine took longer than 300 s." in html
    assert 'data-step="voice" data-state="failed"' in html and ">Retry</button>" in html
    assert "The visuals are chosen after the voice-over is made." in html


def test_swap_a_scene_visual_through_the_page(signed_in, user, offline_voice, worker, library, tmp_path):
    job = worker.start(offline_voice)
    # As if the render could not be queued: the job stopped before its render, visuals chosen.
    GenerationJob.objects.filter(pk=job.pk).update(
        status=GenerationStatus.FAILED, step=GenerationStep.QUEUE, queue_item=None, error="Queueing failed: x."
    )
    job.refresh_from_db()
    html = signed_in.get(f"/studio/videos/{job.pk}/").content.decode()
    assert "Swap</summary>" in html and f'hx-get="/studio/videos/{job.pk}/scenes/0/swap/"' in html
    before = job.results["visuals"][0]["asset_id"]
    picker = signed_in.get(f"/studio/videos/{job.pk}/scenes/0/swap/", HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in picker and 'name="asset"' in picker
    choice = next(asset for asset in library if asset.pk != before)
    assert f'value="{choice.pk}"' in picker and (before is None or f'value="{before}"' not in picker)

    response = signed_in.post(f"/studio/videos/{job.pk}/scenes/0/swap/", {"asset": choice.pk})
    assert response.status_code == 302 and response["Location"] == f"/studio/videos/{job.pk}/#scene-1"
    job.refresh_from_db()
    assert job.results["visuals"][0]["asset_id"] == choice.pk and job.step == GenerationStep.SPEC
    page = signed_in.get(f"/studio/videos/{job.pk}/").content.decode()
    assert f"Scene 1 now shows “{choice.title}”. Retry the job to compose and render the video with it." in page
    assert "Chosen by you." in page

    theirs = media_asset_ingest(
        owner=UserFactory(), kind="image", path=make_media(tmp_path, "theirs.png", "image.png"), title="theirs"
    )
    bad = signed_in.post(f"/studio/videos/{job.pk}/scenes/0/swap/", {"asset": theirs.pk})
    assert bad.status_code == 200 and "Select a valid choice." in bad.content.decode()
    job.refresh_from_db()
    assert job.results["visuals"][0]["asset_id"] == choice.pk
    assert signed_in.get(f"/studio/videos/{job.pk}/scenes/99/swap/").status_code == 404


def test_swapping_is_refused_once_the_render_is_queued(signed_in, user, offline_voice, worker, library):
    job = worker.start(offline_voice)
    before = job.results["visuals"]
    response = signed_in.post(f"/studio/videos/{job.pk}/scenes/0/swap/", {"asset": library[-1].pk})
    assert response.status_code == 200
    assert "The video is queued for rendering already" in response.content.decode()
    job.refresh_from_db()
    assert job.results["visuals"] == before


def test_a_rendered_video_plays_on_its_page_and_shows_in_the_gallery(
    signed_in,
    user,
    offline_voice,
    worker,
    library,
    django_assert_max_num_queries,
):
    job = worker.start(offline_voice)
    job = worker.finish_render(job, library[0])
    assert job.status == GenerationStatus.COMPLETED, job.error
    html = signed_in.get(f"/studio/videos/{job.pk}/").content.decode()
    assert f'<video controls preload="metadata" playsinline src="/library/{library[0].pk}/file/"' in html
    assert "All steps done ✓" in html and "hx-trigger" not in html.split('id="job-progress"')[1][:400]
    timing = {"alignment": "captions aligned to the audio", "mixed": "captions aligned to the audio (a few"}
    assert f"voiced by {offline_voice.name} (offline) · {timing[job.voice_over.timing_source]}" in html
    assert "Not published: no accounts were chosen." in html
    assert f'href="/queue/{job.queue_item.queue_id}/">Open in queue' in html
    assert "This video is rendered with these visuals." in html

    with django_assert_max_num_queries(12):
        gallery = signed_in.get("/studio/videos/").content.decode()
    assert f'href="/studio/videos/{job.pk}/"' in gallery and "Written offline" in gallery
    assert f'src="/library/{library[0].pk}/thumbnail/"' in gallery or "media-placeholder" in gallery
    assert "On the way" not in gallery


def test_publish_results_in_plain_words(signed_in, user, offline_voice, worker, library):
    account = SocialAccountFactory(owner=user, username="lena.brews")  # never connected: refused
    job = worker.start(offline_voice, target_accounts=[str(account.pk)])
    job = worker.finish_render(job, library[0])
    assert job.status == GenerationStatus.COMPLETED, job.error
    (refusal,) = job.results["publish"]["refusals"]
    reason = refusal["reason"].rstrip(".")
    html = signed_in.get(f"/studio/videos/{job.pk}/").content.decode()
    published = html.split('class="card publish-results"')[1].split("</section>")[0]
    assert f"TikTok @lena.brews: not sent, {reason[:1].lower()}{reason[1:]}." in published
    assert "{" not in published  # no raw results

    # Sent: the upload's state when the video was handed over, and where to follow it.
    job.results["publish"] = {"uploads": [{"upload": 1, "account": "TikTok @lena.brews", "status": "pending"}]}
    job.save(update_fields=["results"])
    html = signed_in.get(f"/studio/videos/{job.pk}/").content.decode()
    assert "TikTok @lena.brews: handed to Uploads, waiting for its slot." in html
    assert 'href="/uploads/">Follow the posts in Uploads' in html


def test_the_gallery_lists_only_own_videos_and_unfinished_jobs(signed_in, user, django_assert_max_num_queries):
    for n in range(6):
        generation_job_create(owner=user, topic=f"topic {n}")
    generation_job_create(owner=UserFactory(), topic="their topic")
    with django_assert_max_num_queries(12):
        html = signed_in.get("/studio/videos/").content.decode()
    assert "On the way" in html and "topic 5" in html and "their topic" not in html
    assert "No videos yet." in html


def test_other_users_jobs_answer_404(signed_in, user, library):
    theirs = generation_job_create(owner=UserFactory(), topic="their topic")
    for method, url in [
        ("get", f"/studio/videos/{theirs.pk}/"),
        ("get", f"/studio/videos/{theirs.pk}/live/"),
        ("get", f"/studio/videos/{theirs.pk}/scenes/0/swap/"),
        ("post", f"/studio/videos/{theirs.pk}/scenes/0/swap/"),
        ("post", f"/studio/videos/{theirs.pk}/cancel/"),
        ("post", f"/studio/videos/{theirs.pk}/retry/"),
        ("post", f"/studio/videos/{theirs.pk}/delete/"),
    ]:
        assert getattr(signed_in, method)(url).status_code == 404, url
    theirs.refresh_from_db()
    assert theirs.status == GenerationStatus.QUEUED
    mine = generation_job_create(owner=user, topic="mine")
    assert signed_in.post(f"/studio/videos/{mine.pk}/explode/").status_code == 404


def test_delete_a_finished_job_keeps_the_video(signed_in, user, offline_voice, worker, library):
    job = worker.start(offline_voice)
    busy = signed_in.post(f"/studio/videos/{job.pk}/delete/", follow=True)
    assert "This job is still working: cancel it first." in busy.content.decode()
    job = worker.finish_render(job, library[0])
    response = signed_in.post(f"/studio/videos/{job.pk}/delete/", follow=True)
    assert response.redirect_chain[-1][0] == "/studio/videos/"
    assert "stays in the library" in response.content.decode()
    assert not GenerationJob.objects.filter(pk=job.pk).exists()
    library[0].refresh_from_db()


# --- Avatars -----------------------------------------------------------------------------------


def test_add_list_and_delete_an_avatar(signed_in, user, library):
    image = library[1]
    page = signed_in.get("/studio/avatars/").content.decode()
    assert "No avatars yet." in page and f'value="{image.pk}"' in page
    response = signed_in.post(
        "/studio/avatars/",
        {"name": "Me", "asset": image.pk, "placement": "pip", "corner": "top_left", "size": "25"},
        follow=True,
    )
    avatar = Avatar.objects.get(owner=user)
    assert avatar.asset == image and avatar.corner == "top_left" and avatar.size == pytest.approx(0.25)
    html = response.content.decode()
    assert "Added the avatar “Me”." in html and "Picture in picture · top left · 25% wide" in html
    duplicate = signed_in.post(
        "/studio/avatars/", {"name": "Me", "asset": image.pk, "placement": "full", "corner": "top_left", "size": "30"}
    )
    assert duplicate.status_code == 200 and "You already have an avatar named" in duplicate.content.decode()
    response = signed_in.post(f"/studio/avatars/{avatar.pk}/delete/", follow=True)
    assert "Deleted the avatar “Me”." in response.content.decode()
    assert not Avatar.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"name": ""}, "This field is required."),
        ({"size": "80"}, "less than or equal to 60"),
        ({"corner": "middle"}, "Select a valid choice."),
        ({"placement": "floating"}, "Select a valid choice."),
    ],
)
def test_bad_avatar_input_rerenders_with_the_error(signed_in, library, overrides, error):
    data = {"name": "Me", "asset": library[1].pk, "placement": "pip", "corner": "top_left", "size": "30"}
    response = signed_in.post("/studio/avatars/", {**data, **overrides})
    assert response.status_code == 200 and error in response.content.decode()
    assert not Avatar.objects.exists()


def test_other_users_assets_and_avatars(signed_in, library):
    stranger = UserFactory()
    theirs = Avatar.objects.create(owner=stranger, name="Them", asset=library[0])
    response = signed_in.post(
        "/studio/avatars/", {"name": "Me", "asset": 999999, "placement": "pip", "corner": "top_left", "size": "30"}
    )
    assert response.status_code == 200 and "Select a valid choice." in response.content.decode()
    assert "Them" not in signed_in.get("/studio/avatars/").content.decode()
    assert signed_in.post(f"/studio/avatars/{theirs.pk}/delete/").status_code == 404
    assert Avatar.objects.filter(pk=theirs.pk).exists()
