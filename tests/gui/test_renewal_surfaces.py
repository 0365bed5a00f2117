"""One renewal advice, every surface: with the demo data's layout (bids opening before and
after the key's expiry) the banner's list, the 证书 page, 投标准备, the tray,
the first-run assistant, ``renewal --json`` and ``readiness --json`` all carry the same advice
object — a renewal window, never "renew now"."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives import serialization
from PySide6.QtWidgets import QSystemTrayIcon

from hy_client import cli, config, renewal
from hy_client.credentials import CredentialStore
from hy_client.firstrun import FirstRun
from hy_client.sandbox.demo import DEMO_CERT_DAYS
from hy_client.token.models import all_tokens
from ui.app import Controller
from ui.main_window import MainWindow
from ui.pages.bids import BidsPage
from ui.pages.certificates import CertificatesPage
from ui.theme import app_icon
from ui.tray import TrayApp
from ui.widgets.renewal import text, worst

from .conftest import register_account

# The demo's layout (``sandbox.demo``: a key expiring in 20 days, bids opening in 6, 14 and 45
# days), set around a provisioned key's expiry: two bids open before it, one after.
DEMO_OPENINGS = [(-14, "HYGC-2025-0101", "衡阳市蒸湘区道路改造工程施工"),
                 (-6, "HYZC-2025-0207", "衡阳市第一中学教学设备采购"),
                 (DEMO_CERT_DAYS + 5, "HYGC-2025-0315", "衡阳市雁峰区污水管网建设工程施工")]


@pytest.fixture
def demo(ctx, provisioned, platform):
    """A fresh bidder whose bids (encrypted to the hy-tool key) open before and after that
    key's expiry; the CLI's config and keyring point at the same platform. Returns the key's
    serial and fingerprint and the advisor's own answer."""
    spec = provisioned.tokens["hy-tool"]
    cert = spec.certs["0a"]
    sha = hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).hexdigest()
    username, password = register_account(ctx.client)
    ctx.account = ctx.signin.password_login(username, password).account
    expiry = cert.not_valid_after_utc
    with sqlite3.connect(platform.data_dir / "sandbox.sqlite3", timeout=10) as db:
        for days, code, name in DEMO_OPENINGS:
            opens = (expiry + timedelta(days=days)).timestamp()
            db.execute("INSERT INTO bids (account_id, project_code, project_name, bid_deadline,"
                       " bid_opening, cert_sha256) VALUES (?, ?, ?, ?, ?, ?)",
                       (ctx.account.id, code, name, opens, opens, sha))
    profile = config.PlatformProfile("test", platform.url, "test")
    config.save(config.Settings(platform="test",
                                platforms={**config.DEFAULT_PLATFORMS, "test": profile}))
    assert CredentialStore(profile.origin).session_token()  # the CLI's session, as after a login
    modules = ctx.tokens.scan(refresh=True).result(20)
    expected = renewal.find(renewal.advise_tokens(
        all_tokens(modules), ctx.client.bids(), now=datetime.now(UTC),
        thresholds=ctx.settings.renewal_thresholds,
        holder=renewal.holder_of(ctx.client, ctx.client.bids())), sha)
    assert expected is not None
    return spec.serial, sha, expected


def test_the_demo_data_yields_a_window_not_renew_now(demo):
    _, _, demo = demo
    assert (demo.level, demo.reason_code) == ("info", "renew_after_opening")
    assert demo.window is not None and demo.window.start > datetime.now(UTC)
    assert "请于 " in demo.message_zh and "开标结束后" in demo.message_zh
    assert "请立即办理延期" not in demo.message_zh
    assert len(demo.wait_for) == 2 and len(demo.reencrypt) == 1  # two open before, one after
    assert demo.reencrypt[0].project_code in demo.message_en


def test_every_surface_renders_the_same_advice(qtbot, ctx, demo, provisioned, capsys):
    serial, sha, demo = demo
    # banner (and the main window's tray message): the list it renders holds the same object
    window = MainWindow(ctx, ctx.account)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.advice_ready, timeout=60000):
        pass
    assert renewal.find(window.advice, sha) == demo
    top = worst(window.advice)
    assert window.banner.advice == top and top is not None
    assert text(top) in window.banner.text.text()

    # 证书 page
    page = window.open_page("certificates")
    assert isinstance(page, CertificatesPage)
    qtbot.waitUntil(lambda: page.bids_known and any(c.serial == serial for c in page.choices),
                    timeout=30000)
    page.picker.setCurrentIndex(next(i for i, c in enumerate(page.choices)
                                     if (c.serial, c.cert_id) == (serial, "0a")))
    assert page.shown_advice == demo and page.advice.text() == text(demo)

    # 投标准备
    bids_page = BidsPage(ctx)
    qtbot.addWidget(bids_page)
    qtbot.waitUntil(lambda: bids_page.report is not None, timeout=60000)
    assert bids_page.report is not None
    assert renewal.find(bids_page.report.renewal, sha) == demo
    assert demo.message_zh in bids_page.renewal.text()
    window.close()

    # the tray (a start from autostart, the session restored from the keyring)
    controller = Controller(ctx)
    tray = TrayApp(controller, QSystemTrayIcon(app_icon()))
    with qtbot.waitSignal(tray.advice_ready, timeout=60000):
        tray.start()
    assert tray.advice is not None and renewal.find(tray.advice, sha) == demo
    tray.stop()

    # the first-run assistant's certificate step (given the bids, as the wizard passes them)
    token = next(t for t in all_tokens(ctx.tokens.scan().result(20)) if t.serial == serial)
    step = FirstRun(token_service=ctx.tokens).check_certificate(
        token, "0a", bids=ctx.client.bids(), thresholds=ctx.settings.renewal_thresholds)
    assert step.data["advice"] == demo.to_json() and demo.message_zh in step.advice_zh

    # the CLI
    assert cli.main(["renewal", "--json", "--module", provisioned.module]) in (0, 1)
    printed = json.loads(capsys.readouterr().out)
    (mine,) = [c for c in printed["certificates"] if c["cert_sha256"] == sha]
    assert mine == demo.to_json()
    assert mine["renew_window"] == demo.window.to_json()  # type: ignore[union-attr]
    cli.main(["readiness", "--json", "--module", provisioned.module])
    report = json.loads(capsys.readouterr().out)
    (same,) = [c for c in report["renewal"] if c["cert_sha256"] == sha]
    assert same == demo.to_json()
    assert "请立即办理延期" not in json.dumps(report, ensure_ascii=False)


def test_help_and_renewal_name_the_same_certificates(ctx, demo, provisioned, capsys):
    """The PC also holds keys of the unit VALID_USCC names (hy-py's 张三, hy-tool's 钱七):
    ``help`` speaks only of this account's certificates, as ``renewal`` does."""
    from dataclasses import replace

    config.save(replace(config.load(), pkcs11_modules=(provisioned.module,)))
    assert cli.main(["renewal", "--json"]) in (0, 1)
    mine = json.loads(capsys.readouterr().out)["certificates"]
    names = {c["subject_cn"] for c in mine}
    assert "赵六" in names and not names & {"钱七", "张三"}  # the other unit's are left out
    assert cli.main(["help"]) == 0
    shown = capsys.readouterr().out.split("证书（CA锁）延期", 1)[1]
    lines = [line.strip() for line in shown.splitlines() if line.strip().startswith("[")]
    assert sorted(lines) == sorted(f"[{renewal_level(c)}] 证书「{c['subject_cn']}」："
                                   f"{c['message_zh']}" for c in mine)
    assert "钱七" not in shown and "张三" not in shown


def renewal_level(advice: dict) -> str:
    from hy_client.cli.renewal_cmd import _LEVEL

    return _LEVEL[advice["level"]]
