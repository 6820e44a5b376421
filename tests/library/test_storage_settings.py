"""Media storage is chosen by the environment: local folder by default, S3 when configured."""

from tests.config.test_settings import run_manage

PRINT_STORAGE = "from django.conf import settings; d = settings.STORAGES['default']; print(d['BACKEND'], d.get('OPTIONS', {}).get('bucket_name'), d.get('OPTIONS', {}).get('endpoint_url'))"  # noqa: E501


def test_filesystem_is_the_default(tmp_path):
    result = run_manage("shell", "-c", PRINT_STORAGE, REELMILL_VAR_DIR=str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "django.core.files.storage.FileSystemStorage None None"


def test_s3_compatible_bucket_when_the_environment_says_so(tmp_path):
    result = run_manage(
        "shell",
        "-c",
        PRINT_STORAGE,
        REELMILL_VAR_DIR=str(tmp_path),
        MEDIA_STORAGE="s3",
        MEDIA_S3_BUCKET="reelmill-media",
        MEDIA_S3_ENDPOINT_URL="https://s3.example.test",
    )
    assert result.returncode == 0, result.stderr
    assert (
        result.stdout.strip().splitlines()[-1]
        == "storages.backends.s3.S3Storage reelmill-media https://s3.example.test"
    )


def test_unknown_storage_is_refused(tmp_path):
    result = run_manage("check", REELMILL_VAR_DIR=str(tmp_path), MEDIA_STORAGE="dropbox")
    assert result.returncode != 0
    assert "MEDIA_STORAGE must be 'filesystem' or 's3'" in result.stderr
