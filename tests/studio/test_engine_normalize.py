"""The script as captions show it, and what the voice must say for each caption word."""

import pytest

from production.studio.engines.normalize import spoken_text, spoken_tokens, tokens_with_offsets


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        ("5", ["five"]),
        ("2026", ["twenty", "twenty", "six"]),
        ("In 2026.", ["in", "twenty", "twenty", "six"]),
        ("$19.99", ["nineteen", "dollars", "and", "ninety", "nine", "cents"]),
        ("$1", ["one", "dollar"]),
        ("$0.99", ["ninety", "nine", "cents"]),
        ("10%", ["ten", "percent"]),
        ("3rd", ["third"]),
        ("21st", ["twenty", "first"]),
        ("1,000", ["one", "thousand"]),
        ("&", ["and"]),
        ("state-of-the-art", ["state", "of", "the", "art"]),
        ("10-15", ["ten", "to", "fifteen"]),
        ("3.5", ["three", "point", "five"]),
        ("the 1990s", ["the", "nineteen", "nineties"]),
        ("5:30pm", ["five", "thirty", "p", "m"]),
        ("$2 million", ["two", "million", "dollars"]),
        ("10k", ["ten", "thousand"]),
        ("don't", ["don't"]),
        ("ReelMill's", ["reel", "mill's"]),
        ("2024-2026", ["twenty", "twenty", "four", "to", "twenty", "twenty", "six"]),
        ("555-0199", ["five", "five", "five", "zero", "one", "nine", "nine"]),
        ("hi@reelmill.com", ["hi", "at", "reelmill", "dot", "com"]),
        ("U.S.", ["u", "s"]),
    ],
)
def test_spoken_words(text, spoken):
    assert [word for token in spoken_tokens(text) for word in token.spoken] == spoken


def test_display_tokens_keep_the_scripts_own_text_and_punctuation():
    tokens = spoken_tokens("Wild, only 5 creators in 2026. Pay $19.99 — don't wait… ReelMill's “best” deal!")

    assert [token.display for token in tokens] == [
        "Wild,", "only", "5", "creators", "in", "2026.", "Pay", "$19.99", "don't", "wait…",
        "ReelMill's", "“best”", "deal!",
    ]  # fmt: skip
    by_display = {token.display: token.spoken for token in tokens}
    assert by_display["2026."] == ["twenty", "twenty", "six"]
    assert by_display["“best”"] == ["best"]


def test_pure_punctuation_makes_no_caption_word():
    assert spoken_tokens("— - … ...") == []
    assert [token.display for token in spoken_tokens("Wait - what")] == ["Wait", "what"]


def test_a_year_is_said_as_a_year_and_a_count_as_a_count():
    def said(text):
        return " ".join(word for token in spoken_tokens(text) for word in token.spoken)

    assert said("Since 1999 we grew") == "since nineteen ninety nine we grew"
    assert said("2000 people joined") == "two thousand people joined"
    assert said("1500 views") == "one thousand five hundred views"
    assert said("2026 is here") == "twenty twenty six is here"


def test_spoken_text_is_what_the_voice_says_with_phrasing_kept():
    tokens = spoken_tokens("Wild, only 5 creators pay $19.99 — in 2026. The AI era!")

    text = spoken_text(tokens)

    assert text == (
        "Wild, only five creators pay nineteen dollars and ninety nine cents, in twenty twenty six. The AI era!"
    )
    # Voicing the spoken text again says the same words: synthesize may normalise twice safely.
    again = [word for token in spoken_tokens(text) for word in token.spoken]
    assert again == [word for token in tokens for word in token.spoken]


def test_offsets_point_at_each_token_in_the_script():
    text = "Hello,  “world” — $5 each!"
    for token, start, end in tokens_with_offsets(text):
        assert text[start:end] == token.display


def test_an_emoji_is_shown_with_its_word_not_timed_alone():
    tokens = spoken_tokens("So hot 🔥 right now")

    assert [token.display for token in tokens] == ["So", "hot 🔥", "right", "now"]
