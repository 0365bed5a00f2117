"""Two accounts on one workstation, in a row, through the GUI: drafts, the remembered key and
the old unscoped drafts file never cross from one company to the other."""

from __future__ import annotations

from hy_client.drafts import DB_FILE, DraftStore
from tests.core.test_drafts_accounts import COMPANY, old_drafts_file
from ui import jobs, state
from ui.main_window import MainWindow

from .conftest import register_account
from .helpers import check_screen


def open_main(qtbot, ctx, username: str, password: str) -> MainWindow:
    account = ctx.signin.password_login(username, password).account
    ctx.account = account
    window = MainWindow(ctx, account)
    qtbot.addWidget(window)
    window.resize(1000, 720)
    window.show()
    return window


def profile_editor(qtbot, window: MainWindow):
    editor = window.open_page("profile").editor
    qtbot.waitUntil(editor.submit_button.isEnabled, timeout=20000)
    return editor


def test_two_accounts_in_a_row_never_share_a_draft(qtbot, ctx, tmp_path, answered_boxes):
    ctx.drafts.close()
    old_drafts_file(tmp_path / DB_FILE)  # what an earlier release left on this PC
    ctx.drafts = DraftStore(tmp_path / DB_FILE)
    first, second = register_account(ctx.client), register_account(ctx.client)
    reads: list[bool] = []
    quarantined = ctx.drafts.quarantined
    ctx.drafts.quarantined = lambda: reads.append(True) or quarantined()

    window = open_main(qtbot, ctx, *first)
    qtbot.waitUntil(lambda: window.quarantine is not None
                    and window.quarantine.list.count() == 2, timeout=20000)
    qtbot.waitUntil(lambda: jobs.running_count() == 0, timeout=20000)
    assert len(reads) == 1  # read once at the start, the dialog shows that list
    shown = [window.quarantine.list.item(i).text() for i in range(2)]
    assert any(COMPANY["name"] in t and "单位基本信息" in t for t in shown)
    check_screen(window.quarantine, "quarantine-dialog")
    window.quarantine.close()  # not assigned: it stays in the quarantine
    editor = profile_editor(qtbot, window)
    first_name = editor.form.values()["name"]
    assert first_name != COMPANY["name"] and not answered_boxes  # nothing offered to restore
    editor.form.inputs["address"].setText("甲公司未提交的地址")
    mine = window.env.flows.drafts
    qtbot.waitUntil(lambda: editor.form.autosave_idle and mine.load("profile") is not None
                    and mine.load("profile").data.get("address") == "甲公司未提交的地址",
                    timeout=10000)
    window.close()

    window = open_main(qtbot, ctx, *second)
    editor = profile_editor(qtbot, window)
    values = editor.form.values()
    assert values["name"] not in (first_name, COMPANY["name"])
    assert values["address"] != "甲公司未提交的地址" and not answered_boxes
    assert window.env.flows.drafts.list() == []

    # assigning the old draft on purpose: its editor then asks, naming the difference
    dialog = window.show_quarantine()
    qtbot.waitUntil(lambda: dialog.list.count() == 2, timeout=20000)
    dialog.list.setCurrentRow(next(i for i, d in enumerate(dialog.drafts)
                                   if d.form_key == "profile"))
    with qtbot.waitSignal(dialog.assigned, timeout=20000):
        dialog.assign_button.click()
    qtbot.waitUntil(lambda: dialog.list.count() == 1, timeout=20000)
    dialog.close()
    window.close()
    window = open_main(qtbot, ctx, *second)
    profile_editor(qtbot, window)
    asked = [s for s in answered_boxes if "恢复" in s]
    assert len(asked) == 1 and "不一致" in asked[0] and COMPANY["uscc"] in asked[0]
    window.close()
    answered_boxes.clear()

    window = open_main(qtbot, ctx, *first)  # the first again: its own draft, no warning
    editor = profile_editor(qtbot, window)
    assert editor.form.values()["address"] == "甲公司未提交的地址"
    assert len(answered_boxes) == 1 and "不一致" not in answered_boxes[0]
    window.close()


def test_the_remembered_key_is_the_accounts_own(ctx):
    first, second = register_account(ctx.client), register_account(ctx.client)
    origin = ctx.client.origin
    account = ctx.signin.password_login(*first).account
    state.remember_certificate(origin, account, "serial-a", "01")
    assert state.last_certificate(origin, first[0]) == ("serial-a", "01")
    assert state.last_certificate(origin, first[0].upper()) == ("serial-a", "01")
    assert state.last_certificate(origin, second[0]) == ("", "")
    assert state.last_certificate("https://other.example", first[0]) == ("", "")
    assert state.last_certificate(origin, "") == ("", "")
    # typed with a full-width keyboard, or with an ideographic space: the same account
    full_width = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in first[0])
    assert state.last_certificate(origin, full_width + "\u3000") == ("serial-a", "01")


def test_the_unscoped_key_of_earlier_releases_is_forgotten(ctx):
    s = state.settings()
    s.setValue("token/serial", "serial-old")
    s.setValue("token/cert_id", "01")
    assert state.last_certificate(ctx.client.origin, "nobody") == ("", "")
    assert "token" not in state.settings().childGroups()


def test_the_tray_forgets_the_last_account_when_another_logs_in(qtbot, ctx):
    from PySide6.QtWidgets import QSystemTrayIcon

    from ui.app import Controller
    from ui.theme import app_icon
    from ui.tray import TrayApp

    first, second = register_account(ctx.client), register_account(ctx.client)
    a = ctx.signin.password_login(*first).account
    ctx.client.token = None  # only the keyring holds the session, as after a restart
    controller = Controller(ctx)
    tray = TrayApp(controller, QSystemTrayIcon(app_icon()))
    with qtbot.waitSignals([tray.session_checked, tray.advice_ready], timeout=60000):
        tray.start()
    assert tray.account == a and tray.reminders is not None
    first_store = tray.reminders.store.path

    ctx.signin.logout()
    b = ctx.signin.password_login(*second).account  # another company, same PC, same tray
    ctx.client.token = None
    with qtbot.waitSignals([tray.session_checked, tray.advice_ready], timeout=60000):
        tray.check_session()
    assert tray.account == b and ctx.account == b
    assert tray.reminders is not None and tray.reminders.store.path != first_store
    assert tray.reminders.store.path.name.endswith(f"-{b.id}.json")
    tray.stop()


def test_the_banner_speaks_only_of_the_accounts_own_keys(qtbot, ctx, provisioned):
    """hy-tool's certificates name VALID_USCC: the unit registered with that code sees them
    in its banner, another company on the same PC does not."""
    import hashlib

    from cryptography.hazmat.primitives.serialization import Encoding

    from tests.softhsm_fixtures import VALID_USCC
    from ui.widgets.renewal import current_advice

    tool = {hashlib.sha256(c.public_bytes(Encoding.DER)).hexdigest()
            for c in provisioned.tokens["hy-tool"].certs.values()}
    ctx.signin.password_login(*register_account(ctx.client, code=VALID_USCC))
    assert tool <= {a.cert_sha256 for a in current_advice(ctx, True)}
    ctx.signin.logout()
    ctx.signin.password_login(*register_account(ctx.client))
    other = current_advice(ctx, True)
    assert other and not tool & {a.cert_sha256 for a in other}  # keys naming no one stay
