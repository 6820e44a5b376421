"""The campaign editor's translation between its fields and a composition template."""

from __future__ import annotations

import json

from production.editor import CampaignEditor, build_template, caption_lines, composition_initial
from production.forms import CompositionForm
from production.services import campaigns

FIELDS = {
    "layout": "picture_in_picture",
    "platform": "instagram_reels",
    "resolution": "1080p",
    "duration": 6.0,
    "music": True,
    "music_volume": 0.5,
    "music_fade_in": 1.0,
    "music_fade_out": 2.0,
    "captions": "One\nTwo\nThree",
}
ROWS = [
    {"name": "main", "kind": "template", "mute": False, "loop": True},
    {"name": "inset", "kind": "hot_video", "mute": True, "loop": False},
    {"name": "song", "kind": "audio", "mute": False, "loop": False},
]
SLOTS = {
    "main": {"kind": "template", "filters": {"tags": ["brand"], "duration_min": 2.0}},
    "inset": {"kind": "hot_video", "filters": {"royalty_free": False, "orientation": "portrait"}},
    "song": {"kind": "audio", "filters": {"mood": "upbeat"}},
}


def test_caption_lines_share_the_video_or_take_three_seconds_each():
    assert caption_lines("a\n\n b \n", 5) == [
        {"start": 0.0, "end": 2.5, "text": "a"},
        {"start": 2.5, "end": 5.0, "text": "b"},
    ]
    assert caption_lines("a\nb", None)[1] == {"start": 3.0, "end": 6.0, "text": "b"}
    assert caption_lines("  \n", 5) == []


def test_visual_slots_become_inputs_in_order_and_the_audio_slot_the_music():
    template = build_template(FIELDS, ROWS)
    assert template["inputs"] == [{"asset": "@main", "loop": True}, {"asset": "@inset", "mute": True}]
    assert template["layout"] == "picture_in_picture"
    assert template["output"] == {"platform": "instagram_reels"}
    assert template["audio"]["music"] == {"asset": "@song", "volume": 0.5, "fade_in": 1.0, "fade_out": 2.0}
    assert [line["end"] for line in template["text"]["captions"]["lines"]] == [2.0, 4.0, 6.0]
    assert "audio" not in build_template({**FIELDS, "music": False}, ROWS)
    # The service accepts what the editor builds.
    campaigns.validate_template(template=template, slots=SLOTS)


def test_stored_template_reads_back_into_the_fields_with_slots_in_input_order():
    template = build_template(FIELDS, ROWS)
    initial, rows = composition_initial(template, SLOTS)
    assert initial["mode"] == "builder"
    assert {key: initial[key] for key in FIELDS} == FIELDS
    assert [row["name"] for row in rows] == ["main", "inset", "song"]
    main, inset = rows[0], rows[1]
    assert main["loop"] and not main["mute"] and main["tags"] == "brand"
    assert json.loads(main["extra"]) == {"duration_min": 2.0}  # filters the editor has no field for ride along
    assert inset["mute"] and inset["royalty_free"] == "no" and inset["orientation"] == "portrait"


def test_an_unused_visual_slot_keeps_the_template_in_advanced_mode():
    template = build_template(FIELDS, ROWS)
    initial, rows = composition_initial(template, {**SLOTS, "spare": {"kind": "image", "filters": {}}})
    assert initial["mode"] == "advanced"
    assert [row["name"] for row in rows] == ["main", "inset", "song", "spare"]
    # An audio slot with the music switched off stays in the editor: it adds nothing to the video.
    initial, _ = composition_initial(build_template({**FIELDS, "music": False}, ROWS), SLOTS)
    assert initial["mode"] == "builder" and initial["music"] is False


def test_templates_the_fields_cannot_express_open_in_advanced_mode():
    for template in (
        {"inputs": [{"asset": "@main", "trim_in": 1}], "layout": "single", "output": {"platform": "tiktok"}},
        {"inputs": [{"asset": "@main"}], "layout": {"kind": "single", "fit": "contain"}},
        {"inputs": [{"asset": 12}], "layout": "single", "output": {"platform": "tiktok"}},
        {"inputs": "nonsense"},
    ):
        initial, rows = composition_initial(template, {"main": SLOTS["main"]})
        assert initial["mode"] == "advanced"
        assert json.loads(initial["template_json"]) == template
        assert [row["name"] for row in rows] == ["main"]


def test_editor_round_trip_keeps_every_slot_filter(user, db):
    campaign = campaigns.campaign_create(
        owner=user, name="Round trip", composition_template=build_template(FIELDS, ROWS), slots=SLOTS
    )
    unbound = CampaignEditor(owner=user, campaign=campaign)
    data = {
        "name": "Round trip",
        "content_type": "product_promo",
        "videos_per_run": "1",
        "priority": "1",
        "distribution_strategy": "round_robin",
        "mode": "builder",
        **{key: unbound.composition[key].value() for key in CompositionForm.base_fields if key != "mode"},
        "slots-TOTAL_FORMS": "3",
        "slots-INITIAL_FORMS": "3",
    }
    data["music"] = "on"
    for index, form in enumerate(unbound.slots.forms):
        for name in form.fields:
            value = form[name].value()
            if name in ("mute", "loop", "DELETE"):
                if value:
                    data[f"slots-{index}-{name}"] = "on"
            elif value is not None:
                data[f"slots-{index}-{name}"] = value
    editor = CampaignEditor(data, owner=user, campaign=campaign)
    assert editor.is_valid(), (editor.details.errors, editor.composition.errors, editor.slots.errors)
    assert editor.template == campaign.composition_template
    assert editor.slot_definitions == campaign.slots
