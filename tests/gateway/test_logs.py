"""Exceptions are logged with their frames and type, never their message."""

from __future__ import annotations

import logging

from harguard.gateway.logs import SafeFormatter
from tests.leaks import assert_no_leak


def test_exception_messages_are_withheld() -> None:
    secret = "ghp_" + "Z9" * 18
    try:
        {}[secret]  # noqa: B018  (a KeyError quotes its key)
    except KeyError:
        record = logging.LogRecord(
            "x",
            logging.ERROR,
            __file__,
            1,
            "Exception in ASGI application",
            None,
            exc_info=__import__("sys").exc_info(),
        )
    text = SafeFormatter().format(record)
    assert "KeyError (message withheld" in text and "test_logs.py" in text
    assert_no_leak(text, {"secret": secret}, "formatted log record")
