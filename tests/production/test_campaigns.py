"""Campaign generation never makes the same video twice: a fresh mix of assets each time, the pool's
end said out loud, no rendered file handed to a second video; and each account's own words."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from common.errors import ApplicationError
from library import services as library_services
from library.models import MediaAsset
from production.models import Campaign, CampaignStatus, QueueItem, QueueStatus
from production.services import campaigns, queue
from production.services.render import process_next
from tests.production.conftest import SMALL_OUTPUT, stacked_spec

TEMPLATE = {
    "inputs": [{"asset": "@top"}, {"asset": "@bottom"}],
    "layout": "stacked",
    "output": dict(SMALL_OUTPUT),
    "duration": 1,
}


def active(user, *, template=TEMPLATE, slots=None, **fields) -> Campaign:
    slots = slots or {"top": {"kind": "template"}, "bottom": {"kind": "product"}}
    campaign = campaigns.campaign_create(owner=user, name="Mixes", composition_template=template, slots=slots, **fields)
    return campaigns.campaign_transition(campaign=campaign, action="activate")


def mixes(campaign) -> list[dict]:
    return [item.metadata["slots"] for item in campaign.items.order_by("id")]


def test_no_mix_is_made_twice_and_the_end_of_the_pool_is_said(user, assets):
    campaign = active(user)  # 3 template clips x 1 product clip: 3 mixes

    first = campaigns.campaign_generate(campaign=campaign, count=2, seed=1)
    assert campaign.pool_exhausted_at is None
    last = campaigns.campaign_generate(campaign=campaign, count=2, seed=1)  # only one mix is left

    assert len(first) == 2 and len(last) == 1
    made = mixes(campaign)
    assert len({campaigns.mix_key(mix) for mix in made}) == 3 == len(made)
    campaign.refresh_from_db()
    assert campaign.pool_exhausted_at is not None and campaign.videos_generated == 3
    assert campaign.pool_message.startswith("Made 1 of 2 videos. Every mix of this campaign's assets is used (3 of 3)")

    with pytest.raises(ApplicationError) as caught:
        campaigns.campaign_generate(campaign=campaign, count=1)
    assert caught.value.code == "pool_exhausted" and "add assets to its slots" in caught.value.message
    assert campaign.items.count() == 3

    _add_product(user, assets)  # a new product clip: three new mixes
    [fresh] = campaigns.campaign_generate(campaign=campaign, count=1)
    campaign.refresh_from_db()
    assert campaigns.mix_key(fresh.metadata["slots"]) not in {campaigns.mix_key(mix) for mix in made}
    assert campaign.pool_exhausted_at is None and campaign.pool_message == ""


def _add_product(user, assets) -> MediaAsset:
    """Another product clip: the first one with a few bytes more (a different file)."""
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "product2.mp4"
        path.write_bytes(Path(assets["product"].file.path).read_bytes() + b"\0" * 64)
        return library_services.media_asset_ingest(owner=user, kind="product", path=path, title="Product 2")


def test_the_same_assets_in_another_order_are_the_same_mix(user, assets):
    twice = {**TEMPLATE, "inputs": [{"asset": "@clip"}, {"asset": "@clip"}]}
    campaign = active(user, template=twice, slots={"clip": {"kind": "template"}})  # 3 clips, 2 at a time: 3 mixes

    made = campaigns.campaign_generate(campaign=campaign, count=5, seed=3)

    pairs = [frozenset(item.metadata["slots"]["clip"]) for item in made]
    assert len(made) == 3 and len(set(pairs)) == 3
    campaign.refresh_from_db()
    assert "(3 of 3)" in campaign.pool_message


def test_generated_items_keep_their_caption_variables_and_the_database_holds_the_rule(user, assets):
    campaign = active(user, caption_template="{New|Fresh} {top} from {campaign}")
    [item] = campaigns.campaign_generate(campaign=campaign, count=1)
    variables = item.metadata["caption_variables"]
    assert variables["campaign"] == "Mixes" and variables["top"] in {"Template", "Template2", "Long"}
    assert item.caption in {f"{word} {variables['top']} from Mixes" for word in ("New", "Fresh")}
    with pytest.raises(IntegrityError), transaction.atomic():
        QueueItem.objects.create(owner=user, campaign=campaign, spec=item.spec, platform="custom", mix_key=item.mix_key)


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"account_captions": {"999999": {"caption": "x"}}}, "account_captions.999999"),
        ({"account_captions": ["not", "an", "object"]}, "account_captions"),
        ({"first_comment_template": "x" * 2201}, "first_comment_template"),
    ],
)
def test_bad_per_account_text_is_refused_and_saves_nothing(user, assets, fields, field):
    with pytest.raises(ApplicationError) as caught:
        active(user, **fields)
    assert field in caught.value.fields
    assert not Campaign.objects.exists()


def test_per_account_captions_are_kept_for_own_accounts(user, assets, account_factory):
    account = account_factory(owner=user, platform="sandbox")
    campaign = active(user, account_captions={str(account.pk): {"caption": " Just for you ", "hashtags": ""}})
    assert campaign.account_captions == {str(account.pk): {"caption": "Just for you", "hashtags": ""}}
    assert campaign.status == CampaignStatus.ACTIVE


def test_a_new_video_never_takes_over_another_videos_rendered_file(user, assets):
    """Two videos of the same spec render byte for byte the same: the second would post a duplicate."""
    spec = stacked_spec(assets["template"], assets["product"])
    [first] = queue.queue_items_add(owner=user, items=[queue.NewItem(spec=spec)])
    [second] = queue.queue_items_add(owner=user, items=[queue.NewItem(spec=spec)])

    process_next(worker="w")
    process_next(worker="w")

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == QueueStatus.READY and first.output_asset_id
    assert second.status == QueueStatus.FAILED and second.output_asset_id is None
    assert "byte-identical" in second.last_error and str(first.queue_id)[:8] in second.last_error

    queue.queue_item_retry(item=first, rerender=True)  # rendering the same video again keeps its own file
    process_next(worker="w")
    first.refresh_from_db()
    assert first.status == QueueStatus.READY and first.output_asset_id
