import logging

from django.db import connection

from accounts import services


def test_credentials_are_encrypted_in_the_raw_column(user):
    account = services.social_account_create(
        owner=user,
        platform="youtube",
        username="chan",
        password="plain-password-123",
        access_token="ya29.access-token-value",
        refresh_token="1//refresh-token-value",
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT password, access_token, refresh_token FROM accounts_socialaccount WHERE id = %s", [account.pk]
        )
        raw = cursor.fetchone()
    for secret, stored in zip(
        ("plain-password-123", "ya29.access-token-value", "1//refresh-token-value"), raw, strict=True
    ):
        stored_bytes = bytes(stored) if not isinstance(stored, str) else stored.encode()
        assert stored_bytes, "the column should hold the ciphertext"
        assert secret.encode() not in stored_bytes
    # And the application still reads them back.
    account.refresh_from_db()
    assert account.access_token == "ya29.access-token-value"


def test_secrets_stay_out_of_logs(user, caplog):
    caplog.set_level(logging.DEBUG)
    account = services.social_account_create(owner=user, platform="tiktok", username="t", access_token="tok-LOGCHECK-1")
    services.social_account_record_error(account=account, message="refused tok-LOGCHECK-1")
    assert "tok-LOGCHECK-1" not in caplog.text
