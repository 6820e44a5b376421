"""Footage search terms extracted offline from a scene's text."""

from production.studio.engines.keywords import keywords

PARAGRAPH = (
    "Our golden retriever loves the beach. Every summer we drive to the coast, "
    "and she runs straight into the waves while the sun sets over the ocean."
)


def test_keywords_are_short_lower_case_and_distinct():
    found = keywords(PARAGRAPH, limit=3)

    assert found[0] == "golden retriever"
    assert len(found) == 3
    assert all(phrase == phrase.lower() and 1 <= len(phrase.split()) <= 2 for phrase in found)
    words = [word for phrase in found for word in phrase.split()]
    assert len(words) == len(set(words))  # "retriever loves" does not follow "golden retriever"


def test_keywords_skip_stopwords_filler_and_numbers():
    assert keywords("The and of it is, really just 2026.") == []
    assert keywords("") == []
    assert keywords(PARAGRAPH, limit=0) == []


def test_keywords_limit():
    assert len(keywords(PARAGRAPH, limit=5)) == 5
