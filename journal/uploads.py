"""Uploads read with bounded memory and no disk: each file is kept only up to one byte past the
largest file a form accepts (a FHIR Bundle), and the rest of the body is read and dropped. The
form then refuses a larger file for its size, with its own message, and no upload, however large,
fills the server's memory or disk (the front web server's body limit bounds the time)."""

from __future__ import annotations

from io import BytesIO
from typing import Any

from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler

from journal.fhir_import import BUNDLE_MAX_BYTES

KEPT_BYTES = BUNDLE_MAX_BYTES + 1


class BoundedUploadHandler(FileUploadHandler):
    kept: BytesIO

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.kept = BytesIO()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        room = KEPT_BYTES - self.kept.tell()
        if room > 0:
            self.kept.write(raw_data[:room])

    def file_complete(self, file_size: int) -> InMemoryUploadedFile:
        self.kept.seek(0)
        return InMemoryUploadedFile(
            file=self.kept,
            field_name=self.field_name,
            name=self.file_name,
            content_type=self.content_type,
            size=len(self.kept.getbuffer()),
            charset=self.charset,
            content_type_extra=self.content_type_extra,
        )
