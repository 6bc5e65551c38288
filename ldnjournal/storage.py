"""Static files as whitenoise serves them, with each file's address worked out once."""

from __future__ import annotations

from typing import Any

from whitenoise.storage import CompressedManifestStaticFilesStorage  # type: ignore[import-untyped]


class StaticFiles(CompressedManifestStaticFilesStorage):
    """Whitenoise's compressed, hashed files. Every page links the same few files, and working
    out a hashed address (a manifest lookup and URL parsing) was a noticeable part of a small
    page; the manifest cannot change while the app runs (collectstatic comes with a restart),
    so each address is kept once found. A name missing from the manifest still fails each time."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.addresses: dict[str, str] = {}

    def url(self, name: str | None, force: bool = False) -> str:
        if force or name is None:
            return super().url(name, force)
        if (address := self.addresses.get(name)) is None:
            address = self.addresses[name] = super().url(name)
        return address
