"""Caption cues and their SRT / WebVTT sidecars."""

import pysubs2

from production.studio.engines.subtitles import cues, to_srt, to_vtt
from production.studio.types import Word

WORDS = [
    Word("Wild,", 0.0, 0.4),
    Word("only", 0.45, 0.7),
    Word("5", 0.7, 1.0),
    Word("creators", 1.0, 1.5),
    Word("in", 1.5, 1.6),
    Word("2026.", 1.6, 2.4),
    Word("R&D", 2.7, 3.1),
    Word("matters", 4.0, 4.5),  # after a 0.9 s pause
]


def test_cues_hold_up_to_three_words_and_break_at_sentence_ends_and_pauses():
    assert [cue.text for cue in cues(WORDS)] == ["Wild, only 5", "creators in 2026.", "R&D", "matters"]
    first = cues(WORDS)[0]
    assert (first.start, first.end) == (0.0, 1.0)


def test_cues_respect_the_character_limit():
    long = [Word("Incomprehensibilities", 0, 1), Word("notwithstanding", 1, 2), Word("ok", 2, 3)]

    assert [cue.text for cue in cues(long, max_chars=32)] == ["Incomprehensibilities", "notwithstanding ok"]
    assert [cue.text for cue in cues(WORDS, max_words=1)][:3] == ["Wild,", "only", "5"]


def test_srt_has_numbered_cues_with_comma_milliseconds():
    assert to_srt(WORDS[:6]) == (
        "1\n00:00:00,000 --> 00:00:01,000\nWild, only 5\n\n2\n00:00:01,000 --> 00:00:02,400\ncreators in 2026.\n\n"
    )


def test_vtt_has_its_header_and_escapes_ampersands():
    text = to_vtt(WORDS)

    assert text.startswith("WEBVTT\n")
    assert "00:00:02.700 --> 00:00:03.100\nR&amp;D\n" in text
    assert "00:00:04.000 --> 00:00:04.500\nmatters\n" in text


def test_srt_reads_back_with_the_same_times_and_text():
    parsed = pysubs2.SSAFile.from_string(to_srt(WORDS))

    assert [(event.start, event.end, event.plaintext) for event in parsed] == [
        (0, 1000, "Wild, only 5"),
        (1000, 2400, "creators in 2026."),
        (2700, 3100, "R&D"),
        (4000, 4500, "matters"),
    ]


def test_braces_in_the_script_are_kept_as_text():
    assert "{not a tag}" in to_srt([Word("{not", 0, 0.5), Word("a", 0.5, 0.7), Word("tag}", 0.7, 1.0)])
