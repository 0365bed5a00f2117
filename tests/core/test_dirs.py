"""The config dir found without platformdirs is platformdirs' own answer (Linux: elsewhere
platformdirs is asked, so there is nothing to compare)."""

from __future__ import annotations

import sys

import platformdirs
import pytest

from hy_client import dirs

ENVIRONMENTS = [
    {"XDG_CONFIG_HOME": None},
    {"XDG_CONFIG_HOME": ""},
    {"XDG_CONFIG_HOME": "relative/config"},
    {"XDG_CONFIG_HOME": "/srv/profiles/张三/.config"},
    {"XDG_CONFIG_HOME": None, "HOME": "/home/bidder"},
    {"XDG_CONFIG_HOME": None, "HOME": "/home/bidder//"},
    {"XDG_CONFIG_HOME": None, "HOME": "/"},
    {"XDG_CONFIG_HOME": "/srv/cfg/", "HOME": "/home/bidder"},
    {"XDG_CONFIG_HOME": None, "HOME": "relative-home"},
]


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_usual_config_dir_agrees_with_platformdirs(monkeypatch, env):
    monkeypatch.delenv("HY_CONFIG_DIR", raising=False)
    for name, value in env.items():
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    fast = dirs._usual_config_dir()
    try:
        expected = platformdirs.user_config_dir(dirs.APP_NAME, False)
    except (RuntimeError, ValueError):  # platformdirs can't tell either
        expected = None
    if fast is not None:
        assert fast == expected
    if expected is not None:
        assert str(dirs.config_dir()) == expected


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the XDG rule is Linux's")
def test_fast_path_taken_in_the_usual_linux_environment(monkeypatch):
    monkeypatch.delenv("HY_CONFIG_DIR", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", "/srv/cfg")
    assert dirs._usual_config_dir() == "/srv/cfg/hy-client"
