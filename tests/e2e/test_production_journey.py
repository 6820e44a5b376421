"""A creator's journey: library material -> campaign in the slot editor -> two videos
rendered -> watched turning "ready" on the live queue -> one played in the browser."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from library import services as library_services
from production.models import Campaign, CampaignStatus, QueueItem, QueueStatus
from production.services import campaigns
from production.services.render import process_next
from tests.factories import PASSWORD, UserFactory
from tests.production.conftest import _clip, _tone

MATERIAL = [
    ("hot_video", "Dance trend", "blue", ["trend"]),
    ("hot_video", "Street trend", "cyan", ["trend"]),
    ("hot_video", "Old meme", "white", ["archive"]),
    ("product", "Sneaker close-up", "green", ["shoes"]),
    ("audio", "Upbeat loop", None, ["music"]),
]


@pytest.fixture(scope="module")
def material_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("journey-media")
    return [
        _tone(folder / f"{n}.m4a") if kind == "audio" else _clip(folder / f"{n}.mp4", colour, seconds=2)
        for n, (kind, _title, colour, _tags) in enumerate(MATERIAL)
    ]


def sign_in(page, user) -> None:
    page.goto("/sign-in/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()


def test_campaign_to_played_video(page, screenshot, material_files):
    user = UserFactory(username="maria")
    for path, (kind, title, _colour, tags) in zip(material_files, MATERIAL, strict=True):
        library_services.media_asset_ingest(owner=user, kind=kind, path=path, title=title, tags=tags, royalty_free=True)
    sign_in(page, user)

    # The slot editor: candidates follow the filters, the policy check follows the choices.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Campaigns").click()
    page.get_by_role("link", name="Create your first campaign").click()
    page.get_by_label("Name", exact=True).fill("Sneaker drop")
    page.get_by_label("Layout").select_option("stacked")
    page.get_by_label("Resolution").select_option("720p")
    page.get_by_label("Duration").fill("1.5")
    page.get_by_label("Captions").fill("Fresh drop\nLink in bio")

    top = page.locator("#slots-0")
    expect(top.locator(".candidate-count")).to_have_attribute("data-count", "3")
    top.get_by_label("Tags").fill("trend")
    expect(top.locator(".candidate-count")).to_have_attribute("data-count", "2")
    expect(top.locator(".candidate .candidate-title")).to_have_text(["Dance trend", "Street trend"])
    expect(page.locator("#slots-1 .candidate .candidate-title")).to_have_text(["Sneaker close-up"])
    expect(page.locator("#slots-2 .candidate-count")).to_have_attribute("data-count", "1")

    policy = page.locator("#policy")
    expect(policy.locator(".policy-result")).to_have_attribute("data-verdict", "ok")
    expect(policy.locator(".original-share")).to_have_text("50%")
    page.get_by_label("Output preset").select_option("youtube_shorts")
    expect(policy.locator(".policy-result")).to_have_attribute("data-verdict", "blocked")
    expect(policy).to_contain_text("youtube_shorts requires at least 67%")
    screenshot("campaign-editor-policy-blocked")
    page.get_by_label("Output preset").select_option("tiktok")
    expect(policy.locator(".policy-result")).to_have_attribute("data-verdict", "ok")

    # A slot added by mistake: no candidates, a third input for a two-input layout; removed.
    page.get_by_role("button", name="Add a slot").click()
    extra = page.locator("#slots-3")
    extra.get_by_label("Slot name").fill("inset")
    extra.get_by_label("Kind").select_option("template")
    expect(extra.locator(".candidate-count")).to_have_attribute("data-count", "0")
    expect(policy).to_contain_text("layout stacked takes 2 inputs, got 3")
    extra.get_by_label("Remove this slot").check()
    expect(policy.locator(".policy-result")).to_have_attribute("data-verdict", "ok")
    screenshot("campaign-editor")

    page.get_by_role("button", name="Create campaign").click()
    expect(page.get_by_text("Created the campaign “Sneaker drop” as a draft.")).to_be_visible()
    campaign = Campaign.objects.get(owner=user)
    assert campaign.slots["top"] == {"kind": "hot_video", "filters": {"tags": ["trend"]}}
    assert campaign.composition_template["output"] == {"platform": "tiktok", "resolution": "720p"}

    # Activate, generate two videos, land on the queue with both pending.
    page.get_by_role("button", name="Activate").click()
    expect(page.locator("h1 .badge")).to_have_text("Active")
    page.get_by_label("How many videos").fill("2")
    page.get_by_role("button", name="Generate now").click()
    expect(page.get_by_text("Queued 2 videos from “Sneaker drop”.")).to_be_visible()
    rows = page.locator("#queue-rows tr[data-status]")
    expect(rows).to_have_count(2)
    expect(page.locator("#queue-rows")).to_have_attribute("data-polling", "on")
    assert Campaign.objects.get(pk=campaign.pk).status == CampaignStatus.ACTIVE

    # A worker renders them; the rows turn ready without a reload.
    page.evaluate("window.__sameDocument = true")
    for _ in range(2):
        item = process_next(worker="e2e")
        assert item is not None and item.status == QueueStatus.READY, item and item.last_error
    expect(page.locator("#queue-rows tr[data-status='ready']")).to_have_count(2, timeout=15_000)
    expect(page.locator("#queue-rows")).to_have_attribute("data-polling", "off")
    expect(page.locator("#queue-tabs [data-status='ready'] .count")).to_have_text("2")
    assert page.evaluate("window.__sameDocument") is True
    screenshot("queue")

    # Open one and play it.
    rows.first.get_by_role("link", name="Watch").click()
    expect(page.locator(".item-status")).to_have_text("Ready")
    video = page.locator("video")
    expect(video).to_be_visible()
    page.wait_for_function("document.querySelector('video').readyState >= 1")
    duration = video.evaluate("v => v.duration")
    assert duration == pytest.approx(1.5, abs=0.2)
    video.evaluate("v => { v.muted = true; return v.play(); }")
    page.wait_for_function("document.querySelector('video').currentTime > 0")
    expect(page.locator(".command")).to_contain_text("ffmpeg")
    expect(page.locator(".log-list")).to_contain_text("Rendered in")
    screenshot("queue-item")
    assert QueueItem.objects.filter(owner=user, status=QueueStatus.READY).count() == 2


def test_batch_progress_updates_live_and_pauses(page, screenshot, material_files):
    user = UserFactory(username="omar")
    for path, (kind, title, _colour, tags) in zip(material_files, MATERIAL, strict=True):
        library_services.media_asset_ingest(owner=user, kind=kind, path=path, title=title, tags=tags)
    template = {
        "inputs": [{"asset": "@hot"}, {"asset": "@product"}],
        "layout": "side_by_side",
        "output": {"platform": None, "width": 160, "height": 90, "fps": 10},
        "duration": 1,
    }
    slots = {"hot": {"kind": "hot_video", "filters": {}}, "product": {"kind": "product", "filters": {}}}
    campaign = campaigns.campaign_create(owner=user, name="Weekly", composition_template=template, slots=slots)
    campaigns.campaign_transition(campaign=campaign, action="activate")
    sign_in(page, user)

    page.goto("/campaigns/")
    expect(page.locator("tr[data-campaign='Weekly'] .badge")).to_have_text("Active")
    screenshot("campaigns")

    page.get_by_role("link", name="Batch jobs").click()
    page.get_by_label("Name").fill("Weekend run")
    page.get_by_label("Campaign").select_option(label="Weekly")
    page.get_by_label("Videos").fill("3")
    page.get_by_role("button", name="Start batch").click()
    row = page.locator("tr[data-batch='Weekend run']")
    expect(row).to_contain_text("0 of 3 done")
    process_next(worker="e2e")
    expect(row).to_contain_text("1 of 3 done")  # htmx polling, no reload
    screenshot("batches")

    row.get_by_role("button", name="Pause").click()
    expect(page.get_by_text("Paused “Weekend run”.")).to_be_visible()
    expect(row.locator(".badge")).to_have_text("Paused")
    assert process_next(worker="e2e") is None
    with page.expect_download() as download:
        row.get_by_role("link", name="CSV").click()
    assert download.value.suggested_filename.startswith("batch-")
    assert "ready" in Path(download.value.path()).read_text()
