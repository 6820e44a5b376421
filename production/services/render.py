"""Rendering a claimed queue item: one ffmpeg process, heartbeats, and a safe hand-over.

The renderer calls back at least once a second from this thread; each callback extends the
item's lease and reports progress (throttled to once a second), and a cancel request or a
lost lease stops ffmpeg. The worker renders into a private temporary folder. Only a validated output becomes a
library asset (kind `rendered`), and only while the worker still holds the item's lease;
otherwise the output is discarded, so a half-written or orphaned file is never `ready`.
"""

from __future__ import annotations

import logging
import shlex
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from common.errors import ApplicationError, ConflictError
from library import services as library_services
from library.models import MediaAsset, MediaKind
from production.models import QueueItem
from production.rendering import CompositionSpec, RenderCancelled, RenderError, SpecError, render
from production.services import queue, specs

logger = logging.getLogger(__name__)
HEARTBEAT_SECONDS = 1.0
# Render presets -> the account platform a rendered video is meant for.
PLATFORM_OF_PRESET = {
    "tiktok": "tiktok",
    "youtube": "youtube",
    "youtube_shorts": "youtube",
    "facebook_reels": "facebook",
    "instagram_reels": "instagram",
}


@dataclass
class RenderRun:
    """Per-run state: the renderer's progress callback heartbeats through it."""

    item_id: int
    worker: str
    cancel: threading.Event = field(default_factory=threading.Event)
    lease_lost: bool = False
    last_beat: float = 0.0

    def on_progress(self, percent: float) -> None:
        """Called by the renderer in this thread at least once a second; beats once a second."""
        now = time.monotonic()
        if now - self.last_beat < HEARTBEAT_SECONDS and percent < 100:
            return
        self.last_beat = now
        beat = queue.queue_item_heartbeat(item_id=self.item_id, worker=self.worker, progress=percent)
        self.lease_lost = not beat.lease_held
        if beat.cancel_requested or self.lease_lost:
            self.cancel.set()


def process_next(*, worker: str) -> QueueItem | None:
    """Claim the next pending item and render it. Returns the item (refreshed) or None."""
    item = queue.queue_item_claim(worker=worker)
    if item is None:
        return None
    render_item(item=item, worker=worker)
    item.refresh_from_db()
    return item


def render_item(*, item: QueueItem, worker: str) -> None:
    run = RenderRun(item_id=item.pk, worker=worker)
    workdir = Path(tempfile.mkdtemp(prefix=f"render-{item.queue_id}-", dir=_scratch_dir()))
    try:
        try:
            spec = CompositionSpec.from_dict(item.spec)
            assets = specs.load_assets(ids=spec.asset_ids(), workdir=workdir)
            specs.check_spec(owner_id=item.owner_id, data=item.spec, assets=assets)
        except (SpecError, ApplicationError) as exc:
            queue.queue_item_fail_attempt(item_id=item.pk, worker=worker, error=str(exc), permanent=True)
            return
        output = workdir / f"{item.queue_id}.mp4"
        result = render(
            spec,
            output,
            assets=assets,
            on_progress=run.on_progress,
            cancel=run.cancel,
            timeout=settings.RENDER_TIMEOUT_SECONDS,
            workdir=workdir,
        )
        _hand_over(item, run, result)
    except SpecError as exc:  # the assets changed since the item was queued
        queue.queue_item_fail_attempt(item_id=item.pk, worker=worker, error=str(exc), permanent=True)
    except RenderCancelled:
        if not run.lease_lost:
            queue.queue_item_mark_cancelled(item_id=item.pk, worker=worker)
    except RenderError as exc:
        error = exc.message + (f"\n--- ffmpeg ---\n{exc.log_tail}" if exc.log_tail else "")
        queue.queue_item_fail_attempt(item_id=item.pk, worker=worker, error=error)
    except Exception as exc:  # keep the worker alive; the item records what happened
        logger.exception("Render of queue item %s crashed", item.pk)
        queue.queue_item_fail_attempt(item_id=item.pk, worker=worker, error=f"Internal error: {exc!r}")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _hand_over(item: QueueItem, run: RenderRun, result) -> None:
    """Store the output as the owner's `rendered` asset and mark the item ready."""
    try:
        asset = _store_output(item, result.path)
    except DuplicateRender as exc:
        queue.queue_item_fail_attempt(item_id=item.pk, worker=run.worker, error=str(exc), permanent=True)
        return
    done = queue.queue_item_complete(
        item_id=item.pk,
        worker=run.worker,
        output_path=asset.file.name,
        render_seconds=result.elapsed,
        output_asset=asset,
        command=shlex.join(result.command),
    )
    if not done and not asset.rendered_by.exists():
        # The lease was reaped while we finished: nobody will use this output.
        library_services.media_asset_delete(asset=asset)


class DuplicateRender(Exception):
    """The output is byte-identical to a file the library already holds for another video."""


def _store_output(item: QueueItem, path) -> MediaAsset:
    try:
        return library_services.media_asset_ingest(
            owner=item.owner,
            kind=MediaKind.RENDERED,
            path=path,
            title=f"{item.campaign.name if item.campaign_id else 'Render'} · {str(item.queue_id)[:8]}",
            platform=PLATFORM_OF_PRESET.get(item.platform, ""),
        )
    except ConflictError as exc:
        existing = MediaAsset.objects.get(pk=exc.extra["existing_id"])
    # Rendering this same item again gives its own file back. A new item never takes over
    # another's: the same bytes posted again are a duplicate post.
    if item.output_asset_id == existing.pk:
        return existing
    others = list(existing.rendered_by.exclude(pk=item.pk).values_list("queue_id", flat=True)[:3])
    whose = f"video {str(others[0])[:8]}" if others else f"the library's “{existing.title}”"
    raise DuplicateRender(
        f"The render came out byte-identical to {whose} (asset {existing.pk}): it would post the same video "
        "twice, so it is not used. Change this video's assets or settings and render it again."
    )


def _scratch_dir() -> str:
    path = Path(settings.RENDER_SCRATCH_DIR)
    path.mkdir(parents=True, exist_ok=True)
    return str(path)
