"""/readyz: every check named in the body, 503 when any fails; failures of worker and disk alert operators."""

from datetime import timedelta

import pytest
from django.utils import timezone

from monitoring.models import Alert, AlertKind, WorkerHeartbeat
from monitoring.tasks import record_heartbeat


@pytest.fixture
def alive(db):
    record_heartbeat("worker@test", started=True)


def test_ready_when_every_check_passes(client, alive):
    response = client.get("/readyz")
    body = response.json()
    assert response.status_code == 200 and body["status"] == "ok" and body["failed"] == []
    assert set(body["checks"]) == {"database", "broker", "worker", "disk", "ffmpeg"}
    assert all(check["ok"] for check in body["checks"].values())


def test_no_recent_worker_heartbeat_fails(client, alive):
    WorkerHeartbeat.objects.update(last_seen_at=timezone.now() - timedelta(minutes=5))
    response = client.get("/readyz")
    assert response.status_code == 503 and response.json()["failed"] == ["worker"]
    assert "last heartbeat" in response.json()["checks"]["worker"]["detail"]
    assert Alert.objects.filter(kind=AlertKind.WORKER_MISSING, owner=None).exists()


def test_no_worker_ever_fails(client, db):
    assert client.get("/readyz").json()["failed"] == ["worker"]


def test_low_disk_fails(client, alive, settings):
    settings.READYZ_MIN_FREE_DISK_MB = 10**12
    response = client.get("/readyz")
    assert response.status_code == 503 and response.json()["failed"] == ["disk"]
    assert Alert.objects.get(kind=AlertKind.DISK_LOW).severity == "critical"


def test_unreachable_broker_fails(client, alive, settings):
    settings.READYZ_BROKER_TIMEOUT = 0.5
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:9/0"  # nothing listens on the discard port
    response = client.get("/readyz")
    assert response.status_code == 503 and response.json()["failed"] == ["broker"]


def test_missing_ffmpeg_fails(client, alive, monkeypatch):
    monkeypatch.setattr("library.probe.ffmpeg_binary", lambda: "/nonexistent/ffmpeg")
    response = client.get("/readyz")
    assert response.status_code == 503 and response.json()["failed"] == ["ffmpeg"]


class _Unreachable:
    def cursor(self):
        raise ConnectionError("database went away")


def test_database_down_fails(client, alive, monkeypatch):
    monkeypatch.setattr("monitoring.health.connection", _Unreachable())
    response = client.get("/readyz")
    assert response.status_code == 503 and response.json()["failed"] == ["database"]
    assert response.json()["checks"]["database"]["detail"] == "unreachable: ConnectionError"


def test_readyz_needs_no_login_and_healthz_still_works(client, alive):
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz")["Cache-Control"].startswith("max-age=0")
