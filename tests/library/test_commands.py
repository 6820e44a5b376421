import shutil
from collections import Counter

import pytest
from django.core.management import CommandError, call_command

from library.models import MediaAsset, MediaSource


def test_import_a_folder_skipping_duplicates_and_reporting_rejects(user, media, tmp_path, capsys):
    folder = tmp_path / "drop"
    folder.mkdir()
    shutil.copy(media["video"], folder / "one.mp4")
    shutil.copy(media["landscape"], folder / "two.mp4")
    shutil.copy(media["video"], folder / "one-again.mp4")  # same bytes as one.mp4
    (folder / "notes.mp4").write_text("not a video")

    call_command("import_media", str(folder), kind="hot_video", owner=user.username, tags="Dance,trend", category="fun")
    out = capsys.readouterr().out
    assert "Imported 2, skipped 1 duplicate(s), rejected 1 of 4 file(s)" in out
    assert "rejected: notes.mp4: This is not a media file" in out
    assert "duplicate: one.mp4 (already asset #" in out or "duplicate: one-again.mp4" in out

    assets = MediaAsset.objects.filter(owner=user)
    assert assets.count() == 2
    assert {a.original_filename for a in assets} <= {"one.mp4", "two.mp4", "one-again.mp4"}
    assert all(a.source == MediaSource.IMPORTED_FOLDER for a in assets)
    assert all(a.tags == ["dance", "trend"] and a.category == "fun" and a.kind == "hot_video" for a in assets)

    # Running it again imports nothing new.
    call_command("import_media", str(folder), kind="hot_video", owner=user.username)
    assert "Imported 0, skipped 3 duplicate(s), rejected 1" in capsys.readouterr().out
    assert MediaAsset.objects.count() == 2


def test_import_refuses_unknown_owner_and_missing_folder(user, tmp_path):
    with pytest.raises(CommandError, match="No user called 'ghost'"):
        call_command("import_media", str(tmp_path), kind="audio", owner="ghost")
    with pytest.raises(CommandError, match="is not a folder"):
        call_command("import_media", str(tmp_path / "missing"), kind="audio", owner=user.username)


def test_demo_media_is_created_once(user, settings, capsys):
    settings.REELMILL_DEMO = True
    call_command("demo_media", owner=user.username)
    assert "Demo media: 18 file(s) added." in capsys.readouterr().out
    kinds = Counter(MediaAsset.objects.filter(owner=user, status="ready").values_list("kind", flat=True))
    assert kinds == {"hot_video": 5, "product": 3, "template": 1, "image": 6, "audio": 3}
    call_command("demo_media", owner=user.username)
    assert "already in place" in capsys.readouterr().out
    assert MediaAsset.objects.count() == 18
