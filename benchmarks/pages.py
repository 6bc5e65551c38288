"""What a page loads, read from its HTML, and the static files as the server sends them."""

from __future__ import annotations

import http.client
from html.parser import HTMLParser

from drills.servers import HOST


class PageParts(HTMLParser):
    """What a page loads: its scripts' addresses, and the JSON of each chart it embeds (a
    `data-figure` attribute names the `<script type="application/json">` holding the figure)."""

    def __init__(self, html: str):
        super().__init__()
        self.scripts: list[str] = []
        self.figure_ids: list[str] = []
        self.inline: dict[str, str] = {}
        self._open: str | None = None
        self.feed(html)

    @property
    def figures(self) -> list[str]:
        return [self.inline[name] for name in self.figure_ids]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        if figure := named.get("data-figure"):
            self.figure_ids.append(figure)
        if tag == "script":
            if source := named.get("src"):
                self.scripts.append(source)
            self._open = named.get("id")

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self.inline[self._open] = self.inline.get(self._open, "") + data

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._open = None


def static_file(port: int, path: str, *, compressed: bool) -> tuple[bytes, str]:
    """A static file's bytes as sent, and their Content-Encoding, to a browser that accepts
    brotli and gzip (or nothing)."""
    connection = http.client.HTTPConnection(HOST, port, timeout=60)
    headers = {"X-Forwarded-Proto": "https", "Accept-Encoding": "br, gzip" if compressed else "identity"}
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        body = response.read()
    finally:
        connection.close()
    if response.status != 200:
        raise RuntimeError(f"{path} answered {response.status}")
    return body, response.headers.get("Content-Encoding", "")
