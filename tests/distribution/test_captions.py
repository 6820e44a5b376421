from distribution.services.captions import fit_caption


def test_youtube_title_and_description_limits():
    fitted = fit_caption(
        "youtube", caption="A <b>long</b> first line " + "word " * 40 + "\nmore " * 2000, hashtags=["#a"]
    )
    assert len(fitted.title) <= 100 and fitted.title.endswith("…") and "<" not in fitted.title
    assert len(fitted.full_text()) <= 5000 and "<" not in fitted.description
    assert any("title shortened" in w for w in fitted.warnings) and any("removed" in w for w in fitted.warnings)


def test_instagram_keeps_at_most_30_hashtags_counting_those_in_the_text():
    fitted = fit_caption("instagram", caption="Hi #one #two", hashtags=[f"tag{n}" for n in range(40)])
    assert len(fitted.hashtags) == 28 and any("kept 28 of 40" in w for w in fitted.warnings)
    assert fitted.full_text().count("#") == 30


def test_tiktok_drops_hashtags_before_cutting_words():
    fitted = fit_caption("tiktok", caption="x" * 2150, hashtags=[f"tag{n}" for n in range(20)])
    assert len(fitted.full_text()) <= 2200 and fitted.description == "x" * 2150 and fitted.hashtags
    long = fit_caption("tiktok", caption="word " * 600, hashtags=["fyp"])
    assert len(long.full_text()) <= 2200 and long.description.endswith("…") and not long.hashtags


def test_short_captions_pass_untouched():
    fitted = fit_caption("facebook", caption="Reel time", hashtags=["#reels", "reels", "fun"])
    assert fitted.full_text() == "Reel time\n\n#reels #fun" and not fitted.warnings and fitted.title == ""
