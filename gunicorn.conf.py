"""gunicorn's settings for LDN Journal, read from the working directory by `gunicorn ldnjournal.wsgi`
(or named with `--config gunicorn.conf.py`). Command-line options override them.

The access log masks the secret of token URLs (the calendar feed, invitations, set-password
links) in the request line and the Referer: ldnjournal/log_filters.py, the same filter
Django's logs use."""

import os

wsgi_app = "ldnjournal.wsgi"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
# Every request finishes far inside this (the slowest, a patient's three-year CSV, in well under a
# second); clinic-wide exports are written by `manage.py worker`, never in a request. A worker
# silent this long is stuck: gunicorn restarts it. SIGTERM lets requests in flight finish first.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5  # seconds an idle keep-alive connection from the proxy stays open
accesslog = "-"

logconfig_dict = {
    "filters": {"mask_tokens": {"()": "ldnjournal.log_filters.MaskTokens"}},
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": ["error_console"], "filters": ["mask_tokens"]},
        "gunicorn.access": {"level": "INFO", "handlers": ["console"], "filters": ["mask_tokens"]},
    },
}
