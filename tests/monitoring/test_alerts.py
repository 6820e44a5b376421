"""Alerts: deduplicated, acknowledged, emailed and posted to a webhook when critical, raised by events."""

import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core import mail
from django.utils import timezone

from accounts import services as account_services
from monitoring.models import Alert, AlertKind, Severity
from monitoring.services.alerts import alert_acknowledge, alert_raise


def test_the_same_problem_is_one_alert_that_counts(user):
    first = alert_raise(owner=user, kind=AlertKind.PLATFORM_CAP, subject="platform:tiktok", message="cap 1")
    again = alert_raise(
        owner=user, kind=AlertKind.PLATFORM_CAP, subject="platform:tiktok", message="cap 2", severity=Severity.CRITICAL
    )
    other = alert_raise(owner=user, kind=AlertKind.PLATFORM_CAP, subject="platform:youtube", message="yt")
    assert again.pk == first.pk and again.count == 2 and again.message == "cap 2"
    assert again.severity == Severity.CRITICAL, "severity only goes up"
    assert other.pk != first.pk and Alert.objects.count() == 2


def test_acknowledged_alerts_stay_closed_for_the_snooze_then_reopen(user, settings):
    settings.ALERT_SNOOZE_HOURS = 1
    alert = alert_raise(owner=user, kind=AlertKind.DISK_LOW, subject="disk", message="low")
    alert_acknowledge(alert=alert, user=user)
    assert alert.acknowledged_by == user and alert.acknowledged_at is not None
    assert alert_raise(owner=user, kind=AlertKind.DISK_LOW, subject="disk", message="low").pk == alert.pk
    later = timezone.now() + timedelta(hours=2)
    reopened = alert_raise(owner=user, kind=AlertKind.DISK_LOW, subject="disk", message="low", at=later)
    assert reopened.pk != alert.pk and reopened.is_open


def test_global_alerts_are_deduplicated_too(db):
    for _ in range(3):
        alert_raise(kind=AlertKind.WORKER_MISSING, subject="worker", message="no worker")
    assert Alert.objects.get().count == 3


def test_critical_alerts_are_emailed_once(user, settings, django_capture_on_commit_callbacks):
    settings.ALERT_EMAIL_TO = ["ops@example.test"]
    user.email = "maria@example.test"
    user.save()
    with django_capture_on_commit_callbacks(execute=True):
        alert_raise(
            owner=user, kind=AlertKind.RENDER_FAILURES, subject="renders", message="60% failed", severity="critical"
        )
        alert_raise(
            owner=user, kind=AlertKind.RENDER_FAILURES, subject="renders", message="61% failed", severity="critical"
        )
        alert_raise(owner=user, kind=AlertKind.PLATFORM_CAP, subject="p", message="a warning is not emailed")
    assert len(mail.outbox) == 1
    assert sorted(mail.outbox[0].to) == ["maria@example.test", "ops@example.test"]
    assert "61% failed" in mail.outbox[0].body and "Critical" in mail.outbox[0].subject  # the latest news


class _Hook(BaseHTTPRequestHandler):
    received: list = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        _Hook.received.append((self.headers["Content-Type"], json.loads(body)))
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


@pytest.fixture
def webhook():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Hook)
    _Hook.received = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/hooks/alerts", _Hook.received
    server.shutdown()


def test_critical_alerts_are_posted_to_the_webhook_as_slack_json(
    db, settings, webhook, django_capture_on_commit_callbacks
):
    settings.ALERT_WEBHOOK_URL, received = webhook
    with django_capture_on_commit_callbacks(execute=True):
        alert = alert_raise(kind=AlertKind.DISK_LOW, subject="disk", message="120 MB free", severity="critical")
    [(content_type, payload)] = received
    assert content_type == "application/json"
    assert "120 MB free" in payload["text"] and payload["attachments"][0]["fields"][1]["value"] == "disk"
    alert.refresh_from_db()
    assert alert.notified_at is not None


def test_a_webhook_that_fails_does_not_break_anything(db, settings, django_capture_on_commit_callbacks):
    settings.ALERT_WEBHOOK_URL = "http://127.0.0.1:9/nothing-listens-here"
    with django_capture_on_commit_callbacks(execute=True):
        alert = alert_raise(kind=AlertKind.DISK_LOW, subject="disk", message="low", severity="critical")
    assert Alert.objects.filter(pk=alert.pk).exists()


def test_an_account_deactivated_after_errors_raises_an_alert(
    user, account_factory, settings, django_capture_on_commit_callbacks
):
    settings.ACCOUNT_ERROR_THRESHOLD = 2
    account = account_factory(owner=user, platform="tiktok")
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(2):
            account_services.social_account_record_error(account=account, message="HTTP 500")
    alert = Alert.objects.get(kind=AlertKind.ACCOUNT_ATTENTION)
    assert alert.owner == user and alert.subject == f"account:{account.pk}" and alert.severity == "critical"
    assert f"@{account.username}" in alert.message and "consecutive errors" in alert.message


def test_an_expired_account_raises_one_alert(user, account_factory, django_capture_on_commit_callbacks):
    account = account_factory(owner=user, platform="youtube")
    with django_capture_on_commit_callbacks(execute=True):
        account_services.social_account_mark_expired(account=account, reason="token revoked")
    alert = Alert.objects.get()
    assert alert.kind == AlertKind.ACCOUNT_ATTENTION and "token revoked" in alert.message
    analyze_again = alert_raise(
        owner=user, kind=AlertKind.ACCOUNT_ATTENTION, subject=f"account:{account.pk}", message="still expired"
    )
    assert analyze_again.pk == alert.pk and analyze_again.count == 2
