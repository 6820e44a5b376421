"""Automation in the browser: initialize from the Jobs page, see the jobs and next runs, run one
now, see its run in the history and the overview numbers change."""

import pytest
from playwright.sync_api import expect

from monitoring.models import AutomationJob, JobRun, RunStatus
from production.models import QueueItem
from tests.e2e.test_library_journey import sign_in
from tests.factories import UserFactory
from tests.monitoring.conftest import active_campaign, eager_celery  # noqa: F401
from tests.production.conftest import assets_for, clip_files  # noqa: F401


@pytest.mark.usefixtures("transactional_db", "eager_celery")
def test_initialize_automation_run_now_and_watch_the_overview(page, screenshot, request):
    user = UserFactory(time_zone="Europe/Berlin")
    request.getfixturevalue("active_campaign")(user, name="Summer promo")
    sign_in(page, user)

    page.goto("/")
    expect(page.locator("[data-stat='generated'] strong")).to_have_text("0")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Jobs").click()
    expect(page.get_by_text("No automation yet")).to_be_visible()

    form = page.locator("#initialize")
    form.get_by_label("Generation schedule").fill("*/30 * * * *")
    form.get_by_label("Videos per generation").fill("2")
    form.get_by_label("Uploads per run").fill("3")
    form.get_by_role("button", name="Start automation").click()
    expect(page.get_by_text("Automation is on")).to_be_visible()

    generate = page.locator("tr[data-job='Generate videos']")
    expect(generate.locator(".schedule")).to_contain_text("Every 30 minutes")
    expect(generate.locator(".schedule")).to_contain_text("Europe/Berlin")
    expect(page.locator("tr[data-job='Upload videos'] .schedule")).to_contain_text("Every 2 hours")
    expect(page.locator("tr[data-job='Clean up'] .schedule")).to_contain_text("At 03:00")
    for name in ("Generate videos", "Upload videos", "Clean up"):
        expect(page.locator(f"tr[data-job='{name}'] .next-run")).to_contain_text("from now")
    expect(generate.locator(".last-run")).to_have_text("Never run")
    screenshot("jobs-initialized")

    generate.get_by_role("button", name="Run now").click()
    expect(page.get_by_text("“Generate videos” is queued to run now.")).to_be_visible()
    expect(generate.locator(".last-run .badge")).to_have_text("Success")
    history = page.locator("#runs-table")
    expect(history).to_contain_text("Generated: 2")
    expect(history.locator(".badge").first).to_have_text("Success")
    screenshot("jobs-after-run")

    generate.get_by_role("link", name="Generate videos").click()
    expect(page.locator("#upcoming li")).to_have_count(5)
    expect(page.locator("#runs-table tbody tr")).to_have_count(1)
    expect(page.locator("#runs-table")).to_contain_text(" s")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Overview").click()
    expect(page.locator("[data-stat='generated'] strong")).to_have_text("2")
    expect(page.locator("#next-runs")).to_contain_text("Generate videos")
    screenshot("overview-after-run")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Monitoring").click()
    expect(page.locator("li[data-check='database'] .badge")).to_have_text("OK")
    expect(page.locator("#snapshots")).to_be_visible()
    screenshot("monitoring")

    assert AutomationJob.objects.filter(owner=user).count() == 3
    run = JobRun.objects.get(job__name="Generate videos")
    assert run.status == RunStatus.SUCCESS and run.counts["generated"] == 2
    assert QueueItem.objects.filter(owner=user).count() == 2
