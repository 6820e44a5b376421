"""Policy checks before rendering: original share, limits, ownership, readiness, licences."""

from __future__ import annotations

import pytest
from rendering_media import OWNER

from production.rendering import CompositionSpec, check_policy


def spec_for(library, platform="tiktok", layout="stacked", inputs=("blue", "green"), **fields):
    """blue is a hot video (reused), green a product clip, red a template (original)."""
    return CompositionSpec.from_dict(
        {
            "inputs": [{"asset": library[name]} for name in inputs],
            "layout": layout,
            "output": {"platform": platform, "resolution": "720p"},
            **fields,
        }
    )


def test_stacked_hot_video_and_product_is_half_original(library):
    report = check_policy(spec_for(library), assets=library.assets, owner_id=OWNER)

    assert report.original_share == pytest.approx(0.5)
    assert [(s.kind, s.original, s.share) for s in report.shares] == [
        ("hot_video", False, 0.5),
        ("product", True, 0.5),
    ]
    assert report.ok


def test_youtube_needs_two_thirds_original(library):
    report = check_policy(spec_for(library, platform="youtube_shorts"), assets=library.assets, owner_id=OWNER)

    assert not report.ok
    assert report.errors == ["original material is 50% of the screen; youtube_shorts requires at least 67%"]


def test_minimum_share_is_configurable(library):
    spec = spec_for(library, platform="tiktok")

    strict = check_policy(spec, assets=library.assets, owner_id=OWNER, min_original_share={"tiktok": 0.75})
    lenient = check_policy(
        spec_for(library, platform="youtube"), assets=library.assets, owner_id=OWNER, min_original_share={}
    )

    assert any("requires at least 75%" in error for error in strict.errors)
    assert lenient.ok


def test_picture_in_picture_counts_the_inset_area(library):
    spec = spec_for(library, platform="youtube", layout={"kind": "picture_in_picture", "inset_size": 0.4})

    report = check_policy(spec, assets=library.assets, owner_id=OWNER)

    # Hot video full frame, product inset: the inset covers 0.4 x 0.4 of the frame.
    assert report.shares[1].share == pytest.approx(0.16, abs=0.01)
    assert report.original_share == pytest.approx(0.16, abs=0.01)
    assert "16%" in report.errors[0]


def test_sequence_counts_screen_time(library):
    spec = CompositionSpec.from_dict(
        {
            "inputs": [
                {"asset": library["red"]},
                {"asset": library["green"]},
                {"asset": library["blue"], "trim_out": 1.0},
            ],
            "layout": "sequence",
            "output": {"platform": "youtube_shorts"},
        }
    )

    report = check_policy(spec, assets=library.assets, owner_id=OWNER)

    assert report.original_share == pytest.approx(0.8)
    assert report.ok


def test_logo_is_not_counted_as_screen_content(library):
    spec = spec_for(library, inputs=("blue",), layout="single", text={"logo": {"asset": library["logo"]}})

    report = check_policy(spec, assets=library.assets, owner_id=OWNER)

    assert report.original_share == 0
    assert len(report.shares) == 1


def test_assets_must_be_ready_and_owned(library):
    spec = spec_for(library)
    not_ready = library.replace("green", status="processing")

    foreign = check_policy(spec, assets=library.assets, owner_id=OWNER + 1)
    pending = check_policy(spec, assets=not_ready, owner_id=OWNER)

    assert foreign.errors == [
        f"input 0: asset {library['blue']} does not exist",
        f"input 1: asset {library['green']} does not exist",
    ]
    assert pending.errors == [f"input 1: asset {library['green']} is processing, not ready"]


def test_assets_must_fit_their_role(library):
    spec = spec_for(library, inputs=("music", "green"), audio={"music": {"asset": library["red"]}})

    report = check_policy(spec, assets=library.assets, owner_id=OWNER)

    assert f"input 0: asset {library['music']} is audio, expected a video or an image" in report.errors
    assert f"music: asset {library['red']} is template, expected an audio track" in report.errors


def test_audio_that_is_not_royalty_free_is_a_warning(library):
    assets = library.replace("music", royalty_free=False)
    spec = spec_for(library, audio={"music": {"asset": library["music"]}})

    report = check_policy(spec, assets=assets, owner_id=OWNER)

    assert report.ok
    assert report.warnings == [
        f"music (asset {library['music']}) is not marked royalty-free; the platform may mute or block the video"
    ]


def test_duration_is_checked_against_the_platform(library):
    spec = spec_for(library, platform="youtube_shorts", inputs=("red",), layout="single")
    looping = CompositionSpec.from_dict(
        {"inputs": [{"asset": library["red"], "loop": True}], "output": {"platform": "tiktok"}}
    )

    report = check_policy(spec, assets=library.assets, owner_id=OWNER)
    no_length = check_policy(looping, assets=library.assets, owner_id=OWNER)

    assert report.ok
    assert no_length.errors == ["duration: is required when every input loops or is a still image"]


def test_aspect_must_match_the_platform(library):
    spec = CompositionSpec.from_dict(
        {"inputs": [{"asset": library["red"]}], "output": {"platform": "tiktok", "width": 1920, "height": 1080}}
    )

    report = check_policy(spec, assets=library.assets, owner_id=OWNER)

    assert report.errors == ["tiktok expects 9:16 portrait video, got 1920x1080"]
