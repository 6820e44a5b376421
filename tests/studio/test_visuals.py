"""Scene visuals: the library asset that fits each scene's words, or a card when none does."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from common.errors import ApplicationError
from library.models import MediaAsset, MediaKind, MediaStatus, Orientation
from production.studio.visuals import MIN_SCORE, key_phrase, match_scene_visuals, swap_candidates


@pytest.fixture
def add(user):
    """A ready library asset of `user` (metadata is all matching reads)."""

    def make(title: str, *, kind: str = MediaKind.TEMPLATE, tags=(), owner=None, **fields) -> MediaAsset:
        asset = MediaAsset(
            owner=owner or user,
            kind=kind,
            title=title,
            status=fields.pop("status", MediaStatus.READY),
            orientation=fields.pop("orientation", Orientation.PORTRAIT),
            **fields,
        )
        asset.set_tags(tags)
        asset.save()
        return asset

    return make


def scene(text: str, *keywords: str) -> dict:
    return {"text": text, "keywords": list(keywords), "seconds": 3}


def test_each_scene_gets_the_asset_its_words_point_to(user, add):
    beans = add("Bag shot", tags=["coffee", "beans"])
    kettle = add("Gooseneck kettle pouring", tags=["kettle", "water"])
    add("Sunset beach", tags=["beach", "sunset"])

    visuals = match_scene_visuals(
        owner=user,
        scenes=[scene("Start with fresh coffee beans.", "coffee beans"), scene("Heat the water first.", "hot water")],
    )

    assert [(v.scene_index, v.asset_id, v.kind) for v in visuals] == [(0, beans.pk, "asset"), (1, kettle.pk, "asset")]
    assert visuals[0].reason == "tags: coffee, beans"
    assert visuals[1].reason == "tags: water"
    assert visuals[0].score > visuals[1].score >= MIN_SCORE


def test_tags_count_more_than_the_title_and_the_title_more_than_the_description(user, add):
    described = add("Morning routine", description="An espresso machine at work")
    titled = add("Espresso close-up")
    tagged = add("Untitled clip", tags=["espresso"])

    ranked = swap_candidates(owner=user, scene=scene("Pull a double shot.", "espresso"), limit=3)

    assert [asset.pk for asset, _score, _reason in ranked] == [tagged.pk, titled.pk, described.pk]
    assert [reason for _asset, _score, reason in ranked] == [
        "tags: espresso",
        "title: espresso",
        "description: espresso",
    ]
    scores = [score for _asset, score, _reason in ranked]
    assert scores[0] > scores[1] > scores[2] > 0


def test_word_forms_meet_through_light_stemming(user, add):
    grinder = add("Burr grinding close-up", tags=["roasted beans", "berries"])

    visuals = match_scene_visuals(owner=user, scenes=[scene("We grind the roast. Berry notes!", "grind", "roast")])

    assert visuals[0].asset_id == grinder.pk
    assert "tags: roasted beans" in visuals[0].reason and "title: grind" in visuals[0].reason


def test_an_asset_is_used_once_per_video_and_goes_where_it_fits_best(user, add):
    latte = add("Latte art", tags=["latte", "milk", "foam"])

    visuals = match_scene_visuals(
        owner=user,
        scenes=[scene("Milk makes it smooth.", "milk"), scene("Steam the milk into a silky foam.", "milk foam")],
    )

    assert visuals[1].asset_id == latte.pk  # "milk foam" matches more of it
    assert visuals[0].kind == "card" and visuals[0].asset_id is None
    assert visuals[0].reason == "no library match for 'milk'"


def test_least_recently_used_wins_among_equals(user, add):
    now = timezone.now()
    add("Pour over", tags=["pour over"], times_used=3, last_used_at=now - timedelta(hours=1))
    rested = add("Pour over again", tags=["pour over"], times_used=3, last_used_at=now - timedelta(days=9))
    add("Pour over once more", tags=["pour over"], times_used=5, last_used_at=now - timedelta(days=30))

    visuals = match_scene_visuals(owner=user, scenes=[scene("Slow pour over.", "pour over")])

    assert visuals[0].asset_id == rested.pk


def test_own_material_beats_reused_clips_on_a_close_call(user, add):
    add("Trending coffee", kind=MediaKind.HOT_VIDEO, tags=["coffee", "cafe"])
    own = add("My cafe", kind=MediaKind.PRODUCT, tags=["coffee"])

    visuals = match_scene_visuals(owner=user, scenes=[scene("Coffee at the cafe.", "coffee")])

    # The hot video matches one word more, but reused material counts for less.
    assert visuals[0].asset_id == own.pk


def test_a_scene_without_a_match_gets_a_card_with_its_key_phrase(user, add):
    add("Mountain bike", tags=["bike", "mountain"])
    add("Barely related", description="fresh air")  # one text word in a description is too weak

    visuals = match_scene_visuals(owner=user, scenes=[scene("Grind fresh, every single time.", "grind fresh")])

    assert visuals == [visuals[0]] and visuals[0].kind == "card"
    assert visuals[0].reason == "no library match for 'grind fresh'"
    assert key_phrase(scene("Always Grind Fresh beans.", "grind fresh")) == "Grind Fresh"  # as the script spells it
    assert key_phrase(scene("The best beans come from small farms.")) == "Best beans come small farms"


def test_only_the_owners_ready_visuals_of_the_wanted_kinds(user, other_user, add):
    add("Coffee", tags=["coffee"], owner=other_user)
    add("Coffee", tags=["coffee"], status=MediaStatus.PROCESSING)
    add("Coffee song", tags=["coffee"], kind=MediaKind.AUDIO)
    add("Coffee voice", tags=["coffee"], kind=MediaKind.VOICE_OVER)
    excluded = add("Coffee", tags=["coffee"])
    hot = add("Coffee trend", tags=["coffee"], kind=MediaKind.HOT_VIDEO)
    image = add("Coffee photo", tags=["coffee"], kind=MediaKind.IMAGE)

    coffee = [scene("Coffee.", "coffee")]
    assert match_scene_visuals(owner=user, scenes=coffee, exclude_ids={excluded.pk, image.pk})[0].asset_id == hot.pk
    assert match_scene_visuals(owner=user, scenes=coffee, kinds=[MediaKind.IMAGE])[0].asset_id == image.pk
    with pytest.raises(ApplicationError):
        match_scene_visuals(owner=user, scenes=coffee, kinds=[MediaKind.AUDIO])


def test_the_picker_lists_matches_first_then_the_least_used_rest(user, other_user, add):
    match = add("Tea ceremony", tags=["tea"])
    unused = add("Random b-roll", times_used=0)
    add("Busy b-roll", times_used=9)
    add("Not mine", tags=["tea"], owner=other_user)

    picked = swap_candidates(owner=user, scene=scene("Green tea.", "tea"), limit=2)

    assert [(asset.pk, score > 0) for asset, score, _reason in picked] == [(match.pk, True), (unused.pk, False)]
    assert picked[1][2] == "no tag, title or description match"
    assert (
        swap_candidates(owner=user, scene=scene("Green tea.", "tea"), exclude_ids={match.pk}, limit=1)[0][0] == unused
    )


def test_matching_a_whole_script_takes_one_query(user, add, django_assert_max_num_queries):
    for number in range(30):
        add(f"Clip {number}", tags=[f"topic{number}", "coffee"])
    scenes = [scene(f"Scene about topic{number} and coffee.", f"topic{number}") for number in range(12)]

    with django_assert_max_num_queries(1):
        visuals = match_scene_visuals(owner=user, scenes=scenes)

    assert len({v.asset_id for v in visuals}) == 12 and all(v.kind == "asset" for v in visuals)
