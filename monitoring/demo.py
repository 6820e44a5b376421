"""Demo data for `make run`: a login, generated media, and a campaign that starts producing.

Everything here is created once (idempotent by name), through the same services the API
uses, so a new user watches real renders within a minute of `make run`.
"""

from __future__ import annotations

import contextlib
import secrets
from pathlib import Path

from django.db import transaction

from accounts import services as account_services
from accounts.models import SocialAccount, User
from accounts.platforms import Platform
from common.errors import ApplicationError
from library.demo import demo_media_create
from monitoring.models import AutomationJob
from monitoring.services import jobs
from production.models import Campaign
from production.services import campaigns

DEMO_USERNAME = "demo"
DEMO_CAMPAIGN = "Demo: trending + product"
# Sandbox accounts "publish" into local storage: the demo posts end to end with no connection.
DEMO_SANDBOX_ACCOUNTS = ("demo.sandbox.one", "demo.sandbox.two")

DEMO_TEMPLATE = {
    "inputs": [{"asset": "@hot", "mute": True}, {"asset": "@product", "mute": True, "loop": True}],
    "layout": "stacked",
    "output": {"platform": "tiktok", "resolution": "720p"},
    "duration": 6,
    "audio": {"music": {"asset": "@music", "volume": 0.6, "fade_in": 1, "fade_out": 1.5}},
    "text": {
        "captions": {
            "lines": [
                {"start": 0.5, "end": 4, "text": "Made with ReelMill"},
                {"start": 4, "end": 7.5, "text": "Link in bio"},
            ]
        }
    },
}
DEMO_SLOTS = {
    "hot": {"kind": "hot_video", "filters": {"tags": ["trending"]}},
    "product": {"kind": "product", "filters": {"tags": ["product"]}},
    "music": {"kind": "audio", "filters": {"category": "upbeat"}},
}


def demo_user(login_file: Path) -> tuple[User, str]:
    """The demo login (an operator, so the admin is one click away) and its password."""
    user = User.objects.filter(username=DEMO_USERNAME).first()
    if user is None or not login_file.exists():
        password = secrets.token_urlsafe(12)
        if user is None:
            user = account_services.user_create(username=DEMO_USERNAME, password=password, is_staff=True)
        else:
            user.set_password(password)
            user.save(update_fields=["password"])
        login_file.write_text(password)
        login_file.chmod(0o600)
    return user, login_file.read_text().strip()


def demo_media(user: User) -> int:
    return demo_media_create(owner=user)


def demo_sandbox_accounts(user: User) -> list[SocialAccount]:
    accounts = []
    for username in DEMO_SANDBOX_ACCOUNTS:
        account = SocialAccount.objects.filter(owner=user, platform=Platform.SANDBOX, username=username).first()
        accounts.append(
            account or account_services.social_account_create(owner=user, platform=Platform.SANDBOX, username=username)
        )
    return accounts


@transaction.atomic
def demo_campaign(user: User) -> Campaign | None:
    if Campaign.objects.filter(owner=user, name=DEMO_CAMPAIGN).exists():
        return None
    campaign = campaigns.campaign_create(
        owner=user,
        name=DEMO_CAMPAIGN,
        description="Trending clip on top, product below, music and captions. Created by `make run`.",
        composition_template=DEMO_TEMPLATE,
        slots=DEMO_SLOTS,
        target_platforms=[Platform.SANDBOX],
        target_accounts=demo_sandbox_accounts(user),
        caption_template="{product} — {campaign} #{n}",
        hashtag_template="#demo #reelmill",
        videos_per_run=2,
    )
    campaigns.campaign_transition(campaign=campaign, action="activate")
    campaigns.campaign_generate(campaign=campaign)
    return campaign


# Every few minutes, so a new user sees runs, renders and posts within minutes of `make run`.
DEMO_SCHEDULES = {
    "generation_schedule": "*/10 * * * *",
    "upload_schedule": "*/5 * * * *",
    "cleanup_schedule": "0 3 * * *",
}


def demo_automation(user: User) -> bool:
    """The user's standard jobs (generate, upload, cleanup), once: later edits are kept."""
    if AutomationJob.objects.filter(owner=user).exclude(standard="").exists():
        return False
    jobs.automation_initialize(owner=user, videos_per_generation=1, uploads_per_run=2, **DEMO_SCHEDULES)
    return True


DEMO_TOPIC = "home coffee brewing"
# Topics the demo media are tagged for (coffee, beans, cup, kitchen, morning, plants...), so the
# generated videos find matching clips and stills instead of plain cards.
DEMO_GENERATION_TOPICS = ("home coffee brewing", "morning routines", "caring for house plants")


def demo_studio(user: User) -> bool:
    """A script written offline and queued for the offline voice, once: the studio has something to show."""
    from production.studio.models import Script
    from production.studio.services import scripts, voice_overs

    if Script.objects.filter(owner=user).exists():
        return False
    script = scripts.script_generate(owner=user, topic=DEMO_TOPIC, provider="template", target_seconds=30)
    script = scripts.script_write(script_id=script.pk) or script  # the template writer is instant
    # No offline voice on this machine: the script alone still shows the studio.
    with contextlib.suppress(ApplicationError):
        voice_overs.voice_over_create(owner=user, script=script)
    return True


def demo_generation(user: User) -> int:
    """AI studio jobs, once: topic → script → voice → visuals → render → publish to the sandbox accounts."""
    from production.studio.models import GenerationJob
    from production.studio.services.generation import generation_job_create

    if GenerationJob.objects.filter(owner=user, topic__in=DEMO_GENERATION_TOPICS).exists():
        return 0
    targets = demo_sandbox_accounts(user)
    for topic in DEMO_GENERATION_TOPICS:
        generation_job_create(owner=user, topic=topic, target_seconds=20, platform="tiktok", targets=targets)
    return len(DEMO_GENERATION_TOPICS)
