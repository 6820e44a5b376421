"""The optional first comment, posted right after a video where the platform's API allows it.

YouTube (commentThreads.insert), Facebook and Instagram (`/{id}/comments`) take one; TikTok's
Content Posting API has none. A comment that fails is recorded on its upload with the
platform's reason and never changes the upload's own outcome: the video is out either way.
"""

from __future__ import annotations

import logging

from django.utils import timezone

from accounts.platforms import Platform
from accounts.services import redact
from distribution.models import AttemptOutcome, CommentStatus, Upload
from distribution.platforms import ADAPTERS, PlatformAdapter, PlatformError
from distribution.platforms.base import ErrorKind
from distribution.services import clients

logger = logging.getLogger(__name__)
# Posts a comment can go on: a draft in the creator's inbox is not public yet.
COMMENTABLE = ("published", "processing", "uploaded", "scheduled")


def comments_supported(platform: str) -> bool:
    """The platform's adapter posts comments (the base adapter's default refuses them)."""
    adapter = ADAPTERS.get(platform)
    method = getattr(adapter, "post_comment", None)
    return method is not None and method is not getattr(PlatformAdapter, "post_comment", None)


def unsupported_message(platform: str) -> str:
    label = Platform(platform).label if platform in Platform.values else platform
    return f"{label} takes no first comment: its API has no comment endpoint, so none will be posted"


def upload_post_first_comment(*, upload: Upload, adapter, creds, http) -> Upload:
    """Post `upload.first_comment` on its published post; the outcome lands on the upload only."""
    if upload.first_comment_status != CommentStatus.PENDING or not upload.first_comment:
        return upload
    if upload.remote_status not in COMMENTABLE or not upload.remote_id:
        return _settle(
            upload, CommentStatus.FAILED, error=f"The post is {upload.remote_status or 'not live'}: no comment"
        )
    try:
        comment_id = _post(upload, adapter, creds)
    except PlatformError as error:
        kind = CommentStatus.UNSUPPORTED if error.kind == ErrorKind.UNSUPPORTED else CommentStatus.FAILED
        http.note(
            f"{upload.platform}: first comment", outcome=AttemptOutcome.NOTE, body=error.message, error_kind=error.kind
        )
        return _settle(upload, kind, error=error.message)
    except Exception as error:  # a bug in a comment must not touch the published upload
        logger.exception("First comment of upload %s crashed", upload.upload_id)
        return _settle(upload, CommentStatus.FAILED, error=f"Internal error: {error!r}")
    return _settle(upload, CommentStatus.POSTED, comment_id=comment_id)


def _post(upload: Upload, adapter, creds) -> str:
    try:
        return str(adapter.post_comment(creds, remote_id=upload.remote_id, text=upload.first_comment) or "")
    except PlatformError as error:
        if error.kind != ErrorKind.AUTH or not creds.refresh_token:
            raise
    fresh = adapter.refresh(creds)  # once, like the publish flow
    clients.save_credentials(upload.account, fresh)
    return str(adapter.post_comment(fresh, remote_id=upload.remote_id, text=upload.first_comment) or "")


def _settle(upload: Upload, status: str, *, comment_id: str = "", error: str = "") -> Upload:
    upload.first_comment_status = status
    upload.first_comment_id = comment_id[:255]
    upload.first_comment_error = redact(error, upload.account)[:1000]
    upload.first_comment_at = timezone.now()
    fields = ["first_comment_status", "first_comment_id", "first_comment_error", "first_comment_at"]
    Upload.objects.filter(pk=upload.pk).update(**{name: getattr(upload, name) for name in fields})
    return upload
