"""The login window with a 国密 SM2 key on the SM2 test token, against a real sandbox process:
described driver → pick the key, PIN, logged in; undescribed driver → T280 in the status."""

from __future__ import annotations

import pytest

from hy_client.config import Settings
from hy_client.drafts import DraftStore
from hy_client.sandbox import sm2token
from hy_client.signin import SignIn, choose_key
from hy_client.sm2_conventions import parse_convention
from hy_client.token.service import TokenService
from tests.sandbox_fixtures import SandboxProcess
from tests.sm2_fixtures import SM2_USCC
from ui.context import AppContext
from ui.login import LoginWindow

from .conftest import make_client, register_account
from .helpers import check_screen

DESCRIBED = parse_convention(sm2token.catalogue_sm2())


@pytest.fixture(scope="module")
def sm2_platform(tmp_path_factory, sm2_ca):
    base = tmp_path_factory.mktemp("sm2platform")
    sm2_ca.save(base / "data" / "ca" / "sm2")  # the CA that issued the test token's certificate
    env = {f"HY_{n}_DIR": str(base / n.lower()) for n in ("CONFIG", "DATA", "LOG")}
    server = SandboxProcess(base / "data", env=env).start()
    yield server
    server.stop()


def _window(qtbot, platform, service):
    client = make_client(platform.url)
    ctx = AppContext(Settings(token_poll_seconds=0.2), client, SignIn(client), service,
                     DraftStore())
    window = LoginWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.ca_tab.scans >= 1, timeout=20000)
    return window, ctx


def test_sm2_key_logs_in_through_the_window(qtbot, sm2_platform, sm2_module, sm2_token):
    service = TokenService([sm2_module], sm2=lambda *_: DESCRIBED)
    client = make_client(sm2_platform.url)
    # one account per 统一社会信用代码: the one the SM2 certificate carries
    username, password = register_account(client, code=SM2_USCC)
    signin = SignIn(client)
    signin.password_login(username, password)
    key = choose_key(signin.candidates(service), token=sm2_token.label)
    assert key.algorithm == "SM2-SM3"
    signin.activate(service, key, "bidder", sm2_token.pin)
    signin.logout()
    client.close()

    window, ctx = _window(qtbot, sm2_platform, service)
    try:
        tab = window.ca_tab
        window.tabs.setCurrentWidget(tab)
        # other tests may have written more SM2 tokens into the same directory
        index = next(i for i, c in enumerate(tab.choices) if c.token_label == sm2_token.label)
        tab.picker.setCurrentIndex(index)
        assert tab.details.values["algorithm"].text() == "SM2"
        assert tab.details.values["organization"].text() == "衡阳市国密建设工程有限公司"
        check_screen(window, "login-ca-sm2")
        tab.login_button.click()
        qtbot.waitUntil(lambda: tab.pin_dialog is not None, timeout=20000)
        qtbot.keyClicks(tab.pin_dialog.field, sm2_token.pin)
        with qtbot.waitSignal(window.logged_in, timeout=30000) as signal:
            tab.pin_dialog.buttons.accepted.emit()
        assert signal.args[0].account.username == username
    finally:
        window.close()
        ctx.client.close()
        ctx.drafts.close()
        service.close()


def test_undescribed_driver_says_t280(qtbot, sm2_platform, sm2_module, sm2_token):
    service = TokenService([sm2_module])
    window, ctx = _window(qtbot, sm2_platform, service)
    try:
        window.tabs.setCurrentWidget(window.ca_tab)
        assert window.ca_tab.choices == []  # every SM2 token here: none is usable
        assert "已发现SM2密钥，但该驱动的SM2算法未知（T280）" in window.ca_tab.status.text()
        check_screen(window, "login-ca-sm2-unknown")
    finally:
        window.close()
        ctx.client.close()
        ctx.drafts.close()
        service.close()
