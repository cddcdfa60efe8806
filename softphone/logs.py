"""Log files an agent can send to support without leaking anyone's secrets.

Support asks for logs; logs are where passwords, SIP digests, JWTs and the
gateway's cookie would end up by accident (a debug line printing a request,
an exception carrying a URL with a token). So every record passes a filter
that masks them *before* any handler formats it, and the diagnostics export
runs the same masking over the files once more. No Qt here: the headless
agent logs the same way.
"""

from __future__ import annotations

import logging
import logging.handlers
import re
import sys
from collections.abc import Callable
from pathlib import Path

import platformdirs

APP_NAME = "softphone"
MASK = "***"
LOG_FILE = "softphone.log"
MAX_BYTES = 2 * 1024 * 1024
BACKUPS = 4
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

_KEY_WORDS = (
    r"password|passwd|pwd|secret|token|api[_-]?key|authorization|cookie|set-cookie"
    r"|sip_password|vouchcookie|jwt|access_token|refresh_token"
)

_Rule = tuple[re.Pattern[str], Callable[[re.Match[str]], str]]


def _keep_prefix(match: re.Match[str]) -> str:
    return match.group("prefix") + MASK


_RULES: tuple[_Rule, ...] = (
    # HTTP headers, whole line value: "Cookie: a=b; c=d", "Authorization: Bearer x"
    (
        re.compile(
            r"(?P<prefix>\b(?:cookie|set-cookie|authorization|proxy-authorization)\s*:\s*)"
            r"(?P<value>[^\r\n]+)",
            re.IGNORECASE,
        ),
        _keep_prefix,
    ),
    # key=value, key: value, "key": "value", 'key': 'value' (JSON, dict repr, query strings)
    (
        re.compile(
            r"(?P<prefix>[\"']?\b(?:[\w-]*(?:" + _KEY_WORDS + r"))[\"']?\s*[:=]\s*[\"']?)"
            r"(?P<value>[^\"'\s,;&}\]]+)",
            re.IGNORECASE,
        ),
        _keep_prefix,
    ),
    # SIP digest: response="…", nonce stays (it is not a secret, and helps debugging)
    (
        re.compile(r"(?P<prefix>\bresponse=\"?)(?P<value>[0-9a-fA-F]{16,})", re.IGNORECASE),
        _keep_prefix,
    ),
    # A JWT anywhere (three base64url parts, the first one a JSON header "eyJ…")
    (
        re.compile(r"\beyJ[\w-]{5,}\.[\w-]{5,}\.[\w-]{5,}"),
        lambda _m: MASK,
    ),
    # user:password@host in URLs
    (
        re.compile(r"(?P<prefix>\b[a-z][\w+.-]*://[^/\s:@]+:)(?P<value>[^@\s/]+)(?=@)"),
        _keep_prefix,
    ),
)


def redact(text: str) -> str:
    """``text`` with passwords, tokens, JWTs, cookies and digest responses masked."""
    for pattern, replace in _RULES:
        text = pattern.sub(replace, text)
    return text


class RedactingFilter(logging.Filter):
    """Masks secrets in a record's final message, its exception text and stack.

    Attached to handlers (not loggers) so it also covers records from
    third-party libraries that propagate to the root logger.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken %-format: keep what there is, masked
            message = str(record.msg)
        record.msg = redact(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        record.exc_info = None if record.exc_text else record.exc_info
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


def log_dir() -> Path:
    """The platform's place for this user's logs (~/.local/state/softphone/log, …)."""
    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))


def setup_logging(directory: Path | None = None, level: int = logging.INFO) -> Path:
    """Rotating, redacted log files under ``directory`` (default: ``log_dir()``).

    Returns the log file's path. Safe to call twice: the old file handler
    it installed is replaced, not doubled.
    """
    directory = directory or log_dir()
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / LOG_FILE
    handler = logging.handlers.RotatingFileHandler(
        path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8"
    )
    handler.set_name("softphone-file")
    handler.setFormatter(logging.Formatter(LOG_FORMAT, "%Y-%m-%d %H:%M:%S"))
    handler.addFilter(RedactingFilter())
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == "softphone-file"]:
        root.removeHandler(old)
        old.close()
    root.addHandler(handler)
    root.setLevel(min(root.level, level) if root.level else level)
    return path


def log_to_stderr(level: str) -> None:
    """Log to stderr at ``level`` (a name such as "info"; unknown names mean WARNING).

    For the command-line tools (``softphone agent --headless``, ``softphone
    phone``), whose stderr an integrator pipes into their own logs: masked
    like the files, because that is where secrets would otherwise leak.
    """
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    handler.addFilter(RedactingFilter())
    number = getattr(logging, str(level).upper(), logging.WARNING)
    logging.basicConfig(
        level=number if isinstance(number, int) else logging.WARNING, handlers=[handler]
    )


def log_files(directory: Path | None = None) -> list[Path]:
    """The current log file and its rotated predecessors, newest first."""
    directory = directory or log_dir()
    return sorted(directory.glob(LOG_FILE + "*"), key=lambda p: p.name)
