from collections import Counter
from datetime import timedelta

import pytest
from django.utils import timezone

from common.errors import ApplicationError
from library import selection, services
from library.models import MediaAsset


def make_assets(user, count, **fields):
    """Ready rows without files: selection only reads metadata."""
    base = MediaAsset.objects.count()
    assets = []
    for n in range(count):
        asset = MediaAsset(
            owner=user,
            kind=fields.get("kind", "hot_video"),
            title=f"clip {base + n}",
            status=fields.get("status", "ready"),
            checksum=f"{base + n:064x}",
            duration_seconds=fields.get("duration_seconds", 10.0),
            category=fields.get("category", ""),
            mood=fields.get("mood", ""),
            platform=fields.get("platform", ""),
            orientation=fields.get("orientation", "portrait"),
            royalty_free=fields.get("royalty_free", False),
            times_used=fields.get("times_used", 0),
            last_used_at=fields.get("last_used_at"),
        )
        asset.set_tags(fields.get("tags", []))
        asset.save()
        assets.append(asset)
    return assets


def test_pick_is_deterministic_with_a_seed_and_never_repeats(user):
    make_assets(user, 12)
    now = timezone.now()
    first = services.pick_assets(owner=user, kind="hot_video", count=5, seed=7, record_usage=False, now=now)
    second = services.pick_assets(owner=user, kind="hot_video", count=5, seed=7, record_usage=False, now=now)
    other = services.pick_assets(owner=user, kind="hot_video", count=5, seed=8, record_usage=False, now=now)
    assert [a.pk for a in first] == [a.pk for a in second]
    assert [a.pk for a in first] != [a.pk for a in other]
    assert len({a.pk for a in first}) == 5


def test_picking_records_usage(user):
    make_assets(user, 3)
    now = timezone.now()
    picked = services.pick_assets(owner=user, kind="hot_video", count=2, seed=1, now=now)
    for asset in MediaAsset.objects.filter(pk__in=[a.pk for a in picked]):
        assert asset.times_used == 1
        assert asset.last_used_at == now
    assert MediaAsset.objects.filter(times_used=0).count() == 1


def test_least_and_longest_ago_used_are_preferred(user):
    now = timezone.now()
    fresh = make_assets(user, 1, tags=["fresh"])[0]
    worn = make_assets(user, 1, times_used=20, last_used_at=now - timedelta(hours=1))[0]
    rested = make_assets(user, 1, times_used=1, last_used_at=now - timedelta(days=30))[0]
    wins = Counter()
    for seed in range(300):
        picked = services.pick_assets(owner=user, kind="hot_video", count=1, seed=seed, record_usage=False, now=now)
        wins[picked[0].pk] += 1
    assert wins[fresh.pk] > wins[rested.pk] > wins[worn.pk]
    assert wins[worn.pk] <= 3  # used 20 times in the last hour: nearly never


def test_usage_spreads_picks_across_the_library(user):
    make_assets(user, 6)
    for seed in range(6):
        services.pick_assets(owner=user, kind="hot_video", count=1, seed=seed)
    # A just-used asset weighs 1/80 of an unused one, so six picks touch all six.
    assert sorted(MediaAsset.objects.values_list("times_used", flat=True)) == [1, 1, 1, 1, 1, 1]


def test_exclude_recently_used(user):
    now = timezone.now()
    recent = make_assets(user, 2, last_used_at=now - timedelta(hours=2), times_used=1)
    old = make_assets(user, 1, last_used_at=now - timedelta(hours=30), times_used=1)
    never = make_assets(user, 1)
    picked = services.pick_assets(owner=user, kind="hot_video", count=2, exclude_used_within_hours=24, now=now, seed=3)
    assert {a.pk for a in picked} == {old[0].pk, never[0].pk}
    assert not {a.pk for a in picked} & {a.pk for a in recent}


@pytest.mark.parametrize(
    ("filters", "expected_titles"),
    [
        ({"category": "Dance"}, {"dance"}),
        ({"mood": "happy"}, {"happy"}),
        ({"platform": "youtube"}, {"yt"}),
        ({"tags": ["b", "z"]}, {"tagged-ab", "tagged-b"}),
        ({"tags_all": ["a", "b"]}, {"tagged-ab"}),
        ({"duration_min": 20, "duration_max": 40}, {"long"}),
        ({"orientation": "landscape"}, {"wide"}),
        ({"royalty_free": True}, {"free"}),
    ],
)
def test_each_filter(user, filters, expected_titles):
    specs = {
        "dance": {"category": "dance"},
        "happy": {"mood": "happy"},
        "yt": {"platform": "youtube"},
        "tagged-ab": {"tags": ["a", "b"]},
        "tagged-b": {"tags": ["b"]},
        "long": {"duration_seconds": 30.0},
        "wide": {"orientation": "landscape"},
        "free": {"royalty_free": True},
    }
    for title, fields in specs.items():
        asset = make_assets(user, 1, **fields)[0]
        MediaAsset.objects.filter(pk=asset.pk).update(title=title)
    picked = services.pick_assets(
        owner=user, kind="hot_video", count=len(expected_titles), filters=filters, seed=1, record_usage=False
    )
    assert {a.title for a in picked} == expected_titles


def test_only_ready_assets_of_the_kind_and_owner_are_picked(user, other_user):
    make_assets(user, 1, status="processing")
    make_assets(user, 1, status="rejected")
    make_assets(user, 1, kind="template")
    make_assets(other_user, 3)
    with pytest.raises(ApplicationError) as exc:
        services.pick_assets(owner=user, kind="hot_video", count=1)
    assert exc.value.code == "not_enough_assets"
    assert exc.value.message == "Needed 1 ready hot video asset, but there are none."


def test_shortage_message_says_what_is_missing(user):
    make_assets(user, 2, category="dance", tags=["x"])
    with pytest.raises(ApplicationError) as exc:
        services.pick_assets(
            owner=user,
            kind="hot_video",
            count=3,
            filters={"category": "dance", "tags": ["x"]},
            exclude_used_within_hours=6,
        )
    assert exc.value.message == (
        "Needed 3 ready hot video assets matching category=dance, tags=x, not used in the last 6 h, "
        "but there are only 2."
    )
    assert exc.value.extra == {"available": 2, "requested": 3}


def test_weights():
    now = timezone.now()
    never = selection.Candidate(1, 0, None)
    once_long_ago = selection.Candidate(2, 1, now - timedelta(days=10))
    once_just_now = selection.Candidate(3, 1, now)
    assert selection.weight(never, now) == 1.0
    assert selection.weight(once_long_ago, now) == 0.25
    assert selection.weight(once_just_now, now) == pytest.approx(0.25 * selection.MIN_RECENCY)
