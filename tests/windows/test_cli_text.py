"""Item 1 and `config show`: the CLI writes UTF-8 to pipes whatever the code page, and says
where each setting came from; a build without the sandbox defaults to the real platform."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from hy_client import config
from hy_client.cli import main


@pytest.mark.parametrize("code_page", ["cp936", "cp1252"])
def test_chinese_json_through_a_pipe_is_utf8(code_page):
    """PYTHONIOENCODING gives the streams the encoding a Windows pipe gets (the ANSI code
    page); cp1252 cannot encode Chinese at all and cp936 would write GBK."""
    env = {**os.environ, "PYTHONIOENCODING": code_page}
    for args in (["config", "show", "--json"], ["config", "show"], ["drivers", "install", "无"]):
        done = subprocess.run([sys.executable, "-m", "hy_client.cli", *args], env=env,
                              capture_output=True, timeout=60, check=False)
        out, err = done.stdout.decode("utf-8"), done.stderr.decode("utf-8")  # strict
        assert "G199" not in err, err  # never the internal error
        if args[-1] == "--json":
            assert json.loads(out)["platforms"]["value"]["sandbox"]["title"] == "本机测试平台"
        elif args[0] == "drivers":
            assert "驱动目录中没有该驱动" in err
        else:
            assert "默认值" in out


def test_config_show_names_each_source(monkeypatch, capsys):
    config.config_path().parent.mkdir(parents=True, exist_ok=True)
    config.config_path().write_text("http_timeout = 30.0\n", "utf-8")  # written by hand
    monkeypatch.setenv("HY_PLATFORM_URL", "https://proxy.example.cn")
    assert main(["config", "show", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["http_timeout"] == {"value": 30.0, "source": "file"}
    assert shown["token_poll_seconds"]["source"] == "default"
    assert shown["platform_url"] == {"value": "https://proxy.example.cn",
                                     "source": "env:HY_PLATFORM_URL"}
    assert shown["config_dir"]["source"] == "env:HY_CONFIG_DIR"
    assert main(["config", "show"]) == 0
    text = capsys.readouterr().out
    assert "http_timeout = 30.0  （设置文件）" in text and "环境变量 HY_PLATFORM_URL" in text


def test_without_the_sandbox_the_default_is_the_real_platform(monkeypatch, capsys):
    monkeypatch.setattr(config, "sandbox_included", lambda: False)
    assert config.Settings().platform == "hengyang"
    assert config.load().active_platform.url == "https://ggzy.hengyang.gov.cn"
    assert main(["config", "show", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["platform"]["source"] == "default (no sandbox in this build)"
    monkeypatch.setattr(config, "sandbox_included", lambda: True)
    assert config.Settings().platform == "sandbox"
