"""A creator's journey from a topic to a watched video: Make a video with a few tagged clips and
images in the library, Generate, the steps turning done one after another while the page polls
(the job and the render run in this process, as a worker would), the finished video played on
its page with how it was made, and the Videos gallery."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from playwright.sync_api import expect

from production.models import QueueStatus
from production.services.render import process_next
from production.studio import tasks
from production.studio.models import GenerationJob, GenerationStatus, GenerationStep, Voice
from production.studio.services import templates, voices
from production.studio.services.generation import generation_job_create, generation_job_run
from tests.e2e.test_production_journey import sign_in
from tests.e2e.test_studio_journey import PHONE, WIDE, both_widths
from tests.studio import conftest as studio_fixtures

library = studio_fixtures.library  # tagged clips and images about coffee, owned by `user`

STEPS = ["script", "voice", "visuals", "spec", "queue", "render", "publish"]


class InProcessWorker:
    """Runs what the pages send to the generation worker on threads of this process."""

    def __init__(self):
        self.threads: list[threading.Thread] = []
        self.errors: list[BaseException] = []

    def _run(self, target, kwargs: dict):
        try:
            target(**kwargs)
        except BaseException as exc:  # reported by join()
            self.errors.append(exc)
        finally:
            connection.close()

    def send(self, target, **kwargs) -> None:
        thread = threading.Thread(target=self._run, args=(target, kwargs), daemon=True)
        self.threads.append(thread)
        thread.start()

    def join(self, timeout: float = 300) -> None:
        for thread in self.threads:
            thread.join(timeout)
        self.threads = [thread for thread in self.threads if thread.is_alive()]
        assert not self.threads, "a job is still running"
        assert not self.errors, self.errors


@pytest.fixture
def not_eager():
    """Sent tasks wait for a worker (renders wait for the test to play it), whatever an earlier
    test left the Celery app with."""
    from config.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = False
    yield
    app.conf.task_always_eager = before


@pytest.fixture
def worker(monkeypatch, not_eager):
    """Jobs the pages send run on threads of this process."""
    in_process = InProcessWorker()
    monkeypatch.setattr(
        tasks.generation_job_run_task, "delay", lambda job_id: in_process.send(generation_job_run, job_id=job_id)
    )
    yield in_process
    in_process.join()


# On every page load: note each step the progress card shows as current, in order, across the
# reloads the job page does when its visuals are chosen and when the video is ready.
WATCH_STEPS = """
document.addEventListener("DOMContentLoaded", () => {
  const look = () => {
    const current = document.querySelector("#job-progress .job-step[data-state='current']");
    const seen = JSON.parse(sessionStorage.getItem("seen") || "[]");
    if (current && seen[seen.length - 1] !== current.dataset.step) {
      seen.push(current.dataset.step);
      sessionStorage.setItem("seen", JSON.stringify(seen));
    }
  };
  look();
  setInterval(look, 100);
});
"""


def test_topic_to_a_watched_video_and_the_gallery(page, screenshot, user, library, worker):
    templates.prompt_templates_sync_builtin()
    voices.voices_sync_local()
    voice = Voice.objects.filter(owner=None, engine="piper", available=True).first()
    if voice is None:
        pytest.skip("The offline Piper voice is not installed here")
    page.set_viewport_size(WIDE)
    page.add_init_script(WATCH_STEPS)
    sign_in(page, user)

    # Studio → Make a video: a topic, a length, karaoke captions in another colour.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Studio").click()
    page.get_by_role("navigation", name="Studio").get_by_role("link", name="Make a video").click()
    expect(page.locator("h2", has_text="What is it about?")).to_be_visible()
    page.get_by_label("Topic").fill("home coffee brewing")
    page.get_by_label("Length").select_option("15")
    expect(page.locator(".voice-option input[type=radio]:checked")).to_have_count(1)
    hear = page.get_by_role("button", name=f"Hear {voice.name}")
    hear.click()
    page.wait_for_function(
        "b => ['playing', 'ready', 'idle'].includes(b.dataset.state) && b.dataset.sample",
        arg=hear.element_handle(),
        timeout=60_000,
    )
    page.evaluate(
        "document.querySelectorAll('[data-preview]').forEach(b => b.dataset.state === 'playing' && b.click())"
    )
    expect(page.get_by_label("Karaoke")).to_be_checked()
    page.get_by_label("Highlight colour").fill("#33ddff")
    expect(page.locator(".sample-karaoke .lit")).to_have_css("color", "rgb(51, 221, 255)")
    page.get_by_label("Classic").check()
    expect(page.get_by_label("Highlight colour")).to_be_hidden()
    page.get_by_label("Karaoke").check()
    expect(page.get_by_label("Highlight colour")).to_be_visible()
    both_widths(page, screenshot, "studio-make-a-video")

    # Generate: the job page follows the steps, each done in turn, without a click.
    page.get_by_role("button", name="Generate").click()
    expect(page.get_by_text("Making a video about “home coffee brewing”.")).to_be_visible()
    job = GenerationJob.objects.get(owner=user)
    progress = page.locator("#job-progress")
    expect(page.locator("#job-progress .job-step[data-step='render']")).to_have_attribute(
        "data-state", "current", timeout=120_000
    )
    worker.join()
    job.refresh_from_db()
    assert job.status == GenerationStatus.RENDERING, job.error
    for step in STEPS[:5]:
        expect(progress.locator(f".job-step[data-step='{step}']")).to_have_attribute("data-state", "done")
    expect(progress).to_contain_text("waiting for a render worker")

    # The scenes with their visuals: library thumbnails or a card, each with the reason.
    scenes = page.locator(".scene-visual")
    expect(scenes).to_have_count(len(job.results["visuals"]))
    expect(page.locator(".scene-visual[data-kind='asset'] img").first).to_be_visible()
    expect(page.locator(".job-scenes")).to_contain_text("Matched on tags:")
    expect(page.locator(".swap-note")).to_have_text(
        "The video is queued for rendering already, so its visuals are fixed."
    )
    screenshot("studio-job-rendering-1440")

    # A worker renders it; the render's percent shows, then the video plays on the same page.
    worker.send(process_next, worker="e2e")
    expect(page.locator("#video video")).to_be_visible(timeout=240_000)
    worker.join()
    job.refresh_from_db()
    assert job.status == GenerationStatus.COMPLETED, job.error
    assert job.queue_item.status == QueueStatus.READY
    seen = page.evaluate("JSON.parse(sessionStorage.getItem('seen') || '[]')")
    assert seen == sorted(seen, key=STEPS.index), seen  # forwards only
    assert {"voice", "render"} <= set(seen), seen  # the slow steps were seen working
    expect(progress).to_contain_text("All steps done ✓")
    expect(page.locator(".job-video .provenance")).to_contain_text(
        f"Written offline from the “{job.provenance['template']}” template · voiced by {voice.name} (offline)"
    )
    expect(page.locator(".publish-results")).to_contain_text("Not published: no accounts were chosen.")
    expect(page.get_by_role("link", name="Open in queue")).to_have_attribute(
        "href", f"/queue/{job.queue_item.queue_id}/"
    )
    video = page.locator("#video video")
    page.wait_for_function("document.querySelector('#video video').readyState >= 1")
    assert video.evaluate("v => v.duration") == pytest.approx(job.queue_item.output_asset.duration_seconds, abs=0.5)
    video.evaluate("v => { v.muted = true; return v.play(); }")
    page.wait_for_function("document.querySelector('#video video').currentTime > 0")
    video.evaluate("v => { v.pause(); v.currentTime = 1.5; }")
    both_widths(page, screenshot, "studio-job-video")

    # Videos: the gallery card, and back to the job page from it.
    page.get_by_role("navigation", name="Studio").get_by_role("link", name="Videos").click()
    card = page.locator(".video-card")
    expect(card).to_have_count(1)
    expect(card.locator(".video-card-provenance")).to_contain_text("Written offline")
    expect(card.locator("img")).to_be_visible()
    both_widths(page, screenshot, "studio-videos")
    page.set_viewport_size(PHONE)
    card.get_by_role("link").click()
    expect(page.locator("#video video")).to_be_visible()
    page.set_viewport_size(WIDE)


def test_swap_a_scene_visual_from_the_picker(page, screenshot, user, library, not_eager):
    """A job that stopped before its render was queued: a scene's visual swapped in the picker."""
    templates.prompt_templates_sync_builtin()
    voices.voices_sync_local()
    if not Voice.objects.filter(owner=None, engine="piper", available=True).exists():
        pytest.skip("The offline Piper voice is not installed here")
    # "better sleep": nothing in the coffee library matches, so every scene starts as a title card.
    job = generation_job_create(owner=user, topic="better sleep", target_seconds=15)
    job = generation_job_run(job_id=job.pk)
    assert job.status == GenerationStatus.RENDERING, job.error
    GenerationJob.objects.filter(pk=job.pk).update(
        status=GenerationStatus.FAILED,
        step=GenerationStep.QUEUE,
        queue_item=None,
        error="Queueing the render failed: the queue is full.",
    )
    page.set_viewport_size(WIDE)
    sign_in(page, user)
    page.goto(f"/studio/videos/{job.pk}/")
    expect(page.locator(".job-error")).to_have_text("Queueing the render failed: the queue is full.")
    expect(page.get_by_role("button", name="Retry")).to_be_visible()
    first = page.locator(".scene-visual").first
    expect(first).to_have_attribute("data-kind", "card")
    expect(first.locator(".visual-reason")).to_contain_text("Nothing in your library matches")

    first.locator("summary", has_text="Swap").click()
    choices = first.locator(".swap-choice")
    expect(choices).to_have_count(len(library))
    page.wait_for_function(
        "[...document.querySelectorAll('.swap-choice img')].every(img => img.complete && img.naturalWidth > 0)"
    )
    both_widths(page, screenshot, "studio-job-swap")
    title = choices.nth(1).locator(".swap-title").inner_text()
    choices.nth(1).click()
    expect(page.get_by_text(f"Scene 1 now shows “{title}”. Retry the job")).to_be_visible()
    first = page.locator(".scene-visual").first
    expect(first).to_have_attribute("data-kind", "asset")
    expect(first.locator(".visual-reason")).to_have_text("Chosen by you.")
    job.refresh_from_db()
    assert job.results["visuals"][0]["kind"] == "asset" and job.step == GenerationStep.SPEC


def test_add_and_delete_an_avatar(page, screenshot, user, library):
    page.set_viewport_size(WIDE)
    sign_in(page, user)
    page.goto("/studio/avatars/")
    expect(page.get_by_text("No avatars yet.")).to_be_visible()
    form = page.locator(".avatar-form")
    form.get_by_label("Name").fill("Me in the corner")
    form.get_by_label("Video or image").select_option(label=f"{library[1].title} (image)")
    expect(form.get_by_label("Corner")).to_be_visible()
    form.get_by_label("Full frame between scenes").check()
    expect(form.get_by_label("Corner")).to_be_hidden()
    form.get_by_label("Picture in picture").check()
    form.get_by_label("Corner").select_option("top_left")
    form.get_by_label("Size (% of the width)").fill("25")
    form.get_by_role("button", name="Add the avatar").click()
    expect(page.get_by_text("Added the avatar “Me in the corner”.")).to_be_visible()
    card = page.locator(".avatar-card[data-avatar='Me in the corner']")
    expect(card).to_contain_text("Picture in picture · top left · 25% wide")
    both_widths(page, screenshot, "studio-avatars")
    page.on("dialog", lambda dialog: dialog.accept())
    card.get_by_role("button", name="Delete").click()
    expect(page.get_by_text("Deleted the avatar “Me in the corner”.")).to_be_visible()
    expect(page.locator(".avatar-card")).to_have_count(0)
