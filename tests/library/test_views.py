import pytest
from django.conf import settings

from library import services
from library.models import MediaAsset
from tests.library.conftest import media_files


@pytest.fixture
def signed_in(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def assets(user, media):
    return {
        "video": services.media_asset_ingest(
            owner=user, path=media["video"], kind="hot_video", tags=["dance"], category="fashion"
        ),
        "audio": services.media_asset_ingest(owner=user, path=media["audio"], kind="audio", mood="calm"),
    }


def test_library_page_shows_the_gallery_and_filters(signed_in, assets):
    page = signed_in.get("/library/")
    assert page.status_code == 200
    html = page.content.decode()
    assert f'data-asset="{assets["video"].title}"' in html
    assert f"/library/{assets['video'].pk}/thumbnail/" in html
    assert "0:02" in html  # duration on the card

    filtered = signed_in.get("/library/", {"tags": "dance"}).content.decode()
    assert f'id="asset-{assets["video"].pk}"' in filtered
    assert f'id="asset-{assets["audio"].pk}"' not in filtered
    by_mood = signed_in.get("/library/", {"mood": "calm", "view": "list"}).content.decode()
    assert f'id="asset-{assets["audio"].pk}"' in by_mood
    assert f'id="asset-{assets["video"].pk}"' not in by_mood
    assert "media-table" in by_mood


def test_library_page_runs_a_constant_number_of_queries(signed_in, user, assets, django_assert_max_num_queries):
    MediaAsset.objects.bulk_create(
        MediaAsset(owner=user, kind="template", title=f"Row {n}", status="ready", checksum=f"{n:064x}", tags=["x"])
        for n in range(80)
    )
    with django_assert_max_num_queries(12):
        assert signed_in.get("/library/").status_code == 200
    with django_assert_max_num_queries(12):
        assert signed_in.get("/library/", {"view": "list", "page": 2}).status_code == 200


def test_upload_endpoint_answers_json(signed_in, media, tmp_path):
    with open(media["video"], "rb") as fh:
        response = signed_in.post("/library/upload/", {"file": fh, "kind": "template", "tags": "a, b"})
    assert response.status_code == 201
    asset = MediaAsset.objects.get(pk=response.json()["id"])
    assert asset.tags == ["a", "b"]

    with open(media["video"], "rb") as fh:
        duplicate = signed_in.post("/library/upload/", {"file": fh, "kind": "template"})
    assert duplicate.status_code == 409
    assert duplicate.json()["error"]["existing_id"] == asset.pk

    fake = tmp_path / "x.mp4"
    fake.write_text("nope")
    with open(fake, "rb") as fh:
        refused = signed_in.post("/library/upload/", {"file": fh, "kind": "template"})
    assert refused.status_code == 400
    assert "not a media file" in refused.json()["error"]["message"]
    assert signed_in.post("/library/upload/", {"kind": "template"}).status_code == 400
    assert len(media_files(settings.MEDIA_ROOT)) == 2


def test_detail_plays_the_file_and_edits(signed_in, assets):
    video = assets["video"]
    html = signed_in.get(f"/library/{video.pk}/").content.decode()
    assert f'<video controls preload="metadata" playsinline src="/library/{video.pk}/file/"' in html
    assert "Not used in any video yet." in html
    audio_html = signed_in.get(f"/library/{assets['audio'].pk}/").content.decode()
    assert f'<audio controls preload="metadata" src="/library/{assets["audio"].pk}/file/"' in audio_html

    response = signed_in.post(
        f"/library/{video.pk}/",
        {"title": "Dance clip", "tags": "Dance, Summer", "category": "fun", "mood": "", "license_note": "CC-BY"},
    )
    assert response.status_code == 302
    video.refresh_from_db()
    assert (video.title, video.tags, video.category, video.license_note) == (
        "Dance clip",
        ["dance", "summer"],
        "fun",
        "CC-BY",
    )

    bad = signed_in.post(f"/library/{video.pk}/", {"title": "x", "tags": "ok, no|pipe"})
    assert bad.status_code == 200
    assert "not a valid tag" in bad.content.decode()

    services.pick_assets(owner=video.owner, kind="hot_video", count=1)
    assert "Picked <strong>1</strong> time" in signed_in.get(f"/library/{video.pk}/").content.decode()


def test_file_and_thumbnail_are_served_to_the_owner(signed_in, assets, media):
    response = signed_in.get(f"/library/{assets['video'].pk}/file/")
    assert response["Content-Type"] == "video/mp4"
    assert b"".join(response.streaming_content) == media["video"].read_bytes()
    thumb = signed_in.get(f"/library/{assets['video'].pk}/thumbnail/")
    assert thumb["Content-Type"] == "image/jpeg"
    download = signed_in.get(f"/library/{assets['video'].pk}/file/", {"download": "1"})
    assert download["Content-Disposition"].startswith("attachment")


def test_bulk_actions_and_in_use_delete_says_why(signed_in, assets):
    ids = [assets["video"].pk, assets["audio"].pk]
    response = signed_in.post("/library/bulk/", {"action": "tag", "ids": ids, "tags": "promo"}, follow=True)
    assert "Tagged 2 assets." in response.content.decode()
    assert all("promo" in a.tags for a in MediaAsset.objects.all())
    signed_in.post("/library/bulk/", {"action": "untag", "ids": ids, "tags": "promo"})
    assert not any("promo" in a.tags for a in MediaAsset.objects.all())

    missing_tags = signed_in.post("/library/bulk/", {"action": "tag", "ids": ids}, follow=True)
    assert "Type the tags to add or remove." in missing_tags.content.decode()

    def guard(asset):
        return "queue item #5 (processing) uses it" if asset.pk == assets["video"].pk else None

    services.register_delete_guard(guard)
    try:
        page = signed_in.post(f"/library/{assets['video'].pk}/delete/", follow=True).content.decode()
        assert "can&#x27;t be deleted: queue item #5 (processing) uses it" in page
        bulk = signed_in.post("/library/bulk/", {"action": "delete", "ids": ids}, follow=True).content.decode()
        assert "Deleted 1 asset." in bulk
        assert "queue item #5 (processing) uses it" in bulk
    finally:
        services.unregister_delete_guard(guard)
    assert list(MediaAsset.objects.values_list("pk", flat=True)) == [assets["video"].pk]


def test_import_url_form_refuses_private_addresses(signed_in):
    page = signed_in.post(
        "/library/import-url/", {"url": "http://127.0.0.1:9/x.mp4", "kind": "hot_video"}, follow=True
    ).content.decode()
    assert "private or local address" in page
    assert MediaAsset.objects.count() == 0


def test_other_users_assets_are_404_on_every_page(client, other_user, assets):
    client.force_login(other_user)
    pk = assets["video"].pk
    for url in (f"/library/{pk}/", f"/library/{pk}/card/", f"/library/{pk}/file/", f"/library/{pk}/thumbnail/"):
        assert client.get(url).status_code == 404
    assert client.post(f"/library/{pk}/delete/").status_code == 404
    assert client.post(f"/library/{pk}/", {"title": "mine"}).status_code == 404
    page = client.post("/library/bulk/", {"action": "delete", "ids": [pk]}, follow=True).content.decode()
    assert "No such asset in your library" in page
    assert f'id="asset-{pk}"' not in client.get("/library/").content.decode()
    assert MediaAsset.objects.filter(pk=pk, title=assets["video"].title).exists()


def test_signed_out_visitors_are_sent_to_sign_in(client, assets):
    response = client.get("/library/")
    assert response.status_code == 302
    assert "/sign-in/" in response["Location"]
    assert client.get(f"/library/{assets['video'].pk}/file/").status_code == 302


def test_processing_cards_poll_until_the_import_settles(signed_in, user):
    from library.models import MediaStatus

    asset = MediaAsset.objects.create(
        owner=user, kind="hot_video", title="incoming", status=MediaStatus.PROCESSING, source_url="https://x.test/a.mp4"
    )
    card = signed_in.get(f"/library/{asset.pk}/card/").content.decode()
    assert 'hx-trigger="every 2s"' in card
    assert "Processing" in card

    MediaAsset.objects.filter(pk=asset.pk).update(status=MediaStatus.REJECTED, rejection_reason="The server said 404")
    card = signed_in.get(f"/library/{asset.pk}/card/", {"view": "list"}).content.decode()
    assert "hx-trigger" not in card
    assert "The server said 404" in card
    assert "Rejected" in card


def test_upload_over_the_size_limit_is_refused_readably(signed_in, media, settings):
    settings.MEDIA_MAX_UPLOAD_BYTES = 4096
    with open(media["video"], "rb") as fh:
        response = signed_in.post("/library/upload/", {"file": fh, "kind": "template"})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "file_too_large"
    assert "4096 bytes limit" in response.json()["error"]["message"]
    assert MediaAsset.objects.count() == 0
