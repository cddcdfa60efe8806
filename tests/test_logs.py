"""The log files hold no secret, whatever a caller logs by accident."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from softphone.logs import MASK, RedactingFilter, log_to_stderr, redact, setup_logging


@pytest.fixture(autouse=True)
def _restore_root_logger():
    """setup_logging adds a file handler to the root logger; take it off again."""
    root = logging.getLogger()
    before, level = list(root.handlers), root.level
    yield
    for handler in [h for h in root.handlers if h not in before]:
        root.removeHandler(handler)
        handler.close()
    root.setLevel(level)


JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NSJ9.c2lnbmF0dXJlLXNpZ25hdHVyZQ"


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("login failed password=hunter2 for 1001", "hunter2"),
        ('{"login": "ann", "password": "s3cr3t!x"}', "s3cr3t!x"),
        ("{'sip_password': 'Pa55word'}", "Pa55word"),
        ("Cookie: VouchCookie=abcdef123456; other=1", "abcdef123456"),
        ("set-cookie: VouchCookie=zzzzyyyy; Path=/", "zzzzyyyy"),
        ("Authorization: Bearer tok-9876543210", "tok-9876543210"),
        (f"connected with {JWT}", JWT),
        ("GET /api?token=qwerty123&x=1", "qwerty123"),
        ("wss://ann:topsecret@pbx.example.com/ws", "topsecret"),
        (
            'Authorization: Digest username="1001", response="6629fae49393a05397450978507c4ef1"',
            "6629fae49393a05397450978507c4ef1",
        ),
        (
            'Proxy-Authorization: Digest response="6629fae49393a05397450978507c4ef1"',
            "6629fae49393a05397450978507c4ef1",
        ),
        ("api_key: abc123def", "abc123def"),
    ],
)
def test_secrets_are_masked(text: str, secret: str) -> None:
    masked = redact(text)
    assert secret not in masked
    assert MASK in masked


def test_ordinary_text_is_left_alone() -> None:
    text = "dialled 0671234567 in queue Sales; callTraceID 1700000000.42"
    assert redact(text) == text


def test_log_file_holds_no_secret_from_message_args_or_traceback(tmp_path: Path) -> None:
    path = setup_logging(tmp_path)
    log = logging.getLogger("softphone.test")
    log.warning("sign-in with %s", {"password": "hunter2"})
    try:
        raise RuntimeError(f"server said: token={JWT}")
    except RuntimeError:
        log.exception("failed")
    for handler in logging.getLogger().handlers:
        handler.flush()
    content = path.read_text(encoding="utf-8")
    assert "hunter2" not in content
    assert JWT not in content
    assert "RuntimeError" in content  # the traceback itself is kept, masked
    assert "sign-in with" in content


def test_setup_twice_does_not_double_lines(tmp_path: Path) -> None:
    setup_logging(tmp_path)
    path = setup_logging(tmp_path)
    logging.getLogger("softphone.test").warning("once")
    for handler in logging.getLogger().handlers:
        handler.flush()
    assert path.read_text(encoding="utf-8").count("once") == 1


def test_filter_keeps_the_record() -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "pwd=%s", ("abc",), None)
    assert RedactingFilter().filter(record)
    assert record.getMessage() == f"pwd={MASK}"


def test_stderr_logging_of_the_command_line_tools_is_masked(
    capsys: pytest.CaptureFixture[str],
) -> None:
    root = logging.getLogger()
    saved = list(root.handlers)
    for handler in saved:  # basicConfig only configures a bare root logger
        root.removeHandler(handler)
    try:
        log_to_stderr("info")
        logging.getLogger("softphone.agent").info("signing in with password=hunter2")
        logging.getLogger("softphone.agent").debug("not shown at info")
    finally:
        for handler in saved:
            root.addHandler(handler)
    err = capsys.readouterr().err
    assert "INFO softphone.agent: signing in with password=***" in err
    assert "hunter2" not in err and "not shown" not in err
