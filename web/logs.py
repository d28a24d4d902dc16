"""Log records that say what happened in one line, where a traceback adds nothing."""

from __future__ import annotations

import logging

# Django logs a request with a Host header not in ALLOWED_HOSTS at ERROR, with
# the traceback of the check that refused it: anyone can send such requests,
# and each would write some fifty lines.
ONE_LINE_LOGGERS = ("django.security.DisallowedHost",)


class OneLine(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.name in ONE_LINE_LOGGERS:
            record.exc_info = None
            record.exc_text = None
        return True
