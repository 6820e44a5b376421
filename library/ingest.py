"""Turning bytes into a stored, probed, thumbnailed asset: the part every ingest door shares.

Bytes are streamed to a private temporary folder (hashed and size-checked on the way),
probed there, and only copied into storage once they are known to be good media. Whatever
happens, the temporary folder is removed, so a rejected file leaves nothing behind.
"""

from __future__ import annotations

import hashlib
import mimetypes
import re
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path, PurePath

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage

from common.errors import ApplicationError
from library import probe as ffmpeg
from library.files import is_media_type
from library.models import VIDEO_KINDS, MediaAsset, MediaKind, orientation_for, storage_name, thumbnail_name

READ_SIZE = 1024 * 1024
_SAFE_NAME = re.compile(r"[^\w .()+&,'-]+")


class FileRejected(ApplicationError):
    """The bytes are not acceptable media for this asset; the message says why."""

    default_code = "file_rejected"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message, code=code, fields={"file": [message]})


def clean_filename(name: str) -> str:
    """The last path component only, with odd characters dropped: for display, never for paths."""
    base = PurePath(str(name).replace("\\", "/")).name
    return _SAFE_NAME.sub("", base).strip(" .")[:255]


def title_from_filename(name: str) -> str:
    stem = PurePath(clean_filename(name)).stem
    return " ".join(stem.replace("_", " ").replace("-", " ").split())[:200]


def chunks_of_path(path: Path) -> Iterator[bytes]:
    with open(path, "rb") as fh:
        while chunk := fh.read(READ_SIZE):
            yield chunk


@contextmanager
def workspace() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="reelmill-ingest-") as directory:
        yield Path(directory)


def receive(chunks: Iterable[bytes], target: Path) -> tuple[str, int]:
    """Write the chunks to target; (sha256 hex, size). Stops at MEDIA_MAX_UPLOAD_BYTES."""
    limit = settings.MEDIA_MAX_UPLOAD_BYTES
    digest = hashlib.sha256()
    size = 0
    with open(target, "wb") as out:
        for chunk in chunks:
            size += len(chunk)
            if size > limit:
                raise FileRejected(too_large_message(), code="file_too_large")
            digest.update(chunk)
            out.write(chunk)
    if size == 0:
        raise FileRejected("The file is empty.", code="empty_file")
    return digest.hexdigest(), size


def too_large_message() -> str:
    limit = settings.MEDIA_MAX_UPLOAD_BYTES
    return f"The file is larger than the {_megabytes(limit)} limit (MEDIA_MAX_UPLOAD_BYTES)."


def _megabytes(value: int) -> str:
    return f"{value / 1024 / 1024:g} MB" if value >= 1024 * 1024 else f"{value} bytes"


def analyse(source: Path, kind: str, thumbnail_target: Path) -> tuple[ffmpeg.ProbeResult, Path | None]:
    """Probe, check the streams fit the kind, and make the thumbnail where one belongs."""
    try:
        result = ffmpeg.probe(source)
        ffmpeg.check_fits_kind(result, kind)
        if kind in VIDEO_KINDS or kind == MediaKind.IMAGE:
            ffmpeg.make_thumbnail(source, thumbnail_target, result)
            return result, thumbnail_target
        return result, None
    except ffmpeg.ProbeError as exc:
        raise FileRejected(str(exc), code="unsupported_media") from None


def apply_probe(asset: MediaAsset, result: ffmpeg.ProbeResult) -> None:
    asset.container = result.container[:100]
    asset.duration_seconds = round(result.duration_seconds, 3) if result.duration_seconds else None
    asset.width, asset.height = result.width, result.height
    asset.fps = round(result.fps, 3) if result.fps else None
    asset.video_codec = result.video_codec[:50]
    asset.audio_codec = result.audio_codec[:50]
    asset.has_video, asset.has_audio = result.has_video, result.has_audio
    asset.orientation = orientation_for(result.width, result.height)


def extension_for(filename: str, result: ffmpeg.ProbeResult) -> str:
    """The upload's own extension when it names a media type, else one from the container."""
    suffix = PurePath(clean_filename(filename)).suffix.lower()
    if re.fullmatch(r"\.[a-z0-9]{1,8}", suffix) and is_media_type(mimetypes.guess_type(f"x{suffix}")[0]):
        return suffix.lstrip(".")
    first = result.container.split(",", 1)[0].removesuffix("_pipe")
    return {"mov": "mp4", "jpeg": "jpg", "matroska": "mkv", "image2": "jpg"}.get(first, first)


def store(asset: MediaAsset, source: Path, thumbnail: Path | None, extension: str) -> list[str]:
    """Copy the checked file (and thumbnail) into storage under generated names."""
    stored: list[str] = []
    try:
        with open(source, "rb") as fh:
            name = storage_name(owner_id=asset.owner_id, kind=asset.kind, extension=extension)
            asset.file.name = default_storage.save(name, File(fh))
            stored.append(asset.file.name)
        if thumbnail is not None:
            with open(thumbnail, "rb") as fh:
                asset.thumbnail.name = default_storage.save(thumbnail_name(owner_id=asset.owner_id), File(fh))
                stored.append(asset.thumbnail.name)
    except Exception:
        discard(stored)
        raise
    return stored


def discard(names: Iterable[str]) -> None:
    for name in names:
        if name:
            default_storage.delete(name)
