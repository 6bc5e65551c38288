"""One person's browser for the drills: its cookies (the session and the CSRF token), plain
HTTP to an app server that believes it sits behind the clinic's TLS proxy, as in production."""

from __future__ import annotations

import http.client
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urlencode

from drills.servers import HOST

PASSWORD = "ldn-demo-2026"  # every demo login's (journal/management/commands/seed_demo.py)
TIMEOUT_SECONDS = 60


@dataclass(frozen=True)
class Answer:
    """What came back; `status` None when the connection broke before an answer (a worker
    killed mid-request): the request may or may not have been applied, and nobody was told."""

    status: int | None
    body: bytes = b""
    location: str = ""


@dataclass
class Browser:
    port: int
    cookies: dict[str, str] = field(default_factory=dict)

    def copy(self) -> Browser:
        """Another tab of the same browser: the same session, its own connection."""
        return Browser(self.port, dict(self.cookies))

    def get(self, path: str, *, port: int | None = None) -> Answer:
        return self.request("GET", path, port=port)

    def post(
        self,
        path: str,
        fields: dict[str, str],
        *,
        port: int | None = None,
        headers: dict[str, str] | None = None,
    ) -> Answer:
        """A form submitted with the page's CSRF token, as the browser would (`headers`: more of
        them, such as htmx's)."""
        fields = {**fields, "csrfmiddlewaretoken": self.cookies["csrftoken"]}
        return self.request("POST", path, fields, port=port, headers=headers)

    def request(
        self,
        method: str,
        path: str,
        fields: dict[str, str] | None = None,
        *,
        port: int | None = None,
        headers: dict[str, str] | None = None,
    ) -> Answer:
        port = port or self.port
        origin = f"https://{HOST}:{port}"
        headers = {
            "Host": f"{HOST}:{port}",
            "X-Forwarded-Proto": "https",
            "Referer": origin + path,
            **(headers or {}),
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        body = None
        if fields is not None:
            body = urlencode(fields)
            headers |= {"Origin": origin, "Content-Type": "application/x-www-form-urlencoded"}
        connection = http.client.HTTPConnection(HOST, port, timeout=TIMEOUT_SECONDS)
        try:
            connection.request(method, path, body, headers)
            response = connection.getresponse()
            content = response.read()
        except (OSError, http.client.HTTPException):
            return Answer(None)
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel.value:
                    self.cookies[name] = morsel.value
                else:
                    self.cookies.pop(name, None)
        return Answer(response.status, content, response.headers.get("Location", ""))

    def log_in(self, username: str, password: str = PASSWORD) -> None:
        self.get("/login/")  # the login page sets the CSRF cookie
        answer = self.post("/login/", {"username": username, "password": password})
        if answer.status != 302:
            raise RuntimeError(f"{username} could not log in: {answer.status}")
