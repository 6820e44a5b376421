import csv
import io
import json
import uuid

import pytest

from production.models import BatchJob, Campaign, QueueItem, QueueStatus
from production.services import queue
from tests.accounts.test_apis import assert_error
from tests.production.conftest import stacked_spec

Q = "/api/v1/queue/"


@pytest.fixture
def item(user, spec):
    [item] = queue.queue_items_add(owner=user, items=[queue.NewItem(spec=spec)])
    return item


def test_add_and_read_an_item(api, spec):
    response = api.post(Q, {"spec": spec, "priority": "high", "caption": "Hi"}, format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["status"] == "pending" and data["priority"] == "high" and data["caption"] == "Hi"
    detail = api.get(f"{Q}{data['queue_id']}/").json()
    assert detail["spec"]["layout"]["kind"] == "stacked"
    api.post(f"{Q}{data['queue_id']}/cancel/")
    logs = api.get(f"{Q}{data['queue_id']}/logs/").json()
    assert [row["message"] for row in logs["results"]] == ["Cancelled before rendering"]
    assert api.post(f"{Q}add/", {"spec": spec}, format="json").status_code == 201


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"spec": {"layout": "stacked"}}, "spec.inputs"),
        ({"spec": "not a spec"}, "spec"),
        ({}, "spec"),
        ({"spec": {"inputs": [{"asset": 1}], "layout": "hexagon"}}, "spec.layout"),
    ],
)
def test_add_bad_input(api, payload, field):
    body = assert_error(api.post(Q, payload, format="json"), 400)
    assert any(key.startswith(field) for key in body["fields"]), body
    assert QueueItem.objects.count() == 0


def test_add_unknown_priority(api, spec):
    assert_error(api.post(Q, {"spec": spec, "priority": "urgent"}, format="json"), 400, field="priority")
    assert QueueItem.objects.count() == 0


def test_spec_with_another_users_asset_is_refused(api, user, other_user, assets_for, assets):
    theirs = assets_for(other_user)
    spec = stacked_spec(assets["template"], theirs["product"])
    body = assert_error(api.post(Q, {"spec": spec}, format="json"), 400, "policy_violation")
    assert "does not exist" in body["message"]
    assert QueueItem.objects.count() == 0


def test_youtube_policy_names_the_share(api, assets):
    spec = stacked_spec(assets["template"], assets["hot"])
    spec["output"] = {"platform": "youtube_shorts", "resolution": "720p"}
    body = assert_error(api.post(Q, {"spec": spec}, format="json"), 400, "policy_violation")
    assert "50%" in body["message"] and "67%" in body["message"]


def test_batch_add_is_all_or_nothing(api, spec, assets):
    good = {"spec": spec}
    bad = {"spec": {**spec, "duration": -5}}
    body = assert_error(api.post(f"{Q}batch-add/", {"items": [good, bad, good]}, format="json"), 400)
    assert any(key.startswith("items.1.spec") for key in body["fields"]), body
    assert QueueItem.objects.count() == 0
    created = api.post(f"{Q}batch-add/", {"items": [good] * 600}, format="json")
    assert created.status_code == 201
    assert created.json()["created"] == 600
    assert QueueItem.objects.filter(status=QueueStatus.PENDING).count() == 600
    assert QueueItem.assets.through.objects.count() == 1200


def test_batch_add_empty_and_over_the_cap(api, spec, settings):
    assert_error(api.post(f"{Q}batch-add/", {"items": []}, format="json"), 400, field="items")
    settings.QUEUE_BATCH_MAX_ITEMS = 1000
    body = assert_error(api.post(f"{Q}batch-add/", {"items": [{"spec": spec}] * 10_000}, format="json"), 400)
    assert "limit 1000" in body["message"]
    assert QueueItem.objects.count() == 0


def test_stats_next_pending_cancel_retry_clear(api, user, spec, item):
    [high] = queue.queue_items_add(owner=user, items=[queue.NewItem(spec=spec, priority=2)])
    assert api.get(f"{Q}next-pending/").json()["queue_id"] == str(high.queue_id)
    stats = api.get(f"{Q}stats/").json()
    assert (
        stats["total"] == 2 and stats["by_status"]["pending"] == 2 and stats["by_priority"] == {"normal": 1, "high": 1}
    )
    assert api.post(f"{Q}{item.queue_id}/cancel/").json()["status"] == "cancelled"
    assert_error(api.post(f"{Q}{item.queue_id}/cancel/"), 400, "invalid_state")
    assert api.post(f"{Q}{item.queue_id}/retry/").json()["status"] == "pending"
    assert_error(api.post(f"{Q}{high.queue_id}/retry/"), 400, "invalid_state")
    assert api.delete(Q + "clear/").json() == {"cancelled": 2}
    assert_error(api.get(f"{Q}next-pending/"), 400, "queue_empty")


def test_list_filters_and_constant_queries(api, user, spec, django_assert_max_num_queries):
    queue.queue_items_add(owner=user, items=[queue.NewItem(spec=spec, priority=p % 3) for p in range(40)])
    with django_assert_max_num_queries(8):
        data = api.get(Q, {"page_size": 50}).json()
    assert data["count"] == 40
    assert api.get(Q, {"priority": "high"}).json()["count"] == 13
    assert_error(api.get(Q, {"priority": "urgent"}), 400, field="priority")
    assert_error(api.get(Q, {"status": "exploded"}), 400, field="status")


def test_isolation(api, other_user, assets_for):
    theirs_assets = assets_for(other_user)
    [theirs] = queue.queue_items_add(
        owner=other_user, items=[queue.NewItem(spec=stacked_spec(theirs_assets["template"], theirs_assets["product"]))]
    )
    for method, path in [
        ("get", f"{Q}{theirs.queue_id}/"),
        ("get", f"{Q}{theirs.queue_id}/logs/"),
        ("post", f"{Q}{theirs.queue_id}/cancel/"),
        ("post", f"{Q}{theirs.queue_id}/retry/"),
        ("get", f"/api/v1/workflow/status/{theirs.queue_id}/"),
        ("get", f"{Q}{uuid.uuid4()}/"),
    ]:
        assert_error(getattr(api, method)(path), 404, "not_found")
    assert api.get(Q).json()["count"] == 0
    assert api.get(f"{Q}stats/").json()["total"] == 0
    assert api.post("/api/v1/workflow/process-next", {}, format="json").status_code == 400
    theirs.refresh_from_db()
    assert theirs.status == QueueStatus.PENDING


def test_workflow_generate_process_next_and_status(api, spec):
    created = api.post("/api/v1/workflow/generate", {"spec": spec}, format="json")
    assert created.status_code == 201
    queue_id = created.json()[0]["queue_id"]
    rendered = api.post("/api/v1/workflow/process-next", {}, format="json")
    assert rendered.status_code == 200, rendered.content
    assert rendered.json()["status"] == "ready"
    status = api.get(f"/api/v1/workflow/status/{queue_id}").json()
    assert status["status"] == "ready" and status["progress"] == 100
    download = api.get(status["output_url"])
    assert download.status_code == 200
    assert b"ftyp" in b"".join(download.streaming_content)[:64]
    assert api.post("/api/v1/workflow/process-next", {"run_async": True}, format="json").status_code == 202
    assert_error(api.post("/api/v1/workflow/generate", {}, format="json"), 400)


# --- campaigns ----------------------------------------------------------------------------


def campaign_payload(**extra):
    template = {
        "inputs": [{"asset": "@top"}, {"asset": "@bottom"}],
        "layout": "stacked",
        "output": {"platform": None, "width": 90, "height": 160, "fps": 10},
        "duration": 1,
        "audio": {"music": {"asset": "@music", "volume": 0.5, "fade_in": 0.2}},
    }
    slots = {
        "top": {"kind": "hot_video", "filters": {"tags": ["promo"]}},
        "bottom": {"kind": "product"},
        "music": {"kind": "audio", "filters": {"royalty_free": True}},
    }
    return {
        "name": "Autumn drop",
        "composition_template": template,
        "slots": slots,
        "caption_template": "{campaign} #{n}: {bottom}",
        "hashtag_template": "#sale #{campaign}",
        "videos_per_run": 2,
        **extra,
    }


def test_campaign_lifecycle_and_generation(api, user, assets):
    created = api.post("/api/v1/campaigns/", campaign_payload(), format="json")
    assert created.status_code == 201, created.content
    campaign_id = created.json()["id"]
    assert created.json()["status"] == "draft"
    assert_error(api.post(f"/api/v1/campaigns/{campaign_id}/generate/", {}, format="json"), 400, "invalid_state")
    assert api.post(f"/api/v1/campaigns/{campaign_id}/activate/").json()["status"] == "active"
    generated = api.post(f"/api/v1/campaigns/{campaign_id}/generate/", {"seed": 7}, format="json")
    assert generated.status_code == 201, generated.content
    items = QueueItem.objects.filter(campaign_id=campaign_id)
    assert items.count() == 2
    first = items.order_by("created_at").first()
    assert first.caption.startswith("Autumn drop #1: Product")
    assert first.hashtags == ["#sale", "#Autumndrop"]
    top_ids = {i.spec["inputs"][0]["asset"] for i in items}
    assert top_ids <= {assets["hot"].pk, assets["hot2"].pk}
    assert api.post(f"/api/v1/campaigns/{campaign_id}/pause/").json()["status"] == "paused"
    copy = api.post(f"/api/v1/campaigns/{campaign_id}/duplicate/")
    assert copy.status_code == 201 and copy.json()["name"] == "Autumn drop (copy)"
    assert api.delete(f"/api/v1/campaigns/{campaign_id}/").status_code == 204
    assert QueueItem.objects.filter(pk=first.pk).exists()


def test_campaign_unfillable_slot_says_which(api, assets):
    payload = campaign_payload()
    payload["slots"]["top"]["filters"] = {"tags": ["does-not-exist"]}
    campaign_id = api.post("/api/v1/campaigns/", payload, format="json").json()["id"]
    api.post(f"/api/v1/campaigns/{campaign_id}/activate/")
    body = assert_error(api.post(f"/api/v1/campaigns/{campaign_id}/generate/", {}, format="json"), 400, "slot_unfilled")
    assert "Slot 'top'" in body["message"] and "slots.top" in body["fields"]
    assert QueueItem.objects.count() == 0
    assert Campaign.objects.get(pk=campaign_id).videos_generated == 0


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"composition_template": {"inputs": [{"asset": "@nowhere"}], "layout": "single"}}, "slots"),
        (
            {"slots": {"top": {"kind": "spaceship"}, "bottom": {"kind": "product"}, "music": {"kind": "audio"}}},
            "slots.top.kind",
        ),
        (
            {
                "slots": {
                    "top": {"kind": "hot_video", "filters": {"colour": "red"}},
                    "bottom": {"kind": "product"},
                    "music": {"kind": "audio"},
                }
            },
            "slots.top.filters",
        ),
        (
            {"composition_template": {"inputs": [{"asset": "@top"}], "layout": "nope"}},
            "composition_template.layout.kind",
        ),
        ({"name": ""}, "name"),
        ({"videos_per_run": 0}, "videos_per_run"),
        ({"priority": "urgent"}, "priority"),
        ({"distribution_strategy": "chaos"}, "distribution_strategy"),
        ({"target_platforms": ["myspace"]}, "target_platforms.0"),
    ],
)
def test_campaign_bad_input(api, change, field):
    body = assert_error(api.post("/api/v1/campaigns/", campaign_payload(**change), format="json"), 400)
    assert field in body["fields"], body
    assert Campaign.objects.count() == 0


def test_campaign_isolation_and_foreign_accounts(api, other_user, account_factory):
    theirs = Campaign.objects.create(owner=other_user, name="theirs", composition_template={})
    for method in ("get", "patch", "delete"):
        assert_error(getattr(api, method)(f"/api/v1/campaigns/{theirs.pk}/", {}, format="json"), 404)
    assert_error(api.post(f"/api/v1/campaigns/{theirs.pk}/activate/"), 404)
    assert_error(api.post("/api/v1/workflow/generate", {"campaign": theirs.pk}, format="json"), 404)
    their_account = account_factory(owner=other_user)
    body = assert_error(
        api.post("/api/v1/campaigns/", campaign_payload(target_accounts=[their_account.pk]), format="json"), 400
    )
    assert "target_accounts" in body["fields"]


# --- batches -------------------------------------------------------------------------------


def test_batch_job_controls_and_export(api, user, spec):
    created = api.post(
        "/api/v1/batches/", {"name": "Night run", "items": [{"spec": spec}] * 3, "concurrency_limit": 1}, format="json"
    )
    assert created.status_code == 201, created.content
    batch_id = created.json()["id"]
    assert created.json()["progress"]["total"] == 3
    assert api.post(f"/api/v1/batches/{batch_id}/pause/").json()["status"] == "paused"
    assert api.post(f"/api/v1/batches/{batch_id}/resume/").json()["status"] == "running"
    from production.services.render import process_next

    process_next(worker="w")
    progress = api.get(f"/api/v1/batches/{batch_id}/").json()["progress"]
    assert progress["by_status"]["ready"] == 1 and progress["estimated_seconds_remaining"] > 0
    cancelled = api.post(f"/api/v1/batches/{batch_id}/cancel/").json()
    assert cancelled["status"] == "cancelled" and cancelled["progress"]["by_status"]["cancelled"] == 2
    exported = api.get(f"/api/v1/batches/{batch_id}/export/", {"export_format": "csv"})
    rows = list(csv.DictReader(io.StringIO(exported.content.decode())))
    assert [row["status"] for row in rows].count("ready") == 1
    assert any(row["output_url"].endswith("/download/") for row in rows)
    as_json = json.loads(api.get(f"/api/v1/batches/{batch_id}/export/", {"export_format": "json"}).content)
    assert len(as_json["items"]) == 3
    assert_error(api.get(f"/api/v1/batches/{batch_id}/export/", {"export_format": "xml"}), 400)
    assert_error(api.post(f"/api/v1/batches/{batch_id}/retry/"), 400, "invalid_state")


def test_batch_bad_input_and_isolation(api, other_user, spec):
    assert_error(api.post("/api/v1/batches/", {"name": "x"}, format="json"), 400)
    assert_error(api.post("/api/v1/batches/", {"name": "x", "items": []}, format="json"), 400, field="items")
    assert_error(api.post("/api/v1/batches/", {"name": "x", "items": [{"spec": {}}]}, format="json"), 400)
    assert BatchJob.objects.count() == 0
    theirs = BatchJob.objects.create(owner=other_user, name="theirs")
    for path in (f"/api/v1/batches/{theirs.pk}/", f"/api/v1/batches/{theirs.pk}/export/"):
        assert_error(api.get(path), 404)
    assert_error(api.post(f"/api/v1/batches/{theirs.pk}/cancel/"), 404)


def test_large_batches_read_back_like_small_ones(api, spec, user):
    """Big batches take PostgreSQL's COPY path: the rows must be the same as bulk_create's."""
    api.post(f"{Q}batch-add/", {"items": [{"spec": spec, "priority": "high", "hashtags": ["#a"]}] * 520}, format="json")
    items = list(QueueItem.objects.filter(owner=user))
    assert len(items) == 520 and len({i.queue_id for i in items}) == 520
    first = items[0]
    assert first.spec["layout"]["kind"] == "stacked" and first.hashtags == ["#a"] and first.priority == 2
    assert first.created_at is not None and first.status == QueueStatus.PENDING
    assert api.get(f"{Q}{first.queue_id}/").json()["priority"] == "high"


def test_sequence_with_an_impossible_trim_is_a_400(api, assets):
    spec = {
        "inputs": [{"asset": assets["template"].pk, "trim_in": 5}, {"asset": assets["product"].pk}],
        "layout": {"kind": "sequence", "transition": {"kind": "fade", "duration": 0.2}},
        "output": {"platform": None, "width": 90, "height": 160, "fps": 10},
    }
    body = assert_error(api.post(Q, {"spec": spec}, format="json"), 400)
    assert "trim" in body["message"].lower() or "input 0" in body["message"]
    assert QueueItem.objects.count() == 0
