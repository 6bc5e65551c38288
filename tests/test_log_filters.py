"""Secret tokens in URLs (the calendar feed, invitations, set-password links) never reach a
log: Django's request logs and gunicorn's access log mask them (ldnjournal/log_filters.py)."""

from __future__ import annotations

import datetime as dt
import importlib
import logging
import logging.config
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.urls import reverse

from ldnjournal.log_filters import mask_tokens

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "Zq3vN8pLr2xKfW7tYb5mHc9dGs4jUa1e"


@pytest.fixture
def production_logging():
    """The LOGGING of ldnjournal/settings.py in force for one test (tests run without it)."""
    import ldnjournal.settings

    saved = {name: logger.__dict__.copy() for name, logger in logging.Logger.manager.loggerDict.items()
             if isinstance(logger, logging.Logger)}  # fmt: skip
    root = logging.getLogger().__dict__.copy()
    logging.config.dictConfig(importlib.reload(ldnjournal.settings).LOGGING)
    yield
    for name, state in saved.items():
        logging.getLogger(name).__dict__.update(state)
    logging.getLogger().__dict__.update(root)


TOKEN_PATHS = [f"/invitation/{TOKEN}/", f"/calendar/{TOKEN}.ics", f"/clinic/set-password/MTI/{TOKEN}/"]


@pytest.mark.parametrize("path", TOKEN_PATHS[:2])
def test_a_not_found_token_url_is_logged_with_the_token_masked(client, db, capsys, production_logging, path):
    client.get(path)  # an unknown token: 404, which Django logs with the path
    logged = capsys.readouterr().err
    assert "Not Found" in logged
    assert TOKEN not in logged


@pytest.mark.parametrize("path", TOKEN_PATHS)
def test_the_development_servers_access_log_masks_the_token(capsys, production_logging, path):
    # What `runserver` logs for each request (django.core.servers.basehttp).
    logging.getLogger("django.server").info('"%s" %s %s', f"GET {path} HTTP/1.1", "200", "512")
    logged = capsys.readouterr().err
    assert "GET /" in logged
    assert TOKEN not in logged


def _gunicorn_logger(config_file: str | None):
    from gunicorn.config import Config
    from gunicorn.glogging import Logger

    config = Config()
    if config_file:
        # What gunicorn does with the file it is given (or finds in the working directory).
        namespace: dict = {}
        exec(compile(Path(config_file).read_text(), config_file, "exec"), namespace)
        for name in ("accesslog", "logconfig_dict"):
            config.set(name, namespace[name])
    return Logger(config)


def test_gunicorns_access_log_masks_the_token_in_the_request_line_and_the_referer(capsys):
    logger = _gunicorn_logger(str(ROOT / "gunicorn.conf.py"))
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/calendar/{TOKEN}.ics",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_REFERER": f"https://ldn.example.org/invitation/{TOKEN}/",
    }
    response = SimpleNamespace(status="200 OK", sent=512, headers=[])
    logger.access(response, SimpleNamespace(headers=[]), environ, dt.timedelta(milliseconds=3))
    logged = capsys.readouterr().out
    assert '"GET /calendar/***.ics HTTP/1.1" 200 512 "https://ldn.example.org/invitation/***/"' in logged
    assert TOKEN not in logged


def test_every_url_with_a_token_is_masked():
    from journal.urls import urlpatterns

    with_token = [pattern for pattern in urlpatterns if "token" in pattern.pattern.converters]
    assert len(with_token) == 3
    for pattern in with_token:
        kwargs = {name: TOKEN if name == "token" else "MTI" for name in pattern.pattern.converters}
        path = reverse(pattern.name, kwargs=kwargs)
        assert mask_tokens(f"GET {path} HTTP/1.1") == f"GET {path.replace(TOKEN, '***')} HTTP/1.1"


@pytest.mark.parametrize(
    "text",
    [
        "GET /calendar/ HTTP/1.1",
        "POST /calendar/reset/ HTTP/1.1",
        "GET /clinic/patients/12/invitation/ HTTP/1.1",
    ],
)
def test_urls_without_a_secret_are_logged_as_they_are(text):
    assert mask_tokens(text) == text
