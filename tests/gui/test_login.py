"""The login window against the real sandbox process and real SoftHSM tokens."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from hy_client.sandbox.appsim import AppSimulator
from hy_client.signin import SignIn, choose_key
from ui.login import LoginWindow
from ui.register import RegistrationDialog
from ui.widgets.pin import COUNT_LOW, PinDialog

from .conftest import make_client, register_account
from .helpers import check_screen, close_boxes, open_boxes


@pytest.fixture
def login(qtbot, ctx):
    window = LoginWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.ca_tab.scans >= 1, timeout=20000)
    yield window
    window.close()


def pin_dialog(window) -> PinDialog | None:
    return window.ca_tab.pin_dialog


@pytest.fixture(scope="module")
def ca_account(platform, tokens, provisioned):
    """An account with hy-py's EC certificate (02) activated, through the core."""
    import keyring

    from tests.conftest import MemoryKeyring

    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    client = make_client(platform.url)
    username, password = register_account(client)
    signin = SignIn(client)
    signin.password_login(username, password)
    key = choose_key(signin.candidates(tokens), token="hy-py", cert_id="02")
    signin.activate(tokens, key, "bidder", provisioned.tokens["hy-py"].pin)
    signin.logout()
    client.close()
    keyring.set_keyring(previous)
    return username, password


def test_password_login(qtbot, login, ca_account):
    username, password = ca_account
    check_screen(login, "login-password")
    tab = login.password_tab
    qtbot.keyClicks(tab.username, username)
    qtbot.keyClicks(tab.password, password)
    with qtbot.waitSignal(login.logged_in, timeout=20000) as signal:
        tab.login_button.click()
    assert signal.args[0].account.username == username
    assert tab.password.text() == ""  # the password was handed to one job and dropped


def test_wrong_password_shows_the_catalogue_message(qtbot, login, ca_account):
    tab = login.password_tab
    qtbot.keyClicks(tab.username, ca_account[0])
    qtbot.keyClicks(tab.password, "Wrong2024x")
    tab.login_button.click()
    qtbot.waitUntil(lambda: bool(open_boxes()), timeout=20000)
    box = open_boxes()[0]
    assert box.property("errorCode") == "A101" and "用户名或密码错误" in box.text()
    close_boxes()


def test_registration_of_a_natural_person(qtbot, login, answered_boxes):
    from hy_client.sandbox.demo import id_number

    login.password_tab.open_registration()
    dialog = login.password_tab.findChild(RegistrationDialog, "registrationDialog")
    dialog.person_radio.setChecked(True)
    account, person = dialog.account.inputs, dialog.person.inputs
    qtbot.keyClicks(account["username"], "guiperson1")
    qtbot.keyClicks(account["password"], "Secret2024x")
    qtbot.keyClicks(account["password_confirm"], "Secret2024x")
    person["name"].insert("王小明")
    qtbot.keyClicks(person["id_number"], id_number("43040219900101123"))
    qtbot.keyClicks(person["mobile"], "13907340009")
    qtbot.keyClicks(person["email"], "w@example.cn")
    check_screen(dialog, "registration-person")
    dialog.submit.click()
    qtbot.waitUntil(lambda: login.password_tab.username.text() == "guiperson1", timeout=20000)
    assert any("注册成功" in s for s in answered_boxes)


def test_ca_login_with_pin(qtbot, login, ca_account, provisioned):
    tab = login.ca_tab
    login.tabs.setCurrentWidget(tab)
    index = next(i for i, c in enumerate(tab.choices)
                 if c.token_label == "hy-py" and c.cert_id == "02")
    tab.picker.setCurrentIndex(index)
    assert tab.details.values["holder"].text() == "李四"
    check_screen(login, "login-ca")
    tab.login_button.click()
    qtbot.waitUntil(lambda: pin_dialog(login) is not None, timeout=20000)
    dialog = pin_dialog(login)
    check_screen(dialog, "login-ca-pin")
    qtbot.keyClicks(dialog.field, provisioned.tokens["hy-py"].pin)
    with qtbot.waitSignal(login.logged_in, timeout=30000) as signal:
        dialog.buttons.accepted.emit()
    assert signal.args[0].account.username == ca_account[0]


def test_wrong_pin_warns_and_the_next_dialog_says_so(qtbot, login, ca_account, tokens):
    tab = login.ca_tab
    login.tabs.setCurrentWidget(tab)
    tab.picker.setCurrentIndex(next(i for i, c in enumerate(tab.choices)
                                    if c.token_label == "hy-tool"))
    tab.login_button.click()
    qtbot.waitUntil(lambda: pin_dialog(login) is not None, timeout=20000)
    qtbot.keyClicks(pin_dialog(login).field, "000000")
    pin_dialog(login).buttons.accepted.emit()
    qtbot.waitUntil(lambda: bool(open_boxes()), timeout=20000)
    assert open_boxes()[0].property("errorCode") in ("T103", "T104")
    close_boxes()
    tab.login_button.click()  # the flags are read afresh: "entered incorrectly at least once"
    qtbot.waitUntil(lambda: pin_dialog(login) is not None, timeout=20000)
    assert COUNT_LOW in pin_dialog(login).warning.text()
    pin_dialog(login).reject()


def test_key_plugged_in_then_pulled_out_while_the_pin_dialog_is_open(
        qtbot, login, provisioned, tokens):
    """The app's own hot-plug path: the watcher's periodic refresh re-initialises the module
    (SoftHSM lists a change only then), the service emits the events, the CA tab follows."""
    for t in provisioned.tokens.values():  # a logged-in session blocks the re-initialisation
        tokens.logout(t.serial).result(10)
    tab = login.ca_tab
    spec = provisioned.new_token("hy-gone")  # made by softhsm2-util and pkcs11-tool
    qtbot.waitUntil(lambda: any(c.serial == spec.serial for c in tab.choices), timeout=20000)
    tab.picker.setCurrentIndex(next(i for i, c in enumerate(tab.choices)
                                    if c.serial == spec.serial))
    tab.login_button.click()
    qtbot.waitUntil(lambda: pin_dialog(login) is not None, timeout=20000)
    dialog = pin_dialog(login)
    qtbot.keyClicks(dialog.field, spec.pin[:3])  # half typed when the key is pulled out
    provisioned.env.delete_token("hy-gone")
    qtbot.waitUntil(lambda: pin_dialog(login) is None and bool(open_boxes()), timeout=20000)
    box = open_boxes()[0]
    assert box.property("errorCode") == "T108", box.text()
    assert "hy-gone" in box.informativeText() and "Traceback" not in box.informativeText()
    close_boxes()
    qtbot.waitUntil(lambda: not any(c.serial == spec.serial for c in tab.choices),
                    timeout=20000)
    assert tab.current() is None or tab.current().serial != spec.serial


def test_qr_login_with_the_app(qtbot, login, platform, tmp_path):
    client = make_client(platform.url)
    username, password = register_account(client)
    signin = SignIn(client)
    signin.password_login(username, password)
    app = AppSimulator(tmp_path / "app", platform.url)
    signin.qr_bind(lambda code: app.bind(code.payload), confirm=lambda status: True,
                   max_codes=1)
    login.password_tab.username.setText(username)
    login.tabs.setCurrentWidget(login.qr_tab)
    qtbot.waitUntil(lambda: login.qr_tab.current is not None, timeout=20000)
    check_screen(login, "login-qr")
    app.scan(login.qr_tab.current.payload, approve=None)
    qtbot.waitUntil(lambda: "确认" in login.qr_tab.panel.status.text(), timeout=20000)
    assert username in login.qr_tab.panel.status.text()  # which account the scan logs into
    with qtbot.waitSignal(login.logged_in, timeout=20000) as signal:
        _decide(app, login)
    assert signal.args[0].account.username == username
    client.close()


def test_qr_tab_asks_which_account_before_showing_a_code(qtbot, login):
    login.password_tab.username.clear()
    login.qr_tab.username.clear()
    login.tabs.setCurrentWidget(login.qr_tab)
    qtbot.waitUntil(lambda: "用户名" in login.qr_tab.panel.status.text(), timeout=20000)
    assert login.qr_tab.current is None and login.qr_tab.refresh_button.isVisible()
    login.qr_tab.username.setText("demo_bidder")
    qtbot.keyClick(login.qr_tab.username, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: login.qr_tab.current is not None, timeout=20000)
    assert login.qr_tab.current.kind == "login"


def _decide(app: AppSimulator, login: LoginWindow) -> None:
    """Approve the scanned code on the phone (a second scan is refused, so decide only)."""
    from hy_client import auth
    from hy_client.sandbox.appqr import decision_message

    payload = login.qr_tab.current.payload
    signature = auth.sign_message(app._key(), "ES256", decision_message(payload, True))
    app._post("/app/decide", {"payload": payload, "device_id": app.device_id(),
                              "approve": True, "signature": auth.b64encode(signature)})
