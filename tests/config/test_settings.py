import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
STRONG_SECRET = secrets.token_urlsafe(50)
STRONG_KEY = secrets.token_urlsafe(50)


def run_manage(*args, **env_overrides):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SECRET_KEY", "ACCOUNT_ENCRYPTION"))}
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_DEBUG="false",
        SECRET_KEY=STRONG_SECRET,
        ACCOUNT_ENCRYPTION_KEY=STRONG_KEY,
        ALLOWED_HOSTS="reelmill.example.com",
        REELMILL_VAR_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"ACCOUNT_ENCRYPTION_KEY": STRONG_KEY}, "SECRET_KEY must be set"),
        ({"SECRET_KEY": STRONG_SECRET}, "ACCOUNT_ENCRYPTION_KEY must be set"),
        ({"SECRET_KEY": "short", "ACCOUNT_ENCRYPTION_KEY": STRONG_KEY}, "SECRET_KEY is too weak"),
        ({"SECRET_KEY": STRONG_SECRET, "ACCOUNT_ENCRYPTION_KEY": STRONG_SECRET}, "must differ"),
    ],
)
def test_production_refuses_to_start_without_real_keys(tmp_path, overrides, message):
    result = run_manage("check", DJANGO_DEBUG="false", REELMILL_VAR_DIR=str(tmp_path), **overrides)
    assert result.returncode != 0
    assert message in result.stderr
    for secret in (STRONG_SECRET, STRONG_KEY):
        assert secret not in result.stderr


def test_healthz(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["checks"]["database"] == "ok"


def test_healthz_answers_503_without_database(client, db, monkeypatch):
    class Unreachable:
        def cursor(self):
            raise ConnectionError("database went away")

    monkeypatch.setattr("common.health.connection", Unreachable())
    response = client.get("/healthz")
    assert response.status_code == 503
    assert "unreachable" in response.json()["checks"]["database"]


def test_api_docs_are_served_without_a_cdn(client, db):
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    page = docs.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in page
    assert "cdn" not in page.lower()
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"ReelMill API" in schema.content
