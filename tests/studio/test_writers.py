"""The studio's script writers: offline templates, the creator's own words, and any chat model."""

from __future__ import annotations

import copy
import json
import re
import subprocess
import sys
from dataclasses import asdict
from pathlib import Path
from types import SimpleNamespace

import pytest

from production.studio.types import WORDS_PER_SECOND
from production.studio.writers import llm, pasted, template
from production.studio.writers.errors import WriterError
from production.studio.writers.starters import STARTER_TEMPLATES, starter
from production.studio.writers.text import CAPTION_LIMITS, PLATFORMS, spoken_word_count

TOPICS = ["home coffee brewing", "saving money on groceries", "the history of the bicycle"]
HASHTAG = re.compile(r"#\w+")
ROOT = Path(__file__).resolve().parents[2]


def spoken(draft) -> str:
    return " ".join(draft.spoken_parts())


def assert_valid_captions(draft):
    assert set(draft.captions) == set(PLATFORMS)
    for platform, entry in draft.captions.items():
        assert entry["caption"].strip(), platform
        assert entry["hashtags"], platform
        assert all(HASHTAG.fullmatch(tag) for tag in entry["hashtags"]), entry["hashtags"]
        assert len(set(entry["hashtags"])) == len(entry["hashtags"])
        posted = entry["caption"] + "\n\n" + " ".join(entry["hashtags"])
        assert len(posted) <= CAPTION_LIMITS[platform]
    assert "#shorts" in draft.captions["youtube"]["hashtags"]
    assert len(draft.title) <= 100


# --- starters ---------------------------------------------------------------------------------


def test_starters_cover_every_category_with_what_both_writers_need():
    assert 8 <= len(STARTER_TEMPLATES) <= 10
    assert {t["category"] for t in STARTER_TEMPLATES} == {"tips", "quote", "product", "story", "explainer", "news"}
    assert len({t["slug"] for t in STARTER_TEMPLATES}) == len(STARTER_TEMPLATES)
    for starter_template in STARTER_TEMPLATES:
        assert starter_template["language"] == "en" and starter_template["version"] >= 1
        assert 5 <= starter_template["target_seconds"] <= 600
        assert len(starter_template["instructions"]) <= 4000
        assert set(re.findall(r"\{(\w+)\}", starter_template["instructions"])) <= {
            "topic",
            "product",
            "audience",
            "tone",
        }
        frames = starter_template["frames"]
        assert frames["hooks"] and frames["body"] and frames["ctas"] and frames["titles"]


# --- the offline template writer ----------------------------------------------------------------


def test_the_same_seed_writes_the_same_script_and_another_seed_a_different_one():
    tips = starter("five-quick-tips")
    first = template.write(tips, topic="home coffee brewing", seed=7)
    again = template.write(tips, topic="home coffee brewing", seed=7)
    other = template.write(tips, topic="home coffee brewing", seed=8)

    assert asdict(first) == asdict(again)
    assert asdict(first) != asdict(other)
    assert first.hook != other.hook


def test_the_script_does_not_depend_on_the_process_hash_seed():
    code = (
        "import json, dataclasses; from production.studio.writers import template, starters; "
        "d = template.write(starters.starter('myth-vs-fact'), topic='saving money on groceries', seed=3); "
        "print(json.dumps(dataclasses.asdict(d)))"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", code],
            cwd=ROOT,
            env={"PYTHONHASHSEED": hash_seed, "PATH": ""},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for hash_seed in ("1", "2")
    }
    assert len(outputs) == 1


@pytest.mark.parametrize("starter_template", STARTER_TEMPLATES, ids=lambda t: t["slug"])
@pytest.mark.parametrize("topic", TOPICS)
def test_every_starter_writes_a_usable_script_for_any_topic(starter_template, topic):
    seconds = starter_template["target_seconds"]
    draft = template.write(starter_template, topic=topic, target_seconds=seconds, seed=1)

    assert draft.hook.strip() and draft.call_to_action.strip() and draft.title.strip()
    assert draft.scenes
    for scene in draft.scenes:
        assert scene.text.strip()
        assert scene.keywords
        assert scene.seconds > 0
        assert "{" not in scene.text and "}" not in scene.text
    assert topic in spoken(draft)
    target_words = seconds * WORDS_PER_SECOND
    assert 0.65 * target_words <= draft.word_count <= 1.35 * target_words
    assert_valid_captions(draft)
    assert f"Written offline from the “{starter_template['name']}” template — no AI model was used." in draft.notes


@pytest.mark.parametrize(
    ("slug", "seconds"),
    [
        ("five-quick-tips", 15),
        ("five-quick-tips", 60),
        ("five-quick-tips", 90),
        ("myth-vs-fact", 15),
        ("myth-vs-fact", 60),
        ("mistakes-to-avoid", 60),
        ("news-in-3-points", 60),
        ("tiny-story-twist", 60),
    ],
)
def test_templates_fit_shorter_and_longer_videos(slug, seconds):
    draft = template.write(starter(slug), topic="home coffee brewing", target_seconds=seconds, seed=2)

    target_words = seconds * WORDS_PER_SECOND
    assert 0.65 * target_words <= draft.word_count <= 1.35 * target_words
    assert all(6 <= len(scene.text.split()) <= 24 for scene in draft.scenes)


def test_a_template_too_long_for_a_very_short_video_says_so():
    draft = template.write(starter("tiny-story-twist"), topic="home coffee brewing", target_seconds=15)

    assert "longer than the 15 s asked" in draft.notes


def test_the_number_of_tips_in_the_title_is_the_number_of_tips_told():
    tips = starter("five-quick-tips")
    draft = template.write(tips, topic="home coffee brewing", target_seconds=tips["target_seconds"])

    count = int(re.search(r"\d+", draft.title).group())
    assert count == len(draft.scenes) == 5
    assert "five" in draft.hook.lower()
    assert draft.scenes[0].text.startswith("Tip one:")
    assert draft.scenes[-1].text.startswith("And the last tip:")


def test_a_product_and_an_audience_are_used_when_given_and_never_printed_blank():
    promo = starter("problem-solution-promo")
    with_product = template.write(promo, topic="home coffee brewing", product="BrewMate", audience="busy parents")
    without = template.write(promo, topic="home coffee brewing")

    assert "BrewMate" in spoken(with_product)
    assert "{" not in spoken(without) and "  " not in spoken(without)
    assert "product" not in spoken(without).lower()


def test_braces_in_the_topic_are_kept_as_typed():
    draft = template.write(starter("five-quick-tips"), topic="the {weird} topic")

    assert "the {weird} topic" in spoken(draft)


def test_youtube_scripts_ask_viewers_to_subscribe():
    drafts = [
        template.write(starter("five-quick-tips"), topic="home coffee brewing", platform="youtube", seed=seed)
        for seed in range(6)
    ]

    assert not any("follow" in draft.call_to_action.lower() for draft in drafts)
    assert any("Subscribe" in draft.call_to_action for draft in drafts)


def test_a_creators_own_template_borrows_the_frames_of_its_category():
    own = {"name": "My story", "category": "story", "instructions": "Tell a story about {topic}."}
    draft = template.write(own, topic="home coffee brewing", target_seconds=40)

    assert "home coffee brewing" in spoken(draft)
    assert "“Tiny story with a twist”" in draft.notes and "no AI model was used" in draft.notes


def test_a_missing_topic_is_refused_plainly():
    with pytest.raises(WriterError, match="topic"):
        template.write(starter("five-quick-tips"), topic="   ")


# --- the creator's own words --------------------------------------------------------------------

PASTED = """Stop buying pre-ground coffee.

Dr. Lee, a barista in the U.S., told me something most people never hear. Ground coffee loses its aroma \
within 15 minutes! That's why I grind right before I brew, e.g. 3.5 grams per 100 ml of water.

"It's not about the gear," she said. "It's about freshness." Wait for it... it gets better. The water matters \
too: use it just off the boil.
I tried this for 30 days and spent $12.50 less than the month before.

Follow for more coffee tips!"""


def test_pasted_text_is_kept_word_for_word():
    draft = pasted.split(PASTED)

    assert " ".join(spoken(draft).split()) == " ".join(PASTED.split())
    for scene in draft.scenes:
        assert scene.text in PASTED


def test_pasted_text_splits_at_paragraphs_and_sentences_not_at_abbreviations_or_decimals():
    draft = pasted.split(PASTED)
    texts = [scene.text for scene in draft.scenes]

    assert not any("\n\n" in text for text in texts)
    assert any(text.startswith("Dr. Lee, a barista in the U.S., told me") for text in texts)
    assert any("e.g. 3.5 grams per 100 ml of water." in text for text in texts)
    assert any("Wait for it... it gets better." in text for text in texts)
    assert all(len(text.split()) <= 30 for text in texts)


def test_a_short_opening_is_the_hook_and_a_closing_ask_is_the_call_to_action():
    draft = pasted.split(PASTED)

    assert draft.hook == "Stop buying pre-ground coffee."
    assert draft.call_to_action == "Follow for more coffee tips!"
    assert draft.title == "Stop buying pre-ground coffee"
    assert draft.captions["tiktok"]["caption"] == draft.hook
    assert_valid_captions(draft)
    assert "nothing was rewritten" in draft.notes


def test_a_long_opening_stays_a_scene():
    text = (
        "When I first started brewing coffee at home I had no idea that the grinder mattered more than the machine. "
        "Now I know better."
    )
    draft = pasted.split(text, title="What I learned")

    assert draft.hook == ""
    assert draft.scenes[0].text.startswith("When I first started")
    assert draft.title == "What I learned"


def test_pasted_scenes_have_keywords_and_seconds_from_their_words():
    draft = pasted.split(PASTED, target_seconds=20)

    for scene in draft.scenes:
        assert scene.keywords
        words = spoken_word_count(scene.text)
        assert scene.seconds == pytest.approx(words / WORDS_PER_SECOND, abs=0.1)
        assert 1 <= scene.seconds <= 15
    assert "longer than the 20 s asked" in draft.notes


def test_numbers_count_as_the_words_the_voice_says():
    assert spoken_word_count("It cost $12.50") == spoken_word_count("It cost twelve point five dollars")
    assert spoken_word_count("in 1999") == 3  # "in nineteen ninety-nine"
    assert spoken_word_count("1,250 people") > 2


def test_a_very_long_sentence_is_cut_at_a_clause():
    sentence = ", ".join(f"clause number {n} about brewing coffee" for n in range(12)) + "."
    draft = pasted.split(sentence)

    assert len(draft.scenes) >= 2
    assert " ".join(spoken(draft).split()) == " ".join(sentence.split())
    assert all(len(scene.text.split()) <= 40 for scene in draft.scenes)


def test_lines_without_punctuation_are_sentences_and_wrapped_lines_carry_on():
    draft = pasted.split("Morning routine\nGrind the beans fresh\nand weigh them\n\nBrew for four minutes.")

    assert draft.hook == "Morning routine"
    assert draft.scenes[0].text == "Grind the beans fresh\nand weigh them"
    assert draft.scenes[1].text == "Brew for four minutes."


def test_empty_pasted_text_is_refused():
    with pytest.raises(WriterError, match="Paste"):
        pasted.split(" \n\n ")


# --- the LLM writer -----------------------------------------------------------------------------

TOPIC = "home coffee brewing"


class ScriptedChat:
    """A chat model that gives the replies it was handed, in order, and keeps what it was sent."""

    def __init__(self, *replies):
        self.replies = list(replies)
        self.calls = []

    def __call__(self, messages, *, json_schema):
        self.calls.append({"messages": copy.deepcopy(messages), "json_schema": json_schema})
        reply = self.replies.pop(0)
        if isinstance(reply, tuple):
            return SimpleNamespace(text=reply[0], finish_reason=reply[1])
        return SimpleNamespace(text=reply, finish_reason="stop")


def good_script(**changes) -> dict:
    script = {
        "title": "Better coffee at home in three steps",
        "hook": "Your home coffee can taste like the café's. Here's how.",
        "scenes": [
            {
                "text": "Grind your beans right before brewing; ground coffee goes stale within minutes.",
                "visual_keywords": ["coffee grinder", "coffee beans"],
                "seconds": 5,
            },
            {
                "text": "Weigh everything. About sixty grams of coffee per litre of water is a good start.",
                "visual_keywords": [],
                "seconds": 5,
            },
            {
                "text": "Heat the water just off the boil, then pour slowly and evenly over the grounds.",
                "visual_keywords": ["pour over", "kettle"],
                "seconds": 5,
            },
        ],
        "call_to_action": "Follow for more home brewing tips, and tell me your favourite method.",
        "captions": {
            "tiktok": {"caption": "Café coffee at home ☕", "hashtags": ["#coffee", "home brewing", "#coffee!"]},
            "youtube": {"caption": "Three steps to better coffee at home.", "hashtags": ["#coffee"]},
            "instagram": {"caption": "Save this for tomorrow morning.", "hashtags": ["#coffee", "#homebrew"]},
            "facebook": {"caption": "Which step do you skip?", "hashtags": ["#coffee"]},
        },
    }
    script.update(changes)
    return script


def reply(script: dict) -> str:
    return json.dumps(script, ensure_ascii=False)


def write(chat, **overrides):
    arguments = {
        "instructions": starter("five-quick-tips")["instructions"],
        "topic": TOPIC,
        "target_seconds": 30,
        "platform": "tiktok",
    }
    arguments.update(overrides)
    return llm.write(chat, **arguments)


def test_a_good_reply_is_accepted_first_time():
    chat = ScriptedChat(reply(good_script()))
    outcome = write(chat, audience="students")

    assert outcome.attempts == 1 and len(outcome.results) == 1 and len(chat.calls) == 1
    assert chat.calls[0]["json_schema"] is llm.SCRIPT_SCHEMA
    system, user = chat.calls[0]["messages"]
    assert system["role"] == "system" and user["role"] == "user"
    assert "home coffee brewing" in user["content"] and "students" in user["content"]
    assert "about 75 words" in user["content"]
    draft = outcome.draft
    assert draft.title == "Better coffee at home in three steps"
    assert [scene.keywords for scene in draft.scenes][0] == ["coffee grinder", "coffee beans"]
    assert draft.scenes[1].keywords  # filled in from the words when the model gave none
    assert draft.captions["tiktok"]["hashtags"] == ["#coffee", "#homebrewing"]
    assert draft.captions["youtube"]["hashtags"][0] == "#shorts"
    assert_valid_captions(draft)
    assert "AI model" in draft.notes and "sent back" not in draft.notes


def test_the_schema_is_strict_mode_compatible():
    def walk(node):
        if node.get("type") == "object":
            assert node["additionalProperties"] is False
            assert set(node["required"]) == set(node["properties"])
            for child in node["properties"].values():
                walk(child)
        if node.get("type") == "array":
            walk(node["items"])

    walk(llm.SCRIPT_SCHEMA)


def test_instructions_with_unknown_or_broken_braces_do_not_crash():
    chat = ScriptedChat(reply(good_script()))
    write(chat, instructions="Write about {topic} for {audience} with {unknown} and a stray { brace }", topic=TOPIC)

    user = chat.calls[0]["messages"][1]["content"]
    assert "Write about home coffee brewing for a general audience" in user
    assert "{unknown}" in user and "stray { brace }" in user


def test_a_fenced_reply_is_read():
    chat = ScriptedChat("Here you go:\n```json\n" + reply(good_script()) + "\n```")

    assert write(chat).attempts == 1


def repeated_script() -> dict:
    loop = "the secret to great coffee is patience"
    return good_script(
        scenes=[
            {"text": f"Remember, {loop}, always.", "visual_keywords": [], "seconds": 3},
            {"text": f"Grind fresh, because {loop}.", "visual_keywords": [], "seconds": 3},
            {"text": f"Honestly, {loop} and nothing else.", "visual_keywords": [], "seconds": 3},
            {"text": f"Weigh the beans, since {loop}.", "visual_keywords": [], "seconds": 3},
            {"text": f"So pour slowly: {loop}.", "visual_keywords": [], "seconds": 3},
        ]
    )


def scene(text: str) -> dict:
    return {"text": text, "visual_keywords": ["coffee"], "seconds": 4}


DEFECTS = {
    "cut off at the token limit": (
        (reply(good_script())[:150], "length"),
        "Your reply was cut off",
        "it was cut off before the end",
    ),
    "truncated JSON": (
        reply(good_script())[:200],
        "Your reply was cut off",
        "it was cut off before the end",
    ),
    "not JSON": (
        "Sure! Here is a script about coffee: grind fresh, weigh, pour slowly.",
        "Your reply was not valid JSON",
        "it was not valid JSON",
    ),
    "scenes missing": (
        reply({key: value for key, value in good_script().items() if key != "scenes"}),
        "the “scenes” field is missing",
        "its JSON was missing parts (the “scenes” field is missing)",
    ),
    "empty scene": (
        reply(good_script(scenes=[good_script()["scenes"][0], scene("  "), *good_script()["scenes"][1:]])),
        "scene 2 is empty",
        "scene 2 is empty",
    ),
    "placeholder scene": (
        reply(good_script(scenes=[*good_script()["scenes"], scene("Scene 4: ...")])),
        "scene 4 is a placeholder",
        "scene 4 is a placeholder",
    ),
    "insert placeholder": (
        reply(good_script(scenes=[scene("[Insert a fun fact about coffee here]"), *good_script()["scenes"]])),
        "scene 1 is a placeholder",
        "scene 1 is a placeholder",
    ),
    "too few words": (
        reply(good_script(hook="Coffee.", scenes=[scene("Grind fresh coffee.")], call_to_action="Follow.")),
        "it has only 5 words, and a 30-second video needs about 75",
        "it has only 5 words",
    ),
    "off topic": (
        reply(
            good_script(
                title="Three stretches for your back",
                hook="Sitting all day? Your spine will thank you for this.",
                scenes=[
                    scene("Stand tall, reach both arms overhead and hold the stretch for ten slow breaths."),
                    scene("Next, fold forward gently and let your head hang heavy toward the floor."),
                    scene("Finally, twist softly to each side while keeping your hips facing forward."),
                ],
                call_to_action="Follow for a daily stretch that takes less than a minute.",
            )
        ),
        "it never mentions the topic “home coffee brewing”",
        "it never mentions the topic “home coffee brewing”",
    ),
    "repeated phrase": (
        reply(repeated_script()),
        "it repeats “the secret to great coffee is patience” 5 times",
        "it repeats “the secret to great coffee is patience” 5 times",
    ),
    "copied scenes": (
        reply(
            good_script(
                scenes=[
                    scene("Grind your beans right before brewing for the freshest cup of coffee."),
                    scene("Grind your beans right before brewing for the freshest cup of coffee!"),
                    *good_script()["scenes"][1:],
                ]
            )
        ),
        "scenes 1 and 2 are nearly the same",
        "scenes 1 and 2 are nearly the same",
    ),
}


@pytest.mark.parametrize("defect", DEFECTS.values(), ids=DEFECTS.keys())
def test_a_defective_reply_is_repaired_once_with_the_problem_named(defect):
    bad, repair_says, _ = defect
    chat = ScriptedChat(bad, reply(good_script()))
    outcome = write(chat)

    assert outcome.attempts == 2 and len(outcome.results) == 2 and len(chat.calls) == 2
    repair = chat.calls[1]["messages"]
    assert repair[:2] == chat.calls[0]["messages"]
    assert repair[2]["role"] == "assistant" and repair[2]["content"] == (bad[0] if isinstance(bad, tuple) else bad)
    assert repair[3]["role"] == "user" and repair_says in repair[3]["content"]
    assert "JSON" in repair[3]["content"]
    assert chat.calls[1]["json_schema"] is llm.SCRIPT_SCHEMA
    assert outcome.draft.scenes and "sent back once" in outcome.draft.notes


@pytest.mark.parametrize("defect", DEFECTS.values(), ids=DEFECTS.keys())
def test_a_reply_that_fails_again_after_the_repair_is_a_writer_error(defect):
    bad, _, creator_reads = defect
    chat = ScriptedChat(bad, bad)

    with pytest.raises(WriterError) as raised:
        write(chat)

    assert len(chat.calls) == 2
    message = raised.value.message
    assert message.startswith("The model's script was unusable: ")
    assert creator_reads in message and message.endswith("(after one repair attempt).")


def test_a_topic_said_often_is_not_a_repetition():
    topic = "saving money on groceries"
    script = good_script(
        title="Saving money on groceries",
        hook="Saving money on groceries starts before you reach the store.",
        scenes=[
            scene("Saving money on groceries begins with a list, written after you check the fridge."),
            scene("Saving money on groceries means buying store brands for the basics you use most."),
            scene("Saving money on groceries gets easier when you plan meals around what is on sale."),
        ],
        call_to_action="Follow for more ideas on saving money on groceries every week.",
    )
    outcome = write(ScriptedChat(reply(script)), topic=topic)

    assert outcome.attempts == 1


def test_a_scene_label_is_not_read_aloud():
    script = good_script(scenes=[scene("Scene 1: Grind your coffee beans fresh, right before you brew them.")])
    script["hook"] = "Café coffee at home is easier than you think, and it starts with your grinder."
    script["call_to_action"] = "Follow for more home coffee brewing tips and tell me your favourite brewing method."
    outcome = write(ScriptedChat(reply(script)), target_seconds=15)

    assert outcome.draft.scenes[0].text == "Grind your coffee beans fresh, right before you brew them."
