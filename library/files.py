"""Serving an asset's stored bytes to its owner (API and dashboard share this)."""

from __future__ import annotations

import mimetypes
from pathlib import PurePath

from django.http import FileResponse, Http404

from library.models import MediaAsset

# Only media types are ever served inline; anything else is a download.
_INLINE_PREFIXES = ("video/", "audio/", "image/")
_NEVER_INLINE = {"image/svg+xml"}


def is_media_type(content_type: str | None) -> bool:
    return bool(content_type) and content_type.startswith(_INLINE_PREFIXES) and content_type not in _NEVER_INLINE


def asset_file_response(asset: MediaAsset, *, thumbnail: bool = False, attachment: bool = False) -> FileResponse:
    field = asset.thumbnail if thumbnail else asset.file
    if not field:
        raise Http404("This asset has no such file.")
    try:
        handle = field.open("rb")
    except FileNotFoundError:
        raise Http404("The file is missing from storage.") from None
    stored_name = PurePath(field.name).name
    if thumbnail:
        filename = f"asset-{asset.pk}-thumbnail.jpg"
    else:
        filename = asset.original_filename or f"asset-{asset.pk}{PurePath(stored_name).suffix}"
    content_type, _ = mimetypes.guess_type(stored_name)
    if not is_media_type(content_type):
        content_type, attachment = "application/octet-stream", True
    response = FileResponse(handle, as_attachment=attachment, filename=filename, content_type=content_type)
    response["Cache-Control"] = "private, max-age=3600"
    return response
