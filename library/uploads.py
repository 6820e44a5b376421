"""Stop writing an uploaded file to disk as soon as it passes MEDIA_MAX_UPLOAD_BYTES.

Django would otherwise spool the whole body to a temporary file before the view runs.
The rest of the body is still read (and dropped), so the client gets a readable 400
rather than a reset connection; views call `raise_if_too_large(request)`.
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload

from library.ingest import FileRejected, too_large_message

FLAG = "media_upload_too_large"


class MediaSizeLimitHandler(FileUploadHandler):
    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > settings.MEDIA_MAX_UPLOAD_BYTES:
            setattr(self.request, FLAG, True)
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size):
        return None


def raise_if_too_large(request) -> None:
    if getattr(request, FLAG, False):
        raise FileRejected(too_large_message(), code="file_too_large")
