"""One renewal advice, every surface: with the demo data (a key expiring in 20 days, the demo
bidder's bids opening before and after that) the banner's list, the 证书 page, 投标准备, the tray,
the first-run assistant, ``renewal --json`` and ``readiness --json`` all carry the same advice
object — a renewal window, never "renew now"."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from PySide6.QtWidgets import QSystemTrayIcon

from hy_client import cli, config, renewal
from hy_client.credentials import CredentialStore
from hy_client.firstrun import FirstRun
from hy_client.sandbox.demo import BIDDER, DEMO_CERT_DAYS
from hy_client.token import softhsm
from hy_client.token.models import all_tokens
from tests.softhsm_fixtures import ORG, SO_PIN
from ui.app import Controller
from ui.main_window import MainWindow
from ui.pages.bids import BidsPage
from ui.pages.certificates import CertificatesPage
from ui.theme import app_icon
from ui.tray import TrayApp
from ui.widgets.renewal import text, worst

LABEL, PIN = "hy-demo-renewal", "246813"


@pytest.fixture(scope="module")
def demo_key(provisioned, tokens):
    """The demo key: its certificate expires in 20 days (as ``sandbox provision-token``)."""
    env, module = provisioned.env, provisioned.module
    serial = env.init_token(LABEL, SO_PIN, PIN)
    key = ec.generate_private_key(ec.SECP256R1())
    cert = provisioned.ca.issue(key.public_key(), cn="衡阳市湘江建设工程有限公司",
                                organization=ORG, not_after=datetime.now(UTC)
                                + timedelta(days=DEMO_CERT_DAYS))
    softhsm.pkcs11_tool_write(env, module, LABEL, PIN, key, cert, b"\x01", "demo")
    tokens.scan(refresh=True).result(20)
    yield serial, hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).hexdigest()
    env.delete_token(LABEL)  # other tests' keys stay as they were
    tokens.scan(refresh=True).result(20)


@pytest.fixture
def demo(ctx, demo_key, platform):
    """Logged in as the demo bidder; the CLI's config and keyring point at the same platform.
    Returns the advisor's own answer for the demo key."""
    profile = config.PlatformProfile("test", platform.url, "test")
    config.save(config.Settings(platform="test",
                                platforms={**config.DEFAULT_PLATFORMS, "test": profile}))
    ctx.account = ctx.signin.password_login(BIDDER.username, BIDDER.password).account
    assert CredentialStore(profile.origin).session_token()  # the CLI's session, as after a login
    modules = ctx.tokens.scan(refresh=True).result(20)
    bids = ctx.client.bids()
    expected = renewal.find(renewal.advise_tokens(
        all_tokens(modules), bids, now=datetime.now(UTC),
        thresholds=ctx.settings.renewal_thresholds), demo_key[1])
    assert expected is not None
    return expected


def test_the_demo_data_yields_a_window_not_renew_now(demo):
    assert (demo.level, demo.reason_code) == ("warning", "renew_after_opening")
    assert demo.window is not None and demo.window.start > datetime.now(UTC)
    assert "请于 " in demo.message_zh and "开标结束后" in demo.message_zh
    assert "请立即办理延期" not in demo.message_zh
    assert len(demo.wait_for) == 2 and len(demo.reencrypt) == 1  # two open before, one after
    assert demo.reencrypt[0].project_code in demo.message_en


def test_every_surface_renders_the_same_advice(qtbot, ctx, demo, demo_key, provisioned,
                                                capsys):
    serial, sha = demo_key
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
                                     if c.serial == serial))
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
        token, "01", bids=ctx.client.bids(), thresholds=ctx.settings.renewal_thresholds)
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
