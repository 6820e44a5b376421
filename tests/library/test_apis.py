from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from library import services
from library.models import MediaAsset, MediaStatus
from tests.accounts.test_apis import assert_error
from tests.library.conftest import media_files

URL = "/api/v1/media/"


def upload(api, path: Path, kind: str, **fields):
    with open(path, "rb") as fh:
        return api.post(URL, {"file": fh, "kind": kind, **fields}, format="multipart")


@pytest.fixture
def library(user, media):
    """A small library: two videos, an audio track and an image, with tags and categories."""
    return {
        "portrait": services.media_asset_ingest(
            owner=user,
            path=media["video"],
            kind="hot_video",
            tags=["dance", "trend"],
            category="fashion",
            platform="tiktok",
        ),
        "landscape": services.media_asset_ingest(
            owner=user, path=media["landscape"], kind="hot_video", tags=["dance"], category="travel"
        ),
        "audio": services.media_asset_ingest(
            owner=user,
            path=media["audio"],
            kind="audio",
            tags=["calm"],
            category="chill",
            mood="relaxed",
            royalty_free=True,
        ),
        "image": services.media_asset_ingest(owner=user, path=media["image"], kind="image", title="Logo"),
    }


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


# --- create ---------------------------------------------------------------------------


def test_upload_each_kind_through_the_api(api, media):
    response = upload(api, media["video"], "template", title="Promo", tags="Summer, beach", category="Promo")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "ready"
    assert body["tags"] == ["summer", "beach"]
    assert (body["width"], body["height"], body["orientation"]) == (160, 284, "portrait")
    assert body["download_url"] == f"{URL}{body['id']}/download/"
    assert body["thumbnail_url"] == f"{URL}{body['id']}/thumbnail/"

    audio = upload(api, media["audio"], "audio", mood="Energetic")
    assert audio.status_code == 201
    assert audio.json()["thumbnail_url"] is None
    assert upload(api, media["image"], "image").status_code == 201
    assert MediaAsset.objects.filter(status=MediaStatus.READY).count() == 3


def test_upload_refusals_are_clear_and_keep_nothing(api, media, tmp_path, settings):
    fake = tmp_path / "movie.mp4"
    fake.write_bytes(b"<html>not a movie</html>" * 100)
    body = assert_error(upload(api, fake, "hot_video"), 400, "unsupported_media", field="file")
    assert "not a media file" in body["message"]

    assert_error(upload(api, media["landscape"], "audio"), 400, "unsupported_media", field="file")
    assert_error(upload(api, media["video"], "gif"), 400, "invalid", field="kind")
    assert_error(api.post(URL, {"kind": "audio"}, format="multipart"), 400, "invalid", field="file")
    assert_error(upload(api, media["video"], "template", platform="myspace"), 400, "invalid", field="platform")
    assert_error(upload(api, media["video"], "template", tags="ok,bad|tag"), 400, field="tags")

    settings.MEDIA_MAX_UPLOAD_BYTES = 2048
    body = assert_error(upload(api, media["video"], "template"), 400, "file_too_large", field="file")
    assert "2048 bytes" in body["message"]

    assert MediaAsset.objects.count() == 0
    assert media_files(settings.MEDIA_ROOT) == []


def test_duplicate_upload_is_409_with_the_existing_id(api, media):
    first = upload(api, media["video"], "template").json()
    body = assert_error(upload(api, media["video"], "hot_video"), 409, "duplicate")
    assert body["existing_id"] == first["id"]
    assert MediaAsset.objects.count() == 1


# --- read, filter, order ----------------------------------------------------------------


def test_filters_search_and_ordering(api, library):
    portrait, landscape, audio, image = (library[k].pk for k in ("portrait", "landscape", "audio", "image"))
    assert ids(api.get(URL)) == {portrait, landscape, audio, image}
    assert ids(api.get(URL, {"kind": "hot_video"})) == {portrait, landscape}
    assert ids(api.get(URL, {"tags": "trend,calm"})) == {portrait, audio}
    assert ids(api.get(URL, {"tags_all": "dance,trend"})) == {portrait}
    assert ids(api.get(URL, {"tags": "DANCE"})) == {portrait, landscape}
    assert ids(api.get(URL, {"category": "Fashion"})) == {portrait}
    assert ids(api.get(URL, {"mood": "relaxed"})) == {audio}
    assert ids(api.get(URL, {"platform": "tiktok"})) == {portrait}
    assert ids(api.get(URL, {"orientation": "landscape"})) == {landscape}
    assert ids(api.get(URL, {"orientation": "square"})) == {image}
    assert ids(api.get(URL, {"duration_min": 1.5})) == {portrait}
    assert ids(api.get(URL, {"duration_max": 1.2})) == {landscape, audio}
    assert ids(api.get(URL, {"royalty_free": "true"})) == {audio}
    assert ids(api.get(URL, {"status": "ready", "search": "logo"})) == {image}
    assert ids(api.get(URL, {"search": "calm"})) == {audio}  # tags are searched too

    ordered = api.get(URL, {"ordering": "duration_seconds", "kind": "hot_video"}).json()["results"]
    assert [row["id"] for row in ordered] == [landscape, portrait]


def test_bad_filters_are_400(api, library):
    assert_error(api.get(URL, {"kind": "gif"}), 400, "invalid", field="kind")
    assert_error(api.get(URL, {"duration_min": "long"}), 400, "invalid", field="duration_min")
    assert_error(api.get(URL, {"orientation": "diagonal"}), 400, "invalid", field="orientation")


def test_list_runs_a_constant_number_of_queries(api, user, library, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):  # token+user, count, page
        first = api.get(URL, {"page_size": 50})
    MediaAsset.objects.bulk_create(
        MediaAsset(owner=user, kind="template", title=f"Row {n}", status="ready", checksum=f"{n:064x}")
        for n in range(60)
    )
    with django_assert_max_num_queries(3):
        second = api.get(URL, {"page_size": 50, "tags": "dance", "ordering": "-times_used"})
    with django_assert_max_num_queries(3):
        third = api.get(URL, {"page_size": 50})
    assert first.json()["count"] == 4
    assert second.json()["count"] == 2
    assert third.json()["count"] == 64
    assert len(third.json()["results"]) == 50


def test_update_and_delete(api, library):
    audio = library["audio"]
    response = api.patch(f"{URL}{audio.pk}/", {"title": "Rain", "tags": ["piano", "Calm"], "mood": "Sad"})
    assert response.status_code == 200, response.content
    assert (response.json()["title"], response.json()["tags"], response.json()["mood"]) == (
        "Rain",
        ["piano", "calm"],
        "sad",
    )
    assert_error(api.patch(f"{URL}{audio.pk}/", {"title": ""}), 400, "invalid", field="title")
    assert_error(api.patch(f"{URL}{audio.pk}/", {"royalty_free": "maybe"}), 400, "invalid", field="royalty_free")

    assert api.delete(f"{URL}{audio.pk}/").status_code == 204
    assert not MediaAsset.objects.filter(pk=audio.pk).exists()


def test_deleting_an_asset_in_use_is_409_with_the_reason(api, library):
    asset = library["portrait"]

    def guard(candidate):
        return "queue item #12 (pending) uses it" if candidate.pk == asset.pk else None

    services.register_delete_guard(guard)
    try:
        body = assert_error(api.delete(f"{URL}{asset.pk}/"), 409, "asset_in_use")
        assert "queue item #12 (pending) uses it" in body["message"]
        result = api.post(f"{URL}bulk/", {"action": "delete", "ids": [asset.pk, library["image"].pk]}).json()
    finally:
        services.unregister_delete_guard(guard)
    assert result["changed"] == [library["image"].pk]
    assert result["blocked"][0]["id"] == asset.pk
    assert MediaAsset.objects.filter(pk=asset.pk).exists()


# --- downloads ----------------------------------------------------------------------------


def test_download_and_thumbnail_for_the_owner(api, library, media):
    asset = library["portrait"]
    response = api.get(f"{URL}{asset.pk}/download/", HTTP_ACCEPT="video/*")
    assert response.status_code == 200
    assert response["Content-Type"] == "video/mp4"
    assert b"".join(response.streaming_content) == media["video"].read_bytes()
    assert 'filename="video.mp4"' in response["Content-Disposition"]

    thumb = api.get(f"{URL}{asset.pk}/thumbnail/", HTTP_ACCEPT="image/*")
    assert thumb.status_code == 200
    assert thumb["Content-Type"] == "image/jpeg"
    assert b"".join(thumb.streaming_content)[:2] == b"\xff\xd8"

    assert_error(api.get(f"{URL}{library['audio'].pk}/thumbnail/"), 404, "not_found")


# --- stats and random ---------------------------------------------------------------------


def test_stats_numbers(api, library):
    services.pick_assets(owner=library["audio"].owner, kind="audio", count=1)
    body = api.get(f"{URL}stats/").json()
    assets = list(library.values())
    assert body["count"] == 4
    assert body["size_bytes"] == sum(a.size_bytes for a in assets)
    assert body["duration_seconds"] == pytest.approx(sum(a.duration_seconds or 0 for a in assets), abs=0.01)
    assert body["by_kind"]["hot_video"]["count"] == 2
    assert (
        body["by_kind"]["hot_video"]["size_bytes"] == library["portrait"].size_bytes + library["landscape"].size_bytes
    )
    assert body["by_kind"]["audio"]["duration_seconds"] == pytest.approx(1.0, abs=0.05)
    assert body["by_category"]["fashion"]["count"] == 1
    assert body["by_category"][""]["count"] == 1  # the uncategorised image
    assert body["by_platform"]["tiktok"]["count"] == 1
    assert body["by_status"] == {"processing": 0, "ready": 4, "rejected": 0}
    assert body["most_used"][0]["id"] == library["audio"].pk
    assert body["most_used"][0]["times_used"] == 1
    assert [row["id"] for row in body["least_used"]][-1] == library["audio"].pk


def test_random_pick_with_filters_seed_and_usage(api, library):
    response = api.get(f"{URL}random/hot-video/", {"count": 2, "seed": "abc"})
    assert response.status_code == 200, response.content
    assert {row["id"] for row in response.json()} == {library["portrait"].pk, library["landscape"].pk}
    assert all(row["times_used"] == 1 for row in response.json())

    only = api.get(f"{URL}random/hot_video/", {"tags": "trend", "dry_run": "true"}).json()
    assert [row["id"] for row in only] == [library["portrait"].pk]
    assert MediaAsset.objects.get(pk=library["portrait"].pk).times_used == 1  # dry run

    body = assert_error(api.get(f"{URL}random/audio/", {"count": 2}), 400, "not_enough_assets")
    assert "Needed 2 ready audio track assets" in body["message"]
    assert "only 1" in body["message"]
    assert_error(api.get(f"{URL}random/gif/"), 400, "invalid", field="kind")
    assert_error(api.get(f"{URL}random/audio/", {"count": 0}), 400, "invalid", field="count")
    assert_error(api.get(f"{URL}random/audio/", {"duration_min": "x"}), 400, "invalid", field="duration_min")


# --- bulk ------------------------------------------------------------------------------------


def test_bulk_tag_and_untag(api, library):
    targets = [library["portrait"].pk, library["image"].pk]
    response = api.post(f"{URL}bulk/", {"action": "tag", "ids": targets, "tags": ["promo"]})
    assert response.status_code == 200, response.content
    assert sorted(response.json()["changed"]) == sorted(targets)
    assert ids(api.get(URL, {"tags": "promo"})) == set(targets)

    api.post(f"{URL}bulk/", {"action": "untag", "ids": targets, "tags": "promo"})
    assert ids(api.get(URL, {"tags": "promo"})) == set()

    assert_error(api.post(f"{URL}bulk/", {"action": "tag", "ids": targets}), 400, "invalid", field="tags")
    assert_error(api.post(f"{URL}bulk/", {"action": "burn", "ids": targets}), 400, "invalid", field="action")
    assert_error(api.post(f"{URL}bulk/", {"action": "delete", "ids": []}), 400, "invalid", field="ids")
    assert_error(api.post(f"{URL}bulk/", {"action": "delete", "ids": ["x"]}), 400, "invalid")


# --- isolation -----------------------------------------------------------------------------


def test_another_users_asset_is_404_on_every_route(api, other_user, media):
    theirs = services.media_asset_ingest(owner=other_user, path=media["video"], kind="template", tags=["secret"])
    detail = f"{URL}{theirs.pk}/"

    for response in (
        api.get(detail),
        api.patch(detail, {"title": "mine now"}),
        api.delete(detail),
        api.get(f"{detail}download/"),
        api.get(f"{detail}thumbnail/"),
        api.post(f"{URL}bulk/", {"action": "tag", "ids": [theirs.pk], "tags": ["x"]}),
        api.post(f"{URL}bulk/", {"action": "delete", "ids": [theirs.pk]}),
    ):
        assert_error(response, 404, "not_found")

    assert ids(api.get(URL)) == set()
    assert ids(api.get(URL, {"search": "secret"})) == set()
    assert api.get(f"{URL}stats/").json()["count"] == 0
    assert_error(api.get(f"{URL}random/template/"), 400, "not_enough_assets")
    # Their identical file is not a duplicate for me.
    assert upload(api, media["video"], "template").status_code == 201
    theirs.refresh_from_db()
    assert (theirs.title, theirs.tags, theirs.times_used) == ("video", ["secret"], 0)


def test_anonymous_requests_are_401(anon_api, library):
    asset = library["portrait"]
    for path in (URL, f"{URL}{asset.pk}/", f"{URL}{asset.pk}/download/", f"{URL}stats/", f"{URL}random/audio/"):
        assert_error(anon_api.get(path), 401, "not_authenticated")
    assert_error(anon_api.post(f"{URL}import-url/", {"url": "http://x.test/a.mp4", "kind": "audio"}), 401)


def test_upload_with_a_simple_uploaded_file_name_traversal(api, media):
    evil = SimpleUploadedFile("../../x/../clip.mp4", media["video"].read_bytes(), content_type="video/mp4")
    response = api.post(URL, {"file": evil, "kind": "template"}, format="multipart")
    assert response.status_code == 201
    asset = MediaAsset.objects.get()
    assert asset.original_filename == "clip.mp4"
    assert Path(asset.file.path).resolve().is_relative_to(Path(settings.MEDIA_ROOT).resolve())
