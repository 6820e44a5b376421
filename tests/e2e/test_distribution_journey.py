"""A creator's journey with the sandbox platform: a rendered video is published from its page,
turns "success" on the Uploads page, its post is opened, it shows on the calendar next to a
scheduled one, and its engagement is fetched on the video's page."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.decorators import login_not_required
from django.urls import re_path
from django.utils import timezone
from django.views.static import serve
from playwright.sync_api import expect

from accounts.services import social_account_create
from config.urls import urlpatterns as site_urlpatterns
from distribution.models import Upload, UploadStatus
from library import services as library_services
from production.models import QueueStatus
from production.services.queue import NewItem, queue_items_add
from production.services.render import process_next
from tests.e2e.test_production_journey import sign_in
from tests.factories import UserFactory
from tests.library.conftest import celery_eager  # noqa: F401 - requested once the videos are rendered
from tests.production.conftest import _clip, stacked_spec

TIME_ZONE = "Europe/Berlin"


@login_not_required
def _media(request, path):
    return serve(request, path, document_root=django_settings.MEDIA_ROOT)


# The sandbox's post URL is a MEDIA URL, which the live server (DEBUG off) serves only through this.
urlpatterns = [*site_urlpatterns, re_path(r"^media/(?P<path>.*)$", _media)]
pytestmark = pytest.mark.urls(__name__)


@pytest.fixture(scope="module")
def clips(tmp_path_factory):
    folder = tmp_path_factory.mktemp("distribution-journey")
    return [_clip(folder / "top.mp4", "magenta"), _clip(folder / "bottom.mp4", "orange")]


def render_videos(user, clips, count: int):
    top, bottom = (
        library_services.media_asset_ingest(owner=user, kind=kind, path=path, title=kind, royalty_free=True)
        for kind, path in zip(("template", "product"), clips, strict=True)
    )
    # Each video its own: ReelMill refuses to post byte-identical videos twice.
    specs = [stacked_spec(top, bottom, text={"title": {"text": f"Drop {n + 1}"}}) for n in range(count)]
    queue_items_add(owner=user, items=[NewItem(spec=spec, caption="Fresh drop", hashtags=("#demo",)) for spec in specs])
    items = [process_next(worker="e2e") for _ in range(count)]
    assert all(item.status == QueueStatus.READY for item in items), [item.last_error for item in items]
    return items


def test_publish_to_sandbox_and_follow_the_post(page, screenshot, clips, request):
    user = UserFactory(username="nadia", time_zone=TIME_ZONE)
    social_account_create(owner=user, platform="sandbox", username="demo_channel")
    social_account_create(owner=user, platform="sandbox", username="backup_channel")
    first, second = render_videos(user, clips, 2)
    # The view sends the publish task on commit; with eager Celery it runs inside that request.
    # (Set on the Celery app: an earlier test's override there would hide a settings change.)
    request.getfixturevalue("celery_eager")
    sign_in(page, user)

    # Publish the first video from its page to one sandbox account.
    page.goto(f"/queue/{first.queue_id}/")
    panel = page.locator("#publish")
    panel.get_by_label("Sandbox (local) @demo_channel").check()
    panel.get_by_label("Privacy").select_option("unlisted")
    screenshot("item-publish")
    panel.get_by_role("button", name="Publish").click()
    expect(
        page.get_by_text(f"Publishing video {str(first.queue_id)[:8]} to Sandbox (local) @demo_channel.")
    ).to_be_visible()
    expect(page.locator(".item-uploads li[data-status='success']")).to_have_count(1)
    expect(page.locator(".item-status")).to_have_text("Uploaded")

    # The Uploads page: success, full progress, and a post that serves the very file.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Uploads").click()
    row = page.locator("#upload-rows tr[data-status]")
    expect(row).to_have_count(1)
    expect(row).to_have_attribute("data-status", "success")
    expect(row.locator(".badge")).to_have_text("Success")
    expect(row.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "100")
    expect(row.locator(".account-cell")).to_contain_text("@demo_channel")
    expect(page.locator("#upload-rows")).to_have_attribute("data-polling", "off")
    post = page.request.get(row.get_by_role("link", name="view post").get_attribute("href"))
    assert post.status == 200
    original = first.output_asset.file.open("rb").read()
    assert hashlib.sha256(post.body()).digest() == hashlib.sha256(original).digest()
    screenshot("uploads")

    # Its detail: the audit trail of the local copy, nothing to retry or cancel.
    row.get_by_role("link", name="Details").click()
    expect(page.locator(".upload-status .badge")).to_have_text("Success")
    expect(page.locator("#attempts tr[data-outcome]")).to_have_count(1)
    expect(page.locator("#attempts")).to_contain_text("sandbox: published")
    expect(page.get_by_role("button", name="Retry")).to_have_count(0)
    screenshot("upload-detail")

    # The second video is scheduled for tomorrow 10:00 Berlin time on the other account.
    local_now = timezone.now().astimezone(ZoneInfo(TIME_ZONE))
    tomorrow = (local_now + timedelta(days=1)).date()
    page.goto(f"/queue/{second.queue_id}/")
    panel = page.locator("#publish")
    panel.get_by_label("Sandbox (local) @backup_channel").check()
    panel.get_by_label("Schedule for").fill(f"{tomorrow:%Y-%m-%d}T10:00")
    panel.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("Publishing video")).to_contain_text("@backup_channel on ")
    scheduled = Upload.objects.get(queue_item=second)
    assert scheduled.status == UploadStatus.PENDING
    assert scheduled.scheduled_at.astimezone(ZoneInfo(TIME_ZONE)).strftime("%Y-%m-%d %H:%M") == f"{tomorrow} 10:00"

    # Both on the calendar, each on its local day; the scheduled one also under Scheduled.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Uploads").click()
    page.locator("nav.subnav").get_by_role("link", name="Scheduled").click()
    expect(page.locator(f"#scheduled-{scheduled.upload_id}")).to_contain_text("@backup_channel")
    page.locator("nav.subnav").get_by_role("link", name="Calendar").click()
    expect(page.locator("#calendar-range")).to_contain_text(f"times in {TIME_ZONE}")
    today_cell = page.locator(f".cal-cell[data-account='demo_channel'][data-day='{local_now.date():%Y-%m-%d}']")
    expect(today_cell.locator(".chip")).to_have_attribute("data-status", "success")
    if tomorrow.weekday() == 0:  # today is Sunday: tomorrow is next week
        page.get_by_role("link", name="Next week →").click()
    tomorrow_cell = page.locator(f".cal-cell[data-account='backup_channel'][data-day='{tomorrow:%Y-%m-%d}']")
    expect(tomorrow_cell.locator(".chip")).to_contain_text("10:00 scheduled")
    screenshot("calendar")
    tomorrow_cell.locator(".chip").click()
    expect(page.get_by_role("button", name="Cancel")).to_be_visible()

    # Engagement on the first video's page: fetched twice, so a sparkline appears.
    page.goto(f"/queue/{first.queue_id}/")
    engagement = page.locator("#engagement")
    expect(engagement).to_contain_text("@demo_channel")
    engagement.get_by_role("button", name="Refresh metrics").click()
    expect(page.get_by_text("Fetched the numbers of 1 post.")).to_be_visible()
    views = page.locator("#engagement [data-count='views']")
    assert int(views.inner_text().replace(",", "")) >= 5
    page.locator("#engagement").get_by_role("button", name="Refresh metrics").click()
    expect(page.locator("#engagement svg.sparkline")).to_have_count(1)
    page.locator("#engagement").scroll_into_view_if_needed()
    screenshot("item-engagement")
