"""Dashboard pages: campaigns and the slot editor, the queue, item detail, batch jobs."""

from __future__ import annotations

import json
import uuid

import pytest
from django.urls import reverse

from library.models import MediaAsset
from production.models import BatchJob, Campaign, CampaignStatus, QueueItem, QueueStatus
from production.services import batches, campaigns, queue
from production.services.render import process_next
from tests.production.conftest import SMALL_OUTPUT, stacked_spec

SLOT_FIELDS = ("name", "kind", "tags", "category", "mood", "orientation", "royalty_free", "extra")


@pytest.fixture
def signed_in(client, user):
    client.force_login(user)
    return client


def slot_data(index: int, name: str, kind: str, **fields) -> dict:
    data = {f"slots-{index}-{key}": "" for key in SLOT_FIELDS}
    data.update({f"slots-{index}-name": name, f"slots-{index}-kind": kind})
    data.update({f"slots-{index}-{key}": value for key, value in fields.items()})
    return data


def editor_data(*slots: dict, **fields) -> dict:
    """A complete editor POST: stacked template over a hot video and a product, music on."""
    data = {
        "name": "Summer drop",
        "description": "",
        "content_type": "hot_mashup",
        "videos_per_run": "2",
        "priority": "1",
        "distribution_strategy": "round_robin",
        "caption_template": "{campaign} #{n}",
        "hashtag_template": "#summer",
        "mode": "builder",
        "layout": "stacked",
        "platform": "tiktok",
        "resolution": "720p",
        "duration": "1",
        "music": "on",
        "music_volume": "0.3",
        "music_fade_in": "0.2",
        "music_fade_out": "0.2",
        "captions": "",
        "template_json": "",
    }
    slots = slots or (
        slot_data(0, "top", "hot_video", tags="promo", mute="on"),
        slot_data(1, "bottom", "product"),
        slot_data(2, "music", "audio", royalty_free="yes"),
    )
    data.update({"slots-TOTAL_FORMS": str(len(slots)), "slots-INITIAL_FORMS": "0"})
    for slot in slots:
        data.update(slot)
    data.update(fields)
    return {key: value for key, value in data.items() if value is not None}


def make_campaign(user, *, status=CampaignStatus.ACTIVE, name="Small", **fields) -> Campaign:
    template = {
        "inputs": [{"asset": "@top"}, {"asset": "@bottom"}],
        "layout": "stacked",
        "output": dict(SMALL_OUTPUT),
        "duration": 1,
    }
    slots = {"top": {"kind": "template", "filters": {}}, "bottom": {"kind": "product", "filters": {}}}
    campaign = campaigns.campaign_create(owner=user, name=name, composition_template=template, slots=slots, **fields)
    if status != CampaignStatus.DRAFT:
        campaigns.campaign_transition(campaign=campaign, action="activate")
    return campaign


def add_item(user, spec, **kwargs) -> QueueItem:
    [item] = queue.queue_items_add(owner=user, items=[queue.NewItem(spec=spec)], **kwargs)
    return item


# Access ------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/campaigns/", "/campaigns/new/", "/queue/", "/queue/rows/", "/batches/"])
def test_pages_need_a_login(client, db, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:sign-in"))


def test_navigation_lists_campaigns_and_queue(signed_in):
    html = signed_in.get("/campaigns/").content.decode()
    assert 'href="/campaigns/"' in html and 'href="/queue/"' in html


def test_other_users_objects_are_404_on_every_route(signed_in, other_user, assets_for):
    theirs = assets_for(other_user)
    campaign = make_campaign(other_user)
    item = add_item(other_user, stacked_spec(theirs["template"], theirs["product"], output=dict(SMALL_OUTPUT)))
    batch = batches.batch_create(owner=other_user, name="Theirs", campaign=campaign, count=1)
    gets = [
        f"/campaigns/{campaign.pk}/",
        f"/queue/{item.queue_id}/",
        f"/queue/{uuid.uuid4()}/",
        f"/batches/{batch.pk}/export.csv",
    ]
    posts = [
        f"/campaigns/{campaign.pk}/",
        f"/campaigns/{campaign.pk}/generate/",
        f"/campaigns/{campaign.pk}/pause/",
        f"/campaigns/{campaign.pk}/duplicate/",
        f"/campaigns/{campaign.pk}/delete/",
        f"/queue/{item.queue_id}/cancel/",
        f"/queue/{item.queue_id}/retry/",
        f"/batches/{batch.pk}/pause/",
        f"/batches/{batch.pk}/cancel/",
    ]
    for url in gets:
        assert signed_in.get(url).status_code == 404, url
    for url in posts:
        assert signed_in.post(url).status_code == 404, url
    campaign.refresh_from_db()
    item.refresh_from_db()
    batch.refresh_from_db()
    assert campaign.status == CampaignStatus.ACTIVE and Campaign.objects.count() == 1
    assert item.status == QueueStatus.PENDING and batch.status == "running"
    # Their rows are not listed either.
    assert "Small" not in signed_in.get("/campaigns/").content.decode()
    assert str(item.queue_id)[:8] not in signed_in.get("/queue/").content.decode()
    assert "Theirs" not in signed_in.get("/batches/").content.decode()


def test_unknown_actions_are_404(signed_in, user, assets):
    campaign = make_campaign(user)
    item = add_item(user, stacked_spec(assets["template"], assets["product"]))
    batch = batches.batch_create(owner=user, name="Mine", campaign=campaign, count=1)
    assert signed_in.post(f"/campaigns/{campaign.pk}/explode/").status_code == 404
    assert signed_in.post(f"/queue/{item.queue_id}/explode/").status_code == 404
    assert signed_in.post(f"/batches/{batch.pk}/explode/").status_code == 404
    assert signed_in.get(f"/batches/{batch.pk}/export.xml").status_code == 404
    assert signed_in.get(f"/queue/{item.queue_id}/cancel/").status_code == 405


# Campaigns ---------------------------------------------------------------------------------


def test_new_campaign_page_shows_default_slots_with_candidates(signed_in, assets):
    html = signed_in.get("/campaigns/new/").content.decode()
    assert 'value="top"' in html and 'value="bottom"' in html and 'value="music"' in html
    assert "slots-0-candidates" in html
    # Two hot videos, one product, one music track in the library.
    assert 'data-count="2"' in html and 'data-count="1"' in html
    assert f"/library/{assets['hot'].pk}/thumbnail/" in html


def test_create_campaign_through_the_slot_editor(signed_in, user, assets, account_factory):
    mine = account_factory(owner=user, username="shop")
    data = editor_data(target_accounts=[str(mine.pk)], target_platforms=["tiktok"], captions="New drop!\nLink in bio")
    data[f"weight_{mine.pk}"] = "3"
    response = signed_in.post("/campaigns/new/", data)
    campaign = Campaign.objects.get(owner=user)
    assert response.status_code == 302 and response.url == f"/campaigns/{campaign.pk}/"
    assert campaign.status == CampaignStatus.DRAFT
    assert campaign.composition_template == {
        "inputs": [{"asset": "@top", "mute": True}, {"asset": "@bottom"}],
        "layout": "stacked",
        "output": {"platform": "tiktok", "resolution": "720p"},
        "duration": 1.0,
        "audio": {"music": {"asset": "@music", "volume": 0.3, "fade_in": 0.2, "fade_out": 0.2}},
        "text": {
            "captions": {
                "lines": [
                    {"start": 0.0, "end": 0.5, "text": "New drop!"},
                    {"start": 0.5, "end": 1.0, "text": "Link in bio"},
                ]
            }
        },
    }
    assert campaign.slots == {
        "top": {"kind": "hot_video", "filters": {"tags": ["promo"]}},
        "bottom": {"kind": "product", "filters": {}},
        "music": {"kind": "audio", "filters": {"royalty_free": True}},
    }
    assert list(campaign.target_accounts.all()) == [mine]
    assert campaign.target_platforms == ["tiktok"] and campaign.account_weights == {str(mine.pk): 3.0}

    # The edit page reads the template back into the editor fields, not the raw JSON.
    html = signed_in.get(f"/campaigns/{campaign.pk}/").content.decode()
    assert 'value="builder" id="id_mode_0" required checked' in html
    assert "New drop!\nLink in bio</textarea>" in html
    # Saving it unchanged keeps the template as it was.
    signed_in.post(f"/campaigns/{campaign.pk}/", {**data, "slots-INITIAL_FORMS": "3"})
    campaign.refresh_from_db()
    assert campaign.composition_template["inputs"][0] == {"asset": "@top", "mute": True}


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"name": ""}, "This field is required."),
        ({"videos_per_run": "0"}, "greater than or equal to 1"),
        ({"duration": "-2"}, "greater than or equal to 0.5"),
        ({"layout": "carousel"}, "Select a valid choice"),
        ({"slots-0-name": "Top Slot"}, "Lower-case letters"),
        ({"slots-0-kind": "rendered"}, "Select a valid choice"),
        ({"slots-1-name": "top"}, "Another slot is already called top"),
        ({"slots-2-kind": "image"}, "Add a slot of kind “Audio track” for the music"),
        ({"layout": "single"}, "layout single takes 1 inputs, got 2"),
        ({"mode": "advanced", "template_json": "{not json"}, "Not valid JSON"),
        ({"mode": "advanced", "template_json": '{"inputs": [{"asset": "@nowhere"}]}'}, "which has no slot definition"),
        ({"starts_at": "2026-05-02T10:00", "ends_at": "2026-05-01T10:00"}, "Must be after the start."),
        ({"distribution_strategy": "weighted"}, "Weighted distribution needs a weight"),
        ({"target_accounts": ["999999"]}, "Select a valid choice"),
        ({"slots-0-extra": '{"duration_min": "soon"}'}, "Enter a number"),
    ],
)
def test_editor_bad_input_shows_errors_and_writes_nothing(signed_in, assets, change, error):
    response = signed_in.post("/campaigns/new/", editor_data(**change))
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not Campaign.objects.exists()


def test_editor_refuses_another_users_account_and_duplicate_names(signed_in, user, assets, account_factory):
    theirs = account_factory(username="not_mine")
    response = signed_in.post("/campaigns/new/", editor_data(target_accounts=[str(theirs.pk)]))
    assert "Select a valid choice" in response.content.decode()
    assert "not_mine" not in response.content.decode()
    make_campaign(user, name="Summer drop")
    response = signed_in.post("/campaigns/new/", editor_data())
    assert "You already have a campaign with this name." in response.content.decode()
    assert Campaign.objects.count() == 1


def test_advanced_json_is_saved_as_given(signed_in, user, assets):
    template = {
        "inputs": [{"asset": "@top", "trim_in": 0.1}, {"asset": "@bottom"}],
        "layout": {"kind": "picture_in_picture", "corner": "top_left"},
        "output": {"platform": "tiktok", "resolution": "720p"},
    }
    data = editor_data(slot_data(0, "top", "hot_video"), slot_data(1, "bottom", "product"))
    data.update(mode="advanced", template_json=json.dumps(template), music="")
    assert signed_in.post("/campaigns/new/", data).status_code == 302
    campaign = Campaign.objects.get()
    assert campaign.composition_template == template
    html = signed_in.get(f"/campaigns/{campaign.pk}/").content.decode()
    assert 'value="advanced" id="id_mode_1" required checked' in html
    assert "&quot;corner&quot;: &quot;top_left&quot;" in html


def test_slot_candidates_follow_the_filters(signed_in, user, assets):
    url = "/campaigns/slot-candidates/"
    promo = signed_in.get(url, {"prefix": "slots-4", "slots-4-name": "top", "slots-4-kind": "hot_video"})
    assert 'data-count="2"' in promo.content.decode()
    assert f"/library/{assets['hot2'].pk}/thumbnail/" in promo.content.decode()
    none = signed_in.get(
        url, {"prefix": "slots-4", "slots-4-name": "top", "slots-4-kind": "hot_video", "slots-4-tags": "nope"}
    )
    assert "No ready assets match" in none.content.decode()
    bad = signed_in.get(url, {"prefix": "slots-4", "slots-4-name": "Top!", "slots-4-kind": "hot_video"})
    assert "Fix this slot" in bad.content.decode()
    assert signed_in.get(url, {"prefix": "evil"}).status_code == 404


def test_slot_candidates_never_show_other_users_assets(signed_in, other_user, assets_for):
    assets_for(other_user)
    html = signed_in.get(
        "/campaigns/slot-candidates/", {"prefix": "slots-0", "slots-0-name": "top", "slots-0-kind": "hot_video"}
    ).content.decode()
    assert "No ready assets match" in html


def test_policy_check_shows_the_original_share(signed_in, assets):
    ok = signed_in.post("/campaigns/check/", editor_data()).content.decode()
    assert 'data-verdict="ok"' in ok
    assert '<strong class="original-share">50%</strong>' in ok
    assert "sets no minimum" in ok
    assert 'hx-swap-oob="true"' in ok and "&quot;@top&quot;" in ok  # the JSON textarea follows the editor

    shorts = signed_in.post("/campaigns/check/", editor_data(platform="youtube_shorts")).content.decode()
    assert 'data-verdict="blocked"' in shorts
    assert "original material is 50% of the screen; youtube_shorts requires at least 67%" in shorts
    assert '<strong class="min-share">67%</strong>' in shorts

    empty = signed_in.post("/campaigns/check/", editor_data(**{"slots-0-tags": "nope"})).content.decode()
    assert "Slot &#x27;top&#x27; cannot be filled" in empty
    invalid = signed_in.post("/campaigns/check/", editor_data(layout="single")).content.decode()
    assert 'data-verdict="blocked"' in invalid and "inputs: layout single takes 1 inputs, got 2" in invalid
    unnamed = signed_in.post("/campaigns/check/", editor_data(**{"slots-1-name": "Bottom!"})).content.decode()
    assert 'data-verdict="invalid"' in unnamed and "slot Bottom! · name: Lower-case letters" in unnamed
    assert not Campaign.objects.exists()


def test_policy_check_warns_about_licences(signed_in, user, assets):
    MediaAsset.objects.filter(kind="audio").update(royalty_free=False)
    html = signed_in.post("/campaigns/check/", editor_data(**{"slots-2-royalty_free": ""})).content.decode()
    assert 'data-verdict="ok"' in html
    assert "is not marked royalty-free" in html


def test_campaign_list_and_lifecycle_actions(signed_in, user, assets):
    campaign = make_campaign(user, status=CampaignStatus.DRAFT)
    html = signed_in.get("/campaigns/").content.decode()
    assert 'class="badge campaign-draft"' in html and "never" in html
    signed_in.post(f"/campaigns/{campaign.pk}/activate/")
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.ACTIVE
    refused = signed_in.post(f"/campaigns/{campaign.pk}/archive/", follow=True)
    assert "Cannot archive a active campaign." in refused.content.decode()
    signed_in.post(f"/campaigns/{campaign.pk}/pause/")
    duplicated = signed_in.post(f"/campaigns/{campaign.pk}/duplicate/")
    copy = Campaign.objects.get(name="Small (copy)")
    assert duplicated.url == f"/campaigns/{copy.pk}/" and copy.status == CampaignStatus.DRAFT
    signed_in.post(f"/campaigns/{campaign.pk}/archive/")
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.ARCHIVED
    deleted = signed_in.post(f"/campaigns/{copy.pk}/delete/", follow=True).content.decode()
    assert "Deleted “Small (copy)”" in deleted and not Campaign.objects.filter(pk=copy.pk).exists()
    edit = signed_in.post(f"/campaigns/{campaign.pk}/", editor_data(name="Renamed"))
    assert "An archived campaign cannot be edited" in edit.content.decode()
    campaign.refresh_from_db()
    assert campaign.name == "Small"


def test_generate_now_queues_videos_and_explains_failures(signed_in, user, assets):
    campaign = make_campaign(user)
    response = signed_in.post(f"/campaigns/{campaign.pk}/generate/", {"count": "2"})
    assert response.url == f"/queue/?campaign={campaign.pk}"
    assert QueueItem.objects.filter(campaign=campaign).count() == 2
    page = signed_in.get(response.url).content.decode()
    assert "Queued 2 videos from “Small”." in page

    campaigns.campaign_update(
        campaign=campaign, slots={**campaign.slots, "top": {"kind": "template", "filters": {"tags": ["nope"]}}}
    )
    failed = signed_in.post(f"/campaigns/{campaign.pk}/generate/", {"count": "1"}, follow=True).content.decode()
    assert "Slot &#x27;top&#x27; cannot be filled" in failed
    bad_count = signed_in.post(f"/campaigns/{campaign.pk}/generate/", {"count": "0"}, follow=True).content.decode()
    assert "Videos: Ensure this value is greater than or equal to 1." in bad_count
    paused = make_campaign(user, name="Draft", status=CampaignStatus.DRAFT)
    refused = signed_in.post(f"/campaigns/{paused.pk}/generate/", follow=True).content.decode()
    assert "Only active campaigns generate" in refused
    assert QueueItem.objects.count() == 2


def test_campaign_list_query_count_is_constant(signed_in, user, assets, account_factory, django_assert_max_num_queries):
    account = account_factory(owner=user)
    for n in range(15):
        campaign = make_campaign(user, name=f"C{n}")
        campaign.target_accounts.add(account)
    with django_assert_max_num_queries(8):
        assert signed_in.get("/campaigns/").status_code == 200


# Queue -------------------------------------------------------------------------------------


def test_queue_page_lists_items_by_status_with_progress(signed_in, user, assets, spec):
    pending = add_item(user, spec)
    rendering = add_item(user, spec)
    QueueItem.objects.filter(pk=rendering.pk).update(status=QueueStatus.PROCESSING, progress=42)
    html = signed_in.get("/queue/").content.decode()
    assert f'id="item-{pending.queue_id}" data-status="pending"' in html
    assert 'aria-valuenow="42"' in html and 'style="width: 42%"' in html
    assert 'hx-trigger="every 2s"' in html  # live while something moves

    ready_tab = signed_in.get("/queue/", {"status": "ready"}).content.decode()
    assert 'hx-trigger="every 2s"' in ready_tab  # new videos turn up on the ready tab live too
    only_pending = signed_in.get("/queue/", {"status": "pending"}).content.decode()
    assert str(pending.queue_id) in only_pending and str(rendering.queue_id) not in only_pending
    assert 'data-status="pending" class="active">Pending <span class="count">1</span>' in only_pending
    assert str(pending.queue_id) not in signed_in.get("/queue/", {"priority": "2"}).content.decode()
    assert str(pending.queue_id) in signed_in.get("/queue/", {"platform": "custom"}).content.decode()
    assert str(pending.queue_id) not in signed_in.get("/queue/", {"platform": "tiktok"}).content.decode()
    # Nonsense filters are ignored, not errors.
    assert signed_in.get("/queue/", {"status": "exploded", "priority": "x", "page": "zz"}).status_code == 200


def test_queue_rows_partial_polls_until_nothing_moves(signed_in, user, assets, spec):
    add_item(user, spec)
    rows = signed_in.get("/queue/rows/", HTTP_HX_REQUEST="true").content.decode()
    assert rows.startswith('<tbody id="queue-rows" hx-get="/queue/rows/?page=1" hx-trigger="every 2s"')
    assert 'id="queue-tabs"' in rows and 'hx-swap-oob="true"' in rows  # tab counts follow along

    process_next(worker="test")
    rows = signed_in.get("/queue/rows/", HTTP_HX_REQUEST="true").content.decode()
    assert 'data-polling="off"' in rows and "every 2s" not in rows
    assert 'data-status="ready"' in rows and 'aria-valuenow="100"' in rows and ">Watch<" in rows


def test_queue_page_query_count_is_constant(signed_in, user, assets, spec, django_assert_max_num_queries):
    queue.queue_items_add(owner=user, items=[queue.NewItem(spec=spec) for _ in range(3)])
    with django_assert_max_num_queries(14) as few:
        assert signed_in.get("/queue/").status_code == 200
    queue.queue_items_add(owner=user, items=[queue.NewItem(spec=spec) for _ in range(60)], campaign=make_campaign(user))
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert signed_in.get("/queue/").status_code == 200
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert signed_in.get("/queue/rows/", {"page": "2"}).status_code == 200


def test_item_detail_shows_spec_command_logs_and_player(signed_in, user, assets, spec):
    item = add_item(user, spec)
    html = signed_in.get(f"/queue/{item.queue_id}/").content.decode()
    assert "&quot;layout&quot;: {" in html  # the spec, pretty-printed
    assert "ffmpeg" in html and "What a worker will run" in html
    assert "Queued" in html and 'hx-trigger="every 2s"' in html
    assert ">Cancel</button>" in html and "<video" not in html

    rendered = process_next(worker="test")
    assert rendered.pk == item.pk and rendered.status == QueueStatus.READY
    html = signed_in.get(f"/queue/{item.queue_id}/").content.decode()
    assert f'<video controls preload="metadata" playsinline src="/library/{rendered.output_asset_id}/file/"' in html
    assert "Rendered in" in html and "every 2s" not in html
    assert rendered.command.split()[0] in html
    live = signed_in.get(f"/queue/{item.queue_id}/", HTTP_HX_REQUEST="true").content.decode()
    assert live.startswith('<div id="item-live"') and "&quot;layout&quot;" not in live
    # The video itself plays for its owner only.
    video = signed_in.get(f"/library/{rendered.output_asset_id}/file/")
    assert video.status_code == 200 and video["Content-Type"] == "video/mp4"


def test_cancel_and_retry_buttons_call_the_queue(signed_in, user, assets, spec):
    item = add_item(user, spec)
    response = signed_in.post(f"/queue/{item.queue_id}/cancel/", follow=True)
    item.refresh_from_db()
    assert item.status == QueueStatus.CANCELLED
    assert f"Cancelled: video {str(item.queue_id)[:8]}." in response.content.decode()
    again = signed_in.post(f"/queue/{item.queue_id}/cancel/", follow=True).content.decode()
    assert "A cancelled item cannot be cancelled." in again
    signed_in.post(f"/queue/{item.queue_id}/retry/")
    item.refresh_from_db()
    assert item.status == QueueStatus.PENDING and item.attempts == 0
    refused = signed_in.post(f"/queue/{item.queue_id}/retry/", follow=True).content.decode()
    assert "Only cancelled or failed items can be retried (this one is pending)." in refused


def test_failed_item_shows_its_error_and_retry(signed_in, user, assets, spec):
    item = add_item(user, spec)
    QueueItem.objects.filter(pk=item.pk).update(
        status=QueueStatus.FAILED, attempts=3, last_error="ffmpeg exited with code 1\n--- ffmpeg ---\nboom"
    )
    html = signed_in.get(f"/queue/{item.queue_id}/").content.decode()
    assert "ffmpeg exited with code 1" in html and ">Retry</button>" in html
    assert "No ffmpeg command was recorded" in html


# Batch jobs --------------------------------------------------------------------------------


def test_batch_page_creates_and_controls_batches(signed_in, user, assets):
    campaign = make_campaign(user)
    response = signed_in.post(
        "/batches/", {"name": "Weekend", "campaign": campaign.pk, "count": "3", "concurrency_limit": "1"}
    )
    assert response.status_code == 302
    batch = BatchJob.objects.get(name="Weekend")
    assert batch.items.count() == 3 and batch.concurrency_limit == 1

    html = signed_in.get("/batches/").content.decode()
    assert 'data-batch="Weekend" data-status="running"' in html and "0 of 3 done" in html
    assert 'hx-trigger="every 2s"' in html

    signed_in.post(f"/batches/{batch.pk}/pause/")
    batch.refresh_from_db()
    assert batch.status == "paused"
    assert process_next(worker="test") is None  # a paused batch waits
    signed_in.post(f"/batches/{batch.pk}/resume/")
    process_next(worker="test")
    html = signed_in.get("/batches/", HTTP_HX_REQUEST="true").content.decode()
    assert html.startswith('<tbody id="batch-rows"') and "1 of 3 done" in html and "s per video" in html

    refused = signed_in.post(f"/batches/{batch.pk}/retry/", follow=True).content.decode()
    assert "This batch has no failed items to retry." in refused
    signed_in.post(f"/batches/{batch.pk}/cancel/")
    batch.refresh_from_db()
    assert batch.status == "cancelled" and batch.items.filter(status="cancelled").count() == 2


def test_batch_export_csv_and_json(signed_in, user, assets):
    batch = batches.batch_create(owner=user, name="Export", campaign=make_campaign(user), count=2)
    done = process_next(worker="test")
    csv_response = signed_in.get(f"/batches/{batch.pk}/export.csv")
    assert csv_response["Content-Type"] == "text/csv"
    assert csv_response["Content-Disposition"] == f'attachment; filename="batch-{batch.pk}.csv"'
    lines = csv_response.content.decode().splitlines()
    assert lines[0].startswith("queue_id,status,output_url,error")
    assert (
        "http://testserver" + reverse("media-asset-download", args=[done.output_asset_id])
        in csv_response.content.decode()
    )
    body = json.loads(signed_in.get(f"/batches/{batch.pk}/export.json").content)
    assert body["name"] == "Export" and sorted(row["status"] for row in body["items"]) == ["pending", "ready"]


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"name": ""}, "This field is required."),
        ({"count": "0"}, "greater than or equal to 1"),
        ({"concurrency_limit": "65"}, "less than or equal to 64"),
        ({"campaign": "999999"}, "Select a valid choice"),
    ],
)
def test_batch_form_bad_input_writes_nothing(signed_in, user, assets, change, error):
    campaign = make_campaign(user)
    data = {"name": "B", "campaign": campaign.pk, "count": "2", "concurrency_limit": "2", **change}
    response = signed_in.post("/batches/", data)
    assert response.status_code == 200 and error in response.content.decode()
    assert not BatchJob.objects.exists() and not QueueItem.objects.exists()


def test_batch_from_an_inactive_or_foreign_campaign_is_refused(signed_in, user, other_user, assets):
    draft = make_campaign(user, status=CampaignStatus.DRAFT)
    response = signed_in.post("/batches/", {"name": "B", "campaign": draft.pk, "count": "2", "concurrency_limit": "2"})
    assert "Only active campaigns generate (this one is draft)." in response.content.decode()
    theirs = make_campaign(other_user, name="Theirs")
    response = signed_in.post("/batches/", {"name": "B", "campaign": theirs.pk, "count": "2", "concurrency_limit": "2"})
    assert "Select a valid choice" in response.content.decode()
    assert not BatchJob.objects.exists() and not QueueItem.objects.exists()


def test_batch_page_query_count_is_constant(signed_in, user, assets, django_assert_max_num_queries):
    campaign = make_campaign(user)
    batches.batch_create(owner=user, name="First", campaign=campaign, count=2)
    with django_assert_max_num_queries(12) as few:
        assert signed_in.get("/batches/").status_code == 200
    for n in range(8):  # a campaign per batch: three mixes of assets make at most three videos each
        batches.batch_create(owner=user, name=f"B{n}", campaign=make_campaign(user, name=f"Small {n}"), count=2)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert signed_in.get("/batches/").status_code == 200
