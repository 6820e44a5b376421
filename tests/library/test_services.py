from pathlib import Path

import pytest
from django.conf import settings

from common.errors import ApplicationError, ConflictError
from library import services
from library.ingest import FileRejected
from library.models import MediaAsset, MediaKind, MediaSource, MediaStatus
from tests.library.conftest import media_files


@pytest.mark.parametrize(
    ("kind", "sample", "expect"),
    [
        ("template", "video", {"width": 160, "height": 284, "orientation": "portrait", "has_audio": True}),
        ("hot_video", "video", {"video_codec": "h264", "audio_codec": "aac", "fps": 25.0}),
        ("product", "landscape", {"orientation": "landscape", "has_audio": False, "duration_seconds": 1.0}),
        ("rendered", "video", {"has_video": True}),
        ("audio", "audio", {"has_audio": True, "has_video": False, "duration_seconds": 1.0, "width": None}),
        ("image", "image", {"width": 120, "height": 120, "orientation": "square", "duration_seconds": None}),
    ],
)
def test_each_kind_is_probed_stored_and_thumbnailed(user, media, kind, sample, expect):
    asset = services.media_asset_ingest(owner=user, path=media[sample], kind=kind, tags=["Summer ", "summer", "Beach"])

    assert asset.status == MediaStatus.READY
    for name, value in expect.items():
        assert getattr(asset, name) == value, name
    assert asset.tags == ["summer", "beach"]
    assert asset.size_bytes == media[sample].stat().st_size
    assert len(asset.checksum) == 64
    assert asset.file.name.startswith(f"library/{user.pk}/{kind}/")
    assert Path(asset.file.path).read_bytes() == media[sample].read_bytes()
    if kind == "audio":
        assert not asset.thumbnail
    else:
        assert asset.thumbnail.name.endswith(".jpg")
        assert Path(asset.thumbnail.path).read_bytes()[:2] == b"\xff\xd8"  # JPEG
    if kind == "template":
        assert asset.duration_seconds == pytest.approx(2.0, abs=0.1)
        assert asset.title == "video"


def test_a_text_file_named_mp4_is_rejected_and_leaves_nothing(user, tmp_path):
    fake = tmp_path / "holiday.mp4"
    fake.write_text("this is not a video\n" * 50)

    with pytest.raises(FileRejected) as exc:
        services.media_asset_ingest(owner=user, path=fake, kind="hot_video")

    assert "not a media file" in exc.value.message
    assert MediaAsset.objects.count() == 0
    assert media_files(settings.MEDIA_ROOT) == []


def test_audio_kind_without_an_audio_stream_is_rejected(user, media):
    with pytest.raises(FileRejected, match="needs an audio stream"):
        services.media_asset_ingest(owner=user, path=media["landscape"], kind="audio")
    assert media_files(settings.MEDIA_ROOT) == []


@pytest.mark.parametrize(
    ("kind", "sample", "message"),
    [
        ("template", "audio", "needs a video stream"),
        ("hot_video", "image", "still image"),
        ("image", "video", "must be a still picture"),
    ],
)
def test_streams_must_fit_the_kind(user, media, kind, sample, message):
    with pytest.raises(FileRejected, match=message):
        services.media_asset_ingest(owner=user, path=media[sample], kind=kind)
    assert MediaAsset.objects.count() == 0


def test_duplicate_for_the_same_owner_points_at_the_existing_asset(user, other_user, media):
    first = services.media_asset_ingest(owner=user, path=media["video"], kind="template")

    with pytest.raises(ConflictError) as exc:
        services.media_asset_ingest(owner=user, path=media["video"], kind="hot_video", title="again")
    assert exc.value.extra == {"existing_id": first.pk}
    assert f"#{first.pk}" in exc.value.message
    assert len(media_files(settings.MEDIA_ROOT)) == 2  # the first file and its thumbnail only

    # Another creator may hold the same bytes.
    assert services.media_asset_ingest(owner=other_user, path=media["video"], kind="template").pk != first.pk


def test_size_and_duration_limits(user, media, settings):
    settings.MEDIA_MAX_UPLOAD_BYTES = 1000
    with pytest.raises(FileRejected, match="larger than the 1000 bytes limit") as exc:
        services.media_asset_ingest(owner=user, path=media["video"], kind="template")
    assert exc.value.code == "file_too_large"

    settings.MEDIA_MAX_UPLOAD_BYTES = 10_000_000
    settings.MEDIA_MAX_DURATION_SECONDS = 1
    with pytest.raises(FileRejected, match="the limit is 1 s"):
        services.media_asset_ingest(owner=user, path=media["video"], kind="template")
    assert media_files(settings.MEDIA_ROOT) == []


def test_filenames_never_become_paths(user, media):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("../../../etc/evil clip<>.html", media["video"].read_bytes())
    asset = services.media_asset_ingest(owner=user, file=upload, kind="template")

    assert asset.original_filename == "evil clip.html"
    assert asset.file.name.startswith(f"library/{user.pk}/template/")
    assert asset.file.name.endswith(".mp4")  # .html is not a media type: named from the container
    assert ".." not in asset.file.name


def test_bad_metadata_is_refused_before_the_file_is_read(user, media):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc:
        services.media_asset_ingest(owner=user, path=media["video"], kind="template", tags=["ok", "no|pipes"])
    assert "tags" in exc.value.message_dict
    with pytest.raises(ApplicationError, match="Unknown kind"):
        services.media_asset_ingest(owner=user, path=media["video"], kind="gif")
    assert media_files(settings.MEDIA_ROOT) == []


def test_update_normalises_and_keeps_the_tag_index(user, media):
    asset = services.media_asset_ingest(owner=user, path=media["audio"], kind="audio")
    services.media_asset_update(asset=asset, tags=["Calm", "Piano"], category=" Chill ", mood="Relaxed", title="Rain")
    asset.refresh_from_db()
    assert (asset.tags, asset.tag_index, asset.category, asset.mood, asset.title) == (
        ["calm", "piano"],
        "|calm|piano|",
        "chill",
        "relaxed",
        "Rain",
    )


def test_delete_removes_files_and_guards_can_block_it(user, media, django_capture_on_commit_callbacks):
    asset = services.media_asset_ingest(owner=user, path=media["video"], kind="template", title="Busy")

    def in_use(candidate):
        return "queue item #7 (pending) uses it" if candidate.pk == asset.pk else None

    services.register_delete_guard(in_use)
    try:
        with pytest.raises(ConflictError, match="queue item #7 \\(pending\\) uses it") as exc:
            services.media_asset_delete(asset=asset)
        assert exc.value.code == "asset_in_use"
        assert MediaAsset.objects.filter(pk=asset.pk).exists()
    finally:
        services.unregister_delete_guard(in_use)

    with django_capture_on_commit_callbacks(execute=True):
        services.media_asset_delete(asset=asset)
    assert not MediaAsset.objects.exists()
    assert media_files(settings.MEDIA_ROOT) == []


def test_bulk_tag_untag_delete_only_on_own_assets(user, other_user, media):
    mine = [
        services.media_asset_ingest(owner=user, path=media["video"], kind="template", tags=["a"]),
        services.media_asset_ingest(owner=user, path=media["audio"], kind="audio"),
    ]
    theirs = services.media_asset_ingest(owner=other_user, path=media["image"], kind="image")
    ids = [a.pk for a in mine]

    result = services.media_asset_bulk_tag(owner=user, ids=ids, tags=["Summer", "a"])
    assert sorted(result.changed) == sorted(ids)
    assert [MediaAsset.objects.get(pk=pk).tags for pk in ids] == [["a", "summer"], ["summer", "a"]]

    services.media_asset_bulk_tag(owner=user, ids=ids, tags=["a"], remove=True)
    assert [MediaAsset.objects.get(pk=pk).tags for pk in ids] == [["summer"], ["summer"]]

    with pytest.raises(services.AssetsNotFound):
        services.media_asset_bulk_tag(owner=user, ids=[*ids, theirs.pk], tags=["x"])
    assert MediaAsset.objects.get(pk=theirs.pk).tags == []
    assert "x" not in MediaAsset.objects.get(pk=ids[0]).tags  # nothing changed

    result = services.media_asset_bulk_delete(owner=user, ids=ids)
    assert sorted(result.changed) == sorted(ids)
    assert list(MediaAsset.objects.values_list("pk", flat=True)) == [theirs.pk]


def test_reprobe_refreshes_metadata_and_thumbnail(user, media, django_capture_on_commit_callbacks):
    asset = services.media_asset_ingest(owner=user, path=media["video"], kind="template")
    old_thumbnail = asset.thumbnail.name
    MediaAsset.objects.filter(pk=asset.pk).update(width=1, height=1, orientation="square", duration_seconds=None)
    asset.refresh_from_db()

    with django_capture_on_commit_callbacks(execute=True):
        services.media_asset_reprobe(asset=asset)

    asset.refresh_from_db()
    assert (asset.width, asset.height, asset.orientation) == (160, 284, "portrait")
    assert asset.duration_seconds == pytest.approx(2.0, abs=0.1)
    assert asset.thumbnail.name != old_thumbnail
    assert not asset.thumbnail.storage.exists(old_thumbnail)
    assert asset.thumbnail.storage.exists(asset.thumbnail.name)


def test_the_folder_source_and_labels(user, media):
    asset = services.media_asset_ingest(
        owner=user, path=media["video"], kind=MediaKind.HOT_VIDEO, source=MediaSource.IMPORTED_FOLDER
    )
    assert str(asset) == "Hot video: video"
    assert asset.get_source_display() == "Imported from a folder"


def test_rotated_phone_video_reports_its_displayed_size(user, media, tmp_path):
    """Phones store portrait video as landscape frames plus a rotation: show what people see."""
    import subprocess

    from library.probe import ffmpeg_binary

    rotated = tmp_path / "phone.mp4"
    subprocess.run(
        [ffmpeg_binary(), "-v", "error", "-display_rotation", "90", "-i", str(media["landscape"]), "-c", "copy",
         str(rotated)],
        check=True,
    )  # fmt: skip
    asset = services.media_asset_ingest(owner=user, path=rotated, kind="hot_video")
    assert (asset.width, asset.height, asset.orientation) == (160, 284, "portrait")
