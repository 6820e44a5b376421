"""Monitoring tests: real library assets and ready videos from the other apps' fixtures."""

from __future__ import annotations

import pytest

from monitoring.services import jobs
from production.models import Campaign, CampaignStatus
from tests.distribution.conftest import base_video, ready_item, rendered_asset, tiktok  # noqa: F401
from tests.production.conftest import assets_for, clip_files  # noqa: F401

TEMPLATE = {
    "inputs": [{"asset": "@top"}, {"asset": "@bottom"}],
    "layout": "stacked",
    "output": {"platform": None, "width": 90, "height": 160, "fps": 10},
    "duration": 1,
}
SLOTS = {"top": {"kind": "template"}, "bottom": {"kind": "product"}}


@pytest.fixture(autouse=True)
def _fast(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.ALERT_WEBHOOK_URL = ""


@pytest.fixture
def active_campaign(assets_for):  # noqa: F811 - the fixture imported above
    """active_campaign(owner, **fields): an active campaign whose slots the owner's library fills."""

    stocked = set()

    def make(owner, name="Promo", **fields):
        if owner.pk not in stocked:
            assets_for(owner)
            stocked.add(owner.pk)
        fields = {"target_platforms": ["sandbox"], "videos_per_run": 1} | fields
        return Campaign.objects.create(
            owner=owner,
            name=name,
            status=CampaignStatus.ACTIVE,
            composition_template=TEMPLATE,
            slots=SLOTS,
            **fields,
        )

    return make


@pytest.fixture
def make_job():
    def make(owner, job_type="generate", cron="0 * * * *", **fields):
        fields.setdefault("name", f"{job_type} job {owner.automation_jobs.count() + 1}")
        return jobs.automation_job_create(owner=owner, job_type=job_type, cron=cron, **fields)

    return make


@pytest.fixture
def eager_celery():
    """Tasks run in this process when sent (the tests that want a run now, without a worker)."""
    from config.celery import app

    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False
