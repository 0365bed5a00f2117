"""The single-instance name: the user part is ``getpass.getuser()``'s answer, so a copy of any
release still running is found by the next one."""

from __future__ import annotations

import getpass

import pytest

from ui import single

VARIABLES = ("LOGNAME", "USER", "LNAME", "USERNAME")


@pytest.mark.parametrize("env", [
    {},
    {"LOGNAME": "bidder"},
    {"USER": "张三"},
    {"LNAME": "x", "USERNAME": "y"},
    {"USERNAME": "HY-PC\\投标员"},
    {"LOGNAME": "", "USER": "after-empty"},
])
def test_the_user_is_getpass_own_answer(monkeypatch, env):
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert single._user() == getpass.getuser()
