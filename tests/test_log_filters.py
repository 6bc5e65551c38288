"""Secret tokens in URLs (the calendar feed, invitations, set-password links) never reach a
log: Django's request logs and gunicorn's access log mask them (ldnjournal/log_filters.py)."""

from __future__ import annotations

import datetime as dt
import importlib
import io
import logging
import logging.config
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.urls import reverse

from ldnjournal.log_filters import mask_tokens

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "Zq3vN8pLr2xKfW7tYb5mHc9dGs4jUa1e"


def _state(logger: logging.Logger) -> dict:
    return {
        "handlers": logger.handlers[:],
        "filters": logger.filters[:],
        "level": logger.level,
        "propagate": logger.propagate,
        "disabled": logger.disabled,
    }


@pytest.fixture
def production_logging(monkeypatch):
    """The LOGGING of ldnjournal/settings.py in force for one test (tests run without it);
    yields what its handlers write."""
    import ldnjournal.settings

    # dictConfig closes every handler there is, pytest's own log capture's too: keep them open.
    monkeypatch.setattr(logging, "shutdown", lambda handlers: None)
    loggers = [logging.getLogger(), *(logging.getLogger(name) for name in logging.Logger.manager.loggerDict)]
    saved = [(logger, _state(logger)) for logger in loggers]
    logging.config.dictConfig(importlib.reload(ldnjournal.settings).LOGGING)
    written = io.StringIO()  # what the configured handlers write, instead of stderr
    for handler in [*logging.getLogger().handlers, *logging.getLogger("django.server").handlers]:
        handler.setStream(written)
    yield written
    for logger, state in saved:
        logger.__dict__.update(state)


TOKEN_PATHS = [f"/invitation/{TOKEN}/", f"/calendar/{TOKEN}.ics", f"/clinic/set-password/MTI/{TOKEN}/"]


@pytest.mark.parametrize("path", TOKEN_PATHS[:2])
def test_a_not_found_token_url_is_logged_with_the_token_masked(client, db, production_logging, path):
    client.get(path)  # an unknown token: 404, which Django logs with the path
    logged = production_logging.getvalue()
    assert "Not Found" in logged
    assert TOKEN not in logged


@pytest.mark.parametrize("path", TOKEN_PATHS)
def test_the_development_servers_access_log_masks_the_token(production_logging, path):
    # What `runserver` logs for each request (django.core.servers.basehttp).
    logging.getLogger("django.server").info('"%s" %s %s', f"GET {path} HTTP/1.1", "200", "512")
    logged = production_logging.getvalue()
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


def test_a_traceback_that_quotes_a_token_url_is_masked(production_logging):
    try:
        raise ValueError(f"no route for /invitation/{TOKEN}/")
    except ValueError:
        logging.getLogger("django.request").exception("Internal Server Error: %s", f"/calendar/{TOKEN}.ics")
    logged = production_logging.getvalue()
    assert "ValueError: no route for /invitation/***/" in logged
    assert TOKEN not in logged
