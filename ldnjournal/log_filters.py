"""Secret tokens in URLs never reach a log.

The calendar feed, an invitation and a clinician's set-password link carry their secret in
the path, and every access log (runserver's, gunicorn's, Django's "Not Found") writes paths,
as do Referer headers. `MaskTokens` rewrites each log record's message with the secret
replaced by `***`. It is the one place: settings.LOGGING puts it on Django's handlers and
gunicorn.conf.py on gunicorn's loggers.
"""

from __future__ import annotations

import logging
import re

MASK = "***"

# The URLs that carry a secret (see journal/urls.py); tests/test_log_filters.py checks that
# every URL with a token is listed. A token ends at "/", a quote, a space, "?" or "#".
_SECRET = r"[^/\s\"'?#]+"
TOKEN_URLS = re.compile(
    rf"(?P<before>/calendar/){_SECRET}(?=\.ics)"
    rf"|(?P<before_invitation>/invitation/){_SECRET}"
    rf"|(?P<before_password>/clinic/set-password/{_SECRET}/){_SECRET}"
)


def mask_tokens(text: str) -> str:
    """`text` with the secret of every token URL in it replaced by ***."""
    return TOKEN_URLS.sub(lambda match: next(group for group in match.groups() if group) + MASK, text)


class MaskTokens(logging.Filter):
    """Formats the record's message (and its traceback) once, masked, so no handler sees the
    secret: an exception's text can quote the path too."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_tokens(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_tokens(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_tokens(record.stack_info)
        return True
