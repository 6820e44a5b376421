"""Operators in the admin: uploads with attempts and actions, distributions with history; no tokens."""

import pytest

from distribution.models import Distribution, UploadStatus
from distribution.services import publishing, reservation


@pytest.fixture
def staff_client(client, django_user_model):
    admin = django_user_model.objects.create_superuser("ops", "ops@example.test", "pw-ops-123456")
    client.force_login(admin)
    return client


def test_upload_pages_show_attempts_and_never_tokens(staff_client, user, ready_item, account_factory):
    account = account_factory(owner=user, platform="sandbox", access_token="tok-VERY-SECRET", refresh_token="rt-X1")
    upload = reservation.upload_reserve(queue_item=ready_item(user), account=account)
    publishing.upload_publish(upload_id=upload.pk)
    distribution = Distribution.objects.get(upload=upload)

    pages = [
        "/admin/distribution/upload/",
        "/admin/distribution/upload/?status=success&platform=sandbox",
        f"/admin/distribution/upload/{upload.pk}/change/",
        "/admin/distribution/uploadattempt/",
        "/admin/distribution/distribution/",
        f"/admin/distribution/distribution/{distribution.pk}/change/",
    ]
    for page in pages:
        response = staff_client.get(page)
        assert response.status_code == 200, page
        assert b"tok-VERY-SECRET" not in response.content and b"rt-X1" not in response.content
    assert b"published" in staff_client.get(f"/admin/distribution/upload/{upload.pk}/change/").content


def test_admin_actions_retry_and_cancel(staff_client, user, ready_item, account_factory):
    account = account_factory(owner=user, platform="sandbox")
    waiting = reservation.upload_reserve(queue_item=ready_item(user), account=account)
    response = staff_client.post(
        "/admin/distribution/upload/", {"action": "cancel", "_selected_action": [waiting.pk]}, follow=True
    )
    assert response.status_code == 200
    waiting.refresh_from_db()
    assert waiting.status == UploadStatus.CANCELLED

    staff_client.post("/admin/distribution/upload/", {"action": "retry", "_selected_action": [waiting.pk]})
    waiting.refresh_from_db()
    assert waiting.status == UploadStatus.CANCELLED  # only failed uploads are retried: a warning, no change
