"""The first-run assistant: a new workstation (fresh config and data dirs, no driver), a SoftHSM
key "plugged in" only as a USB device the catalogue knows, the sandbox's driver not installed.

The scripted run goes from the first window to a logged-in main window and records the user
actions it needed (each click and each typed field is one) and the wall time.
"""

from __future__ import annotations

import json
import time

import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox, QPushButton

from hy_client import config, firstrun
from hy_client.config import Settings
from hy_client.drafts import DraftStore
from hy_client.sandbox.driver_repo import TEST_DRIVER_ID, TEST_USB_ID
from hy_client.signin import SignIn, login_candidates
from hy_client.token.service import TokenService
from tests.firstrun.test_firstrun import plug
from tests.softhsm_fixtures import VALID_USCC
from ui.app import Controller
from ui.context import AppContext
from ui.firstrun import FirstRunWizard, offer_first_run
from ui.main_window import MainWindow

from .conftest import make_client, register_account
from .helpers import ARTIFACTS, check_screen


@pytest.fixture
def workstation(platform, tmp_path):
    """Fresh dirs (autouse), the config pointing at the sandbox with its catalogue key pinned,
    and the key as a USB device only."""
    pub = (platform.data_dir / "driver-repo" / "catalogue.pub").read_text().strip()
    profile = config.PlatformProfile("test", platform.url, "本机测试平台")
    config.save(config.Settings(platform="test",
                                platforms={**config.DEFAULT_PLATFORMS, "test": profile},
                                catalogue_keys=(pub,)))
    usb = tmp_path / "sys-bus-usb-devices"
    plug(usb, "usb1", "1d6b:0002", "Linux Foundation", "2.0 root hub")
    plug(usb, "1-1", TEST_USB_ID, "SoftHSM project", "模拟USB CA锁")
    return usb


@pytest.fixture
def bare_ctx(platform, qapp):
    """The program's context on a computer without any driver: its TokenService has none."""
    client = make_client(platform.url)
    context = AppContext(Settings(), client, SignIn(client), TokenService([]), DraftStore())
    yield context
    context.close()


@pytest.fixture(scope="module")
def bound_account(platform, tokens, provisioned):
    """An account with every login certificate on the keys activated, through the core: the
    SoftHSM store holds several keys, a bidder's computer one."""
    import keyring

    from tests.conftest import MemoryKeyring

    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    client = make_client(platform.url)
    username, password = register_account(client, code=VALID_USCC)  # the keys' unit
    signin = SignIn(client)
    signin.password_login(username, password)
    bound = {}
    for key in login_candidates(tokens.scan(refresh=True).result(60)):
        if key.token_label in provisioned.tokens and key.certificate.status == "valid":
            signin.activate(tokens, key, "bidder", provisioned.tokens[key.token_label].pin)
            bound[key.certificate.sha256] = key
    for spec in provisioned.tokens.values():
        tokens.logout(spec.serial).result(30)
    signin.logout()
    client.close()
    keyring.set_keyring(previous)
    return username, password, bound


def settle(qtbot, wizard: FirstRunWizard, step: str) -> None:
    qtbot.waitUntil(lambda: wizard.step == step and not wizard.busy
                    and step in wizard.core.state.results, timeout=60000)


def test_scripted_first_run_reaches_the_main_window(qtbot, workstation, bare_ctx,
                                                    bound_account, provisioned):
    username, _, bound = bound_account
    actions = 0

    def click(button: QPushButton) -> None:
        nonlocal actions
        assert button.isVisible() and button.isEnabled(), button.objectName()
        actions += 1
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)

    controller = Controller(bare_ctx)
    login = controller.show_login()
    qtbot.addWidget(login)
    started = time.perf_counter()
    wizard = offer_first_run(login, bare_ctx, usb_root=workstation)  # the first start
    assert isinstance(wizard, FirstRunWizard) and wizard.isVisible()

    settle(qtbot, wizard, "environment")
    assert wizard.core.state.results["environment"].status == "ok"
    check_screen(wizard, "firstrun-1-environment")
    click(wizard.next_button)

    settle(qtbot, wizard, "key")
    key = wizard.core.state.results["key"]
    assert key.status == "attention" and "模拟USB CA锁" in key.sentence_zh
    check_screen(wizard, "firstrun-2-key")
    click(wizard.next_button)

    driver = wizard.driver_step
    qtbot.waitUntil(lambda: wizard.step == "driver" and driver.install_button.isEnabled(),
                    timeout=60000)
    assert driver.driver_id == TEST_DRIVER_ID and "SoftHSM2" in driver.driver_label.text()
    check_screen(wizard, "firstrun-3-driver")
    click(wizard.driver_step.install_button)

    settle(qtbot, wizard, "certificate")  # an installed driver goes on to the certificate
    assert wizard.core.state.results["driver"].status == "ok"
    assert bare_ctx.tokens.module_paths == list(config.load().pkcs11_modules)
    cert = wizard.core.state.results["certificate"]
    first = wizard.current_key()
    assert first.certificate.sha256 in bound
    assert first.certificate.subject_cn in cert.sentence_zh
    if first.certificate.uscc:
        assert VALID_USCC in cert.sentence_zh
    pin = provisioned.tokens[first.token_label].pin
    check_screen(wizard, "firstrun-4-certificate")
    click(wizard.next_button)

    assert wizard.step == "login"
    check_screen(wizard, "firstrun-5-login")
    click(wizard.login_step.login_button)
    qtbot.waitUntil(lambda: wizard.pin_dialog is not None, timeout=30000)
    qtbot.keyClicks(wizard.pin_dialog.field, pin)
    actions += 1
    dialog = wizard.pin_dialog
    with qtbot.waitSignal(login.logged_in, timeout=60000):
        click(dialog.buttons.button(dialog.buttons.StandardButton.Ok))
    qtbot.waitUntil(lambda: isinstance(controller.window, MainWindow)
                    and controller.window.isVisible(), timeout=30000)
    wall = time.perf_counter() - started
    main = controller.window
    assert main.account.username == username
    assert firstrun.FirstRunState.load().finished

    ARTIFACTS.mkdir(exist_ok=True)
    figures = {"user_actions": actions, "wall_time_s": round(wall, 2),
               "steps": {s: r.sentence_zh for s, r in wizard.core.state.results.items()}}
    (ARTIFACTS / "firstrun-measure.json").write_text(
        json.dumps(figures, ensure_ascii=False, indent=1), "utf-8")
    print(f"\nfirst run: {actions} user actions, {wall:.2f} s wall time")
    assert actions <= 8
    main.close()
    bare_ctx.tokens.logout(first.serial).result(30)


def test_left_and_resumed_then_activation_when_the_certificate_is_not_bound(
        qtbot, workstation, ctx, provisioned, tmp_path):
    """The assistant closed at the certificate step opens there again; a certificate bound
    to no account offers remote activation, which then logs in."""
    spec = provisioned.new_token("hy-unbound")  # a new key: its certificate is bound nowhere
    for t in provisioned.tokens.values():  # a logged-in session blocks the re-initialisation
        ctx.tokens.logout(t.serial).result(10)
    state = tmp_path / "firstrun.json"
    wizard = FirstRunWizard(ctx, usb_root=workstation, state_path=state)
    qtbot.addWidget(wizard)
    wizard.show()
    settle(qtbot, wizard, "environment")
    wizard.core.go_to("certificate")
    wizard.later_button.click()
    assert not wizard.isVisible()

    again = FirstRunWizard(ctx, usb_root=workstation, state_path=state)
    qtbot.addWidget(again)
    again.show()
    settle(qtbot, again, "certificate")
    assert again.step_sentences["environment"].text() == \
        again.core.state.results["environment"].sentence_zh
    certs = again.certificate_step
    certs.picker.setCurrentIndex(next(i for i, c in enumerate(certs.choices)
                                      if c.serial == spec.serial))
    qtbot.waitUntil(lambda: not again.busy and "hy-unbound" in again.pages["certificate"]
                    .sentence.text(), timeout=30000)
    again.next_button.click()
    again.login_step.login_button.click()
    qtbot.waitUntil(lambda: again.pin_dialog is not None, timeout=30000)
    qtbot.keyClicks(again.pin_dialog.field, spec.pin)
    again.pin_dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: again.login_step.activation.isVisible(), timeout=60000)
    assert again.core.state.results["login"].actions == ("activate",)
    check_screen(again, "firstrun-5-login-activation")

    username, password = register_account(ctx.client)
    qtbot.keyClicks(again.login_step.username, username)
    qtbot.keyClicks(again.login_step.password, password)
    with qtbot.waitSignal(again.logged_in, timeout=60000) as signal:
        again.login_step.activate_button.click()
    assert signal.args[0].account.username == username
    assert firstrun.FirstRunState.load(state).finished
    ctx.tokens.logout(spec.serial).result(30)


def test_weak_pin_is_offered_a_change_after_login(qtbot, workstation, ctx, provisioned,
                                                  tmp_path):
    spec = provisioned.new_token("hy-weak", pin="123456", key="ec")
    client = make_client(ctx.client.platform.url)
    username, password = register_account(client)
    signin = SignIn(client)
    signin.password_login(username, password)
    for t in provisioned.tokens.values():  # a logged-in session blocks the re-initialisation
        ctx.tokens.logout(t.serial).result(10)
    key = next(c for c in login_candidates(ctx.tokens.scan(refresh=True).result(60))
               if c.serial == spec.serial)
    signin.activate(ctx.tokens, key, "bidder", spec.pin)
    ctx.tokens.logout(spec.serial).result(10)
    client.close()

    state = tmp_path / "firstrun.json"
    firstrun.FirstRun(path=state).go_to("certificate")
    wizard = FirstRunWizard(ctx, usb_root=workstation, state_path=state)
    qtbot.addWidget(wizard)
    wizard.show()
    settle(qtbot, wizard, "certificate")
    certs = wizard.certificate_step
    certs.picker.setCurrentIndex(next(i for i, c in enumerate(certs.choices)
                                      if c.serial == spec.serial))
    qtbot.waitUntil(lambda: not wizard.busy and "hy-weak" in wizard.pages["certificate"]
                    .sentence.text(), timeout=30000)
    wizard.next_button.click()
    wizard.login_step.login_button.click()
    qtbot.waitUntil(lambda: wizard.pin_dialog is not None, timeout=30000)
    qtbot.keyClicks(wizard.pin_dialog.field, spec.pin)
    wizard.pin_dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: wizard.login_step.weak_pin.isVisible(), timeout=60000)
    check_screen(wizard, "firstrun-5-login-weak-pin")
    wizard.login_step.weak_change.click()
    dialog = wizard.pin_change_dialog
    qtbot.keyClicks(dialog.old, "123456")
    qtbot.keyClicks(dialog.new, "739251")
    qtbot.keyClicks(dialog.again, "739251")
    with qtbot.waitSignal(wizard.logged_in, timeout=60000):
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()
    ctx.tokens.logout(spec.serial).result(10)
    assert ctx.tokens.login(spec.serial, "739251").result(30) is None
    ctx.tokens.logout(spec.serial).result(10)


def test_resumed_at_the_login_step_the_key_picker_checks_no_certificate(
        qtbot, workstation, ctx, tmp_path):
    """The login step lists the keys for the certificate step's picker too: no pick is
    signalled, so no certificate check runs behind the login step."""
    state = tmp_path / "firstrun.json"
    firstrun.FirstRun(path=state).go_to("login")
    wizard = FirstRunWizard(ctx, usb_root=workstation, state_path=state)
    qtbot.addWidget(wizard)
    checked: list[object] = []
    check = wizard.certificate_step.core.check_certificate
    wizard.certificate_step.core.check_certificate = (
        lambda *args, **kwargs: checked.append(args) or check(*args, **kwargs))
    wizard.show()
    certs = wizard.certificate_step
    qtbot.waitUntil(lambda: wizard.step == "login" and bool(certs.choices)
                    and wizard.login_step.login_button.isEnabled(), timeout=60000)
    qtbot.wait(200)
    assert checked == [] and not wizard.busy
    assert certs.picker.count() == len(certs.choices)
    assert certs.current_key() is not None


def test_no_usable_key_offers_the_assistant(qtbot, workstation, bare_ctx):
    firstrun.FirstRun().go_to("key")  # not the first start any more
    login = Controller(bare_ctx).show_login()
    qtbot.addWidget(login)
    assert offer_first_run(login, bare_ctx, usb_root=workstation) is None
    qtbot.waitUntil(lambda: login.findChild(QMessageBox, "firstRunOffer") is not None,
                    timeout=30000)
    box = login.findChild(QMessageBox, "firstRunOffer")
    assert "未找到可用于登录的CA锁" in box.text()
    box.button(QMessageBox.StandardButton.Yes).click()
    qtbot.waitUntil(lambda: any(isinstance(w, FirstRunWizard) and shiboken6.isValid(w)
                                and w.isVisible() for w in login.findChildren(FirstRunWizard)),
                    timeout=30000)
    wizard = login.findChildren(FirstRunWizard)[0]
    settle(qtbot, wizard, "key")
    wizard.close()


def test_one_class_per_step_behind_the_step_interface():
    from hy_client.firstrun import STEPS
    from ui.firstrun import WizardStep
    from ui.firstrun.wizard import STEP_CLASSES

    assert tuple(cls.step for cls in STEP_CLASSES) == STEPS
    assert all(issubclass(cls, WizardStep) for cls in STEP_CLASSES)
    assert len(set(STEP_CLASSES)) == len(STEPS)
    # each step's own behaviour lives in its class, not in the wizard
    assert all("enter" in vars(cls) for cls in STEP_CLASSES)
