import pytest

from library import services
from library.models import MediaAsset
from tests.factories import UserFactory


@pytest.fixture
def operator_client(client, db):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_admin_lists_assets_with_previews_filters_and_search(operator_client, user, media):
    video = services.media_asset_ingest(owner=user, path=media["video"], kind="hot_video", tags=["neon"])
    services.media_asset_ingest(owner=user, path=media["audio"], kind="audio")

    page = operator_client.get("/admin/library/mediaasset/").content.decode()
    assert f"/admin/library/mediaasset/{video.pk}/thumbnail/" in page
    thumb = operator_client.get(f"/admin/library/mediaasset/{video.pk}/thumbnail/")
    assert thumb["Content-Type"] == "image/jpeg"

    assert operator_client.get("/admin/library/mediaasset/", {"kind__exact": "audio"}).context["cl"].result_count == 1
    assert operator_client.get("/admin/library/mediaasset/", {"q": "neon"}).context["cl"].result_count == 1
    assert operator_client.get("/admin/library/mediaasset/", {"status__exact": "ready"}).context["cl"].result_count == 2
    assert operator_client.get(f"/admin/library/mediaasset/{video.pk}/change/").status_code == 200


def test_admin_reprobe_action(operator_client, user, media):
    asset = services.media_asset_ingest(owner=user, path=media["video"], kind="template")
    MediaAsset.objects.filter(pk=asset.pk).update(width=None, height=None, orientation="")
    response = operator_client.post(
        "/admin/library/mediaasset/", {"action": "reprobe", "_selected_action": [asset.pk]}, follow=True
    )
    assert "Re-probed 1 asset(s)." in response.content.decode()
    asset.refresh_from_db()
    assert (asset.width, asset.height, asset.orientation) == (160, 284, "portrait")


def test_admin_tag_edits_keep_the_index(operator_client, user, media):
    asset = services.media_asset_ingest(owner=user, path=media["audio"], kind="audio", tags=["a"])
    data = {
        "title": "Edited",
        "description": "",
        "tags": '["Calm", "Rain"]',
        "category": "",
        "mood": "",
        "platform": "",
        "license_note": "",
        "status": "ready",
        "rejection_reason": "",
    }
    response = operator_client.post(f"/admin/library/mediaasset/{asset.pk}/change/", data)
    assert response.status_code == 302
    asset.refresh_from_db()
    assert (asset.tags, asset.tag_index) == (["calm", "rain"], "|calm|rain|")

    data["tags"] = '"not a list"'
    bad = operator_client.post(f"/admin/library/mediaasset/{asset.pk}/change/", data)
    assert bad.status_code == 200
    assert "Tags are a JSON list" in bad.content.decode()


def test_staff_only_thumbnail_view(client, user, media):
    asset = services.media_asset_ingest(owner=user, path=media["image"], kind="image")
    client.force_login(user)
    response = client.get(f"/admin/library/mediaasset/{asset.pk}/thumbnail/")
    assert response.status_code == 302  # the admin's sign-in, not the file
