"""Prompt templates and scripts through the API: offline writing, own words, edits, cache, bad input."""

from __future__ import annotations

import pytest

from production.studio.models import PromptTemplate, Script, ScriptStatus
from production.studio.services import scripts, templates


def _generate(api, django_capture_on_commit_callbacks, **payload):
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post("/api/v1/scripts/", payload, format="json")
    return response


def test_builtin_templates_cover_every_category(api):
    response = api.get("/api/v1/prompt-templates/?page_size=100")
    assert response.status_code == 200
    rows = response.json()["results"]
    assert {row["category"] for row in rows if row["builtin"]} == {
        "tips",
        "quote",
        "product",
        "story",
        "explainer",
        "news",
    }
    assert all("{topic}" in row["instructions"] for row in rows)


def test_offline_script_from_a_topic(api, eager, django_capture_on_commit_callbacks):
    response = _generate(api, django_capture_on_commit_callbacks, topic="home coffee brewing", duration=30)
    assert response.status_code == 202, response.json()
    script = api.get(f"/api/v1/scripts/{response.json()['id']}/").json()
    assert script["status"] == "ready", script["error"]
    assert script["engine"] == "template"
    assert "template" in script["notes"].lower() and "no ai" in script["notes"].lower()
    assert script["scenes"] and all(scene["text"] and scene["keywords"] for scene in script["scenes"])
    assert "coffee" in script["spoken_text"].lower()
    assert 40 <= script["word_count"] <= 110
    assert script["estimated_seconds"] == pytest.approx(script["word_count"] / 2.5, abs=0.2)


def test_the_same_request_returns_the_stored_script(api, eager, django_capture_on_commit_callbacks):
    first = _generate(api, django_capture_on_commit_callbacks, topic="saving money on groceries", seed=3)
    second = _generate(api, django_capture_on_commit_callbacks, topic="saving money on groceries", seed=3)
    assert second.status_code == 200
    assert second.json()["id"] == first.json()["id"]
    assert Script.objects.count() == 1
    again = _generate(
        api, django_capture_on_commit_callbacks, topic="saving money on groceries", seed=3, regenerate=True
    )
    assert again.status_code == 202 and again.json()["id"] != first.json()["id"]


def test_offline_writer_is_deterministic_per_seed(user):
    template = PromptTemplate.objects.filter(owner=None, category="tips").first()
    drafts = []
    for seed in (1, 1, 2):
        script = Script.objects.create(
            owner=user, topic="the history of the bicycle", template=template, inputs={"seed": seed}
        )
        drafts.append(scripts.script_write(script_id=script.pk))
    assert drafts[0].scenes == drafts[1].scenes and drafts[0].hook == drafts[1].hook
    assert (drafts[0].hook, drafts[0].scenes) != (drafts[2].hook, drafts[2].scenes)


def test_seed_verb_generate_script(api, eager, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            "/api/v1/ai/text/generate-script",
            {"topic": "tiny houses", "style": "playful", "duration": 20},
            format="json",
        )
    assert response.status_code == 202
    script = Script.objects.get(pk=response.json()["id"])
    assert script.status == ScriptStatus.READY
    assert script.inputs["tone"] == "playful" and script.inputs["target_seconds"] == 20


def test_own_words_become_scenes_with_keywords_and_are_kept_exactly(api):
    text = (
        "Most people brew coffee too hot. Water just off the boil burns the grounds.\n\n"
        "Weigh your beans! A cheap kitchen scale beats any scoop. Use 60 grams per litre.\n\n"
        "Finally, grind right before you brew."
    )
    response = api.post("/api/v1/scripts/", {"text": text, "title": "Better coffee"}, format="json")
    assert response.status_code == 201, response.json()
    script = response.json()
    assert script["status"] == "ready" and script["engine"] == "text"
    assert len(script["scenes"]) >= 3
    spoken = " ".join(script["spoken_text"].split())
    assert spoken == " ".join(text.split())
    assert all(scene["keywords"] for scene in script["scenes"])


def test_editing_a_scene_recomputes_the_duration(api, user):
    script = scripts.script_create_from_text(owner=user, text="One short line. Another short line.")
    scenes = [{"text": "A much longer scene now, with many more words than the two short lines had before."}]
    response = api.patch(f"/api/v1/scripts/{script.pk}/", {"scenes": scenes}, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["edited"] is True
    assert body["scenes"][0]["keywords"]
    assert body["word_count"] == len(scenes[0]["text"].split()) + len(body["hook"].split()) + len(
        body["call_to_action"].split()
    )


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, "topic"),
        ({"topic": "   "}, "topic"),
        ({"topic": "x" * 301}, "topic"),
        ({"topic": "cats", "provider": "gpt-9"}, "provider"),
        ({"topic": "cats", "duration": -5}, "duration"),
        ({"topic": "cats", "duration": "long"}, "duration"),
        ({"topic": "cats", "platform": "myspace"}, "platform"),
        ({"topic": "cats", "seed": -1}, "seed"),
        ({"text": "x" * 50_000}, "text"),
        ({"topic": "cats", "provider": "openai"}, "provider"),  # no key
    ],
)
def test_bad_script_requests_are_400_and_change_nothing(api, payload, field):
    response = api.post("/api/v1/scripts/", payload, format="json")
    assert response.status_code == 400, response.json()
    assert field in response.json()["error"]["fields"], response.json()
    assert not Script.objects.exists()


@pytest.mark.parametrize(
    "scenes",
    [[], [{"text": ""}], [{"text": "ok", "keywords": "not a list"}], [{"text": "x" * 1001}], "nope"],
)
def test_bad_edits_are_400_and_change_nothing(api, user, scenes):
    script = scripts.script_create_from_text(owner=user, text="One line. Two lines.")
    before = Script.objects.get(pk=script.pk).scenes
    response = api.patch(f"/api/v1/scripts/{script.pk}/", {"scenes": scenes}, format="json")
    assert response.status_code == 400
    assert Script.objects.get(pk=script.pk).scenes == before


def test_other_users_scripts_and_templates_answer_404(api, other_user):
    theirs = scripts.script_create_from_text(owner=other_user, text="Private words.")
    template = templates.prompt_template_create(
        owner=other_user, name="Theirs", category="tips", instructions="Tips about {topic}."
    )
    assert api.get(f"/api/v1/scripts/{theirs.pk}/").status_code == 404
    assert api.patch(f"/api/v1/scripts/{theirs.pk}/", {"title": "x"}, format="json").status_code == 404
    assert api.delete(f"/api/v1/scripts/{theirs.pk}/").status_code == 404
    assert api.post(f"/api/v1/scripts/{theirs.pk}/regenerate/").status_code == 404
    assert api.get(f"/api/v1/prompt-templates/{template.pk}/").status_code == 404
    response = api.post("/api/v1/scripts/", {"topic": "cats", "template": template.pk}, format="json")
    assert response.status_code == 404
    assert Script.objects.filter(owner=other_user).count() == 1


def test_templates_crud_and_builtins_are_read_only(api):
    response = api.post(
        "/api/v1/prompt-templates/",
        {"name": "My tips", "category": "tips", "instructions": "Three tips about {topic} for {audience}."},
        format="json",
    )
    assert response.status_code == 201, response.json()
    mine = response.json()
    changed = api.patch(
        f"/api/v1/prompt-templates/{mine['id']}/", {"instructions": "Four tips about {topic}."}, format="json"
    )
    assert changed.status_code == 200 and changed.json()["version"] == 2
    builtin = PromptTemplate.objects.filter(owner=None).first()
    assert api.patch(f"/api/v1/prompt-templates/{builtin.pk}/", {"name": "x"}, format="json").status_code == 400
    assert api.delete(f"/api/v1/prompt-templates/{builtin.pk}/").status_code == 400
    no_topic = api.post(
        "/api/v1/prompt-templates/", {"name": "Bad", "category": "tips", "instructions": "No slot"}, format="json"
    )
    assert no_topic.status_code == 400 and "instructions" in no_topic.json()["error"]["fields"]
    assert api.delete(f"/api/v1/prompt-templates/{mine['id']}/").status_code == 204
