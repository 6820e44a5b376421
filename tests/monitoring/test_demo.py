from io import StringIO

from django.core.management import call_command
from django_celery_beat.models import PeriodicTask

from accounts.models import SocialAccount, User
from library import selectors as library_selectors
from library.models import MediaAsset
from monitoring.models import AutomationJob
from production.models import Campaign, CampaignStatus, QueueItem
from production.studio.models import GenerationJob, Script, ScriptStatus, VoiceOver


def test_demo_setup_creates_a_working_demo_once(db, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    out = StringIO()
    call_command("demo_setup", stdout=out)
    password = (tmp_path / "demo-login.txt").read_text()
    assert f"password '{password}'" in out.getvalue()
    user = User.objects.get(username="demo")
    assert user.check_password(password) and user.is_staff
    campaign = Campaign.objects.get(owner=user)
    assert campaign.status == CampaignStatus.ACTIVE
    assert QueueItem.objects.filter(campaign=campaign).count() == campaign.videos_per_run
    mixes = 1
    for slot in campaign.slots.values():
        assets = library_selectors.media_asset_list(user=user).filter(kind=slot["kind"], status="ready")
        mixes *= library_selectors.media_asset_filter(assets, slot.get("filters", {})).count()
    assert mixes >= 12, "the demo media give the campaign room for many distinct videos"
    assert campaign.pool_exhausted_at is None and not campaign.pool_message
    assert campaign.target_platforms == ["sandbox"]
    assert SocialAccount.objects.filter(owner=user, platform="sandbox").count() == 2
    assert set(AutomationJob.objects.filter(owner=user).values_list("standard", flat=True)) == {
        "generate",
        "upload",
        "cleanup",
    }
    assert PeriodicTask.objects.filter(task="monitoring.run_job", enabled=True).count() == 3
    script = Script.objects.get(owner=user)
    assert script.status == ScriptStatus.READY and script.scenes
    assert VoiceOver.objects.filter(owner=user, script=script).exists()
    generation_jobs = GenerationJob.objects.filter(owner=user)
    assert generation_jobs.count() >= 2
    sandbox = set(SocialAccount.objects.filter(owner=user, platform="sandbox"))
    assert all(set(job.target_accounts.all()) == sandbox for job in generation_jobs)
    assert "AI studio videos" in out.getvalue()

    counts = (MediaAsset.objects.count(), QueueItem.objects.count())
    again = StringIO()
    call_command("demo_setup", stdout=again)
    assert f"password '{password}'" in again.getvalue(), "the same login is printed on every start"
    assert (MediaAsset.objects.count(), QueueItem.objects.count()) == counts
    assert GenerationJob.objects.count() == generation_jobs.count()
    assert "AI studio videos" not in again.getvalue()
    assert Script.objects.count() == 1 and VoiceOver.objects.count() == 1
    assert AutomationJob.objects.count() == 3 and SocialAccount.objects.count() == 2


def test_demo_can_be_switched_off(db, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    settings.REELMILL_DEMO = False
    call_command("demo_setup", stdout=StringIO())
    assert not User.objects.exists()
