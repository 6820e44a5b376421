"""The one send service: every target reserved first, refusals that say why, accounts that cannot
post never called, no video twice on one account, per-account text, the AI label."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from accounts.limits import RefusalCode
from accounts.models import AccountPost
from common.errors import ApplicationError
from distribution.models import Upload, UploadStatus
from distribution.services import publishing, reservation
from distribution.services.sending import Target, uploads_send
from production.models import Campaign, QueueStatus

PASSWORD_REFUSAL = "Connect this TikTok account with TikTok to post: the official API does not accept passwords"


@pytest.fixture
def sandbox(user, account_factory):
    def make(**fields):
        return account_factory(owner=user, platform="sandbox", upload_cooldown_minutes=0, **fields)

    return make


def test_every_target_is_reserved_then_sent_and_refusals_say_why(user, ready_item, sandbox):
    first, second = sandbox(username="first"), sandbox(username="second")
    item = ready_item(user)

    sent = uploads_send(
        item=item, targets=[Target(account=first), Target(account=second), Target(platform="tiktok")], publish_now=True
    )

    assert [upload.account for upload in sent.uploads] == [first, second]
    assert all(upload.status == UploadStatus.SUCCESS for upload in sent.uploads)
    [refusal] = sent.refusals
    assert refusal.code == RefusalCode.NO_ACCOUNT and refusal.target == "the best TikTok account"
    assert refusal.message == "You have no active TikTok account to post to."
    item.refresh_from_db()
    assert item.status == QueueStatus.UPLOADED  # closed only once both targets were posted


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"privacy": "secret"}, "privacy"),
        ({"scheduled_at": datetime(2001, 1, 1, tzinfo=UTC)}, "scheduled_at"),
        ({"options": {"tiktok_mode": "shout"}}, "tiktok_mode"),
        ({"options": {"explode": True}}, "options"),
        ({"first_comment": "x" * 2201}, "first_comment"),
    ],
)
def test_bad_input_is_refused_before_anything_is_written(user, ready_item, sandbox, kwargs, field):
    accounts = [sandbox(), sandbox()]
    with pytest.raises(ApplicationError) as caught:
        uploads_send(item=ready_item(user), targets=[Target(account=a) for a in accounts], **kwargs)
    assert field in caught.value.fields
    assert not Upload.objects.exists() and not AccountPost.objects.exists()


def test_a_privacy_the_platform_does_not_have_is_refused_for_that_target_only(
    user, ready_item, connect, tiktok, sandbox
):
    creator, local = connect(user, "tiktok", tiktok), sandbox()

    sent = uploads_send(
        item=ready_item(user), targets=[Target(account=creator), Target(account=local)], privacy="unlisted"
    )

    [refusal] = sent.refusals
    assert refusal.code == RefusalCode.OPTION_REFUSED and "unlisted" in refusal.message
    assert [upload.account for upload in sent.uploads] == [local] and tiktok.requests == []


def test_a_password_only_account_is_stored_but_never_used_nor_called(user, ready_item, account_factory, tiktok):
    """The seed's shape: a username and a password. No official API takes a password."""
    seeded = account_factory(owner=user, platform="tiktok", username="seeded", password="hunter2")
    item = ready_item(user, "tiktok")

    explicit = uploads_send(item=item, targets=[Target(account=seeded)], publish_now=True)
    best = uploads_send(item=item, targets=[Target(platform="tiktok")], publish_now=True)

    [refusal] = explicit.refusals
    assert refusal.code == RefusalCode.NOT_CONNECTED and refusal.next_at is None
    assert refusal.message == f"TikTok @seeded cannot post: {PASSWORD_REFUSAL}."
    assert best.refusals[0].code == RefusalCode.NOT_CONNECTED and "@seeded" in best.refusals[0].message
    assert not Upload.objects.exists() and not AccountPost.objects.exists()
    assert tiktok.requests == []  # nothing ever went to the platform


def test_an_expired_token_without_refresh_is_not_connected_and_not_sent(user, ready_item, connect, youtube):
    account = connect(user, "youtube", youtube, refresh_token="", token_expires_at=timezone.now() - timedelta(hours=1))
    item = ready_item(user, "youtube")

    [refusal] = uploads_send(item=item, targets=[Target(account=account)]).refusals

    assert refusal.code == RefusalCode.NOT_CONNECTED and "access token expired" in refusal.reason
    assert youtube.requests == [] and not Upload.objects.exists()


def test_a_token_that_expired_after_the_reservation_is_failed_without_calling(user, ready_item, connect, youtube):
    account = connect(user, "youtube", youtube, refresh_token="")
    upload = reservation.upload_reserve(queue_item=ready_item(user, "youtube"), account=account)
    account.token_expires_at = timezone.now() - timedelta(minutes=1)
    account.save()

    upload = publishing.upload_publish(upload_id=upload.pk)

    assert upload.status == UploadStatus.FAILED and upload.error_kind == "not_connected"
    assert "connect it with YouTube again" in upload.last_error
    assert youtube.requests == [] and not AccountPost.objects.filter(account=account).exists()


def test_the_same_video_is_never_posted_twice_to_one_account(user, ready_item, sandbox):
    account, other = sandbox(), sandbox()
    original = ready_item(user)
    copy = ready_item(user, same_file_as=original)  # another queue item, byte for byte the same file
    posted = uploads_send(item=original, targets=[Target(account=account)], publish_now=True).uploads[0]

    sent = uploads_send(item=copy, targets=[Target(account=account), Target(account=other)], publish_now=True)

    [refusal] = sent.refusals
    assert refusal.code == RefusalCode.DUPLICATE and refusal.account == account
    assert refusal.link == posted.upload_url and posted.upload_url in refusal.message
    assert "already carries this video" in refusal.message
    assert [upload.account for upload in sent.uploads] == [other]  # a different account may take it
    with pytest.raises(ApplicationError) as caught:  # whatever queue item the same file comes from
        reservation.upload_reserve(queue_item=ready_item(user, same_file_as=original), account=account)
    assert caught.value.code == "duplicate_content" and caught.value.extra["link"] == posted.upload_url


def test_a_failed_or_cancelled_copy_does_not_block_the_video(user, ready_item, sandbox):
    account = sandbox()
    original = ready_item(user)
    waiting = reservation.upload_reserve(queue_item=original, account=account, at=timezone.now() + timedelta(days=1))
    publishing.upload_cancel(upload=waiting)

    upload = reservation.upload_reserve(queue_item=ready_item(user, same_file_as=original), account=account)

    assert upload.status == UploadStatus.PENDING and upload.checksum == original.output_asset.checksum


def test_studio_videos_and_asked_ones_carry_the_synthetic_flag_to_the_adapter(
    user, ready_item, connect, youtube, tiktok
):
    channel = connect(user, "youtube", youtube, upload_cooldown_minutes=0)
    creator = connect(user, "tiktok", tiktok)
    studio = ready_item(user, "youtube")
    studio.metadata = {"generation_job": 1, "synthetic": True}  # what the AI studio writes
    studio.save(update_fields=["metadata"])
    plain, labelled = ready_item(user, "youtube"), ready_item(user, "tiktok")

    made = uploads_send(item=studio, targets=[Target(account=channel)], publish_now=True).uploads[0]
    uploads_send(item=plain, targets=[Target(account=channel)], publish_now=True)
    asked = uploads_send(item=labelled, targets=[Target(account=creator)], synthetic=True, publish_now=True)

    assert made.options["synthetic"] is True and made.synthetic
    flags = {video.sha256: video.status.get("containsSyntheticMedia") for video in youtube.videos.values()}
    assert sorted(flags.values()) == [False, True]
    assert asked.uploads[0].options["synthetic"] is True
    [publish] = tiktok.publishes.values()
    assert publish.post_info["is_aigc"] is True


def test_each_target_account_gets_its_own_caption_variant(user, ready_item, sandbox):
    accounts = [sandbox(username=f"shop{n}") for n in range(3)]
    own = sandbox(username="own_words")
    campaign = Campaign.objects.create(
        owner=user,
        name="Spring",
        target_platforms=["sandbox"],
        caption_template="{Hi|Hello|Hey} from {campaign}",
        hashtag_template="#{spring|bloom|fresh}",
        account_captions={str(own.pk): {"caption": "Only for {campaign} fans", "hashtags": "#mine"}},
    )
    campaign.target_accounts.set([*accounts, own])
    item = ready_item(user, campaign=campaign, caption="Hi from Spring")
    item.metadata = {"caption_variables": {"campaign": "Spring", "n": 1}}
    item.save(update_fields=["metadata"])

    sent = uploads_send(item=item, targets=[Target(account=a) for a in [*accounts, own]])

    texts = {upload.account.username: (upload.caption, tuple(upload.hashtags)) for upload in sent.uploads}
    assert len({texts[a.username] for a in accounts}) == 3  # three accounts, three different posts
    assert {caption for caption, _ in texts.values()} >= {"Hi from Spring", "Hello from Spring", "Hey from Spring"}
    assert texts["own_words"] == ("Only for Spring fans", ("#mine",))
    # Deterministic: the same video and account always get the same words.
    for upload in sent.uploads:
        publishing.upload_cancel(upload=upload)
    again = uploads_send(item=item, targets=[Target(account=a) for a in accounts]).uploads
    assert {u.account.username: (u.caption, tuple(u.hashtags)) for u in again} == {
        a.username: texts[a.username] for a in accounts
    }
