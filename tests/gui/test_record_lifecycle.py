"""The editor follows the record's state: actions the platform would refuse are off with the
reason shown; an approved record changes only through an explicit, confirmed 修改 step;
电子件 open in the system viewer (via a temp file) and can be removed while a draft."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from PySide6.QtGui import QDesktopServices

from hy_client import records
from ui.main_window import MainWindow

from .conftest import register_account
from .helpers import complete_profile

QUALIFICATION = {"cert_no": "D243000071", "issuer": "湖南省住房和城乡建设厅",
                 "issued_on": "2023-01-10", "expires_on": "2030-01-09"}


@pytest.fixture
def window(qtbot, ctx):
    account = ctx.signin.password_login(*register_account(ctx.client)).account
    made = MainWindow(ctx, account)
    qtbot.addWidget(made)
    made.show()
    yield made
    made.close()


@pytest.fixture
def viewer(monkeypatch):
    """The system viewer, at the edge: what it was asked to show."""
    shown: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl",
                        lambda url: shown.append(url.toLocalFile()) or True)
    return shown


def test_human_sizes():
    assert [records.human_size(n) for n in (0, 512, 35 * 1024, 35 * 1024 + 400,
                                            int(1.2 * 1024 * 1024), 20 * 1024 * 1024)] == [
        "0 B", "512 B", "35 KB", "35 KB", "1.2 MB", "20.0 MB"]


def test_state_rules():
    assert records.refusal("draft", "submit") is None
    assert records.refusal("rejected", "edit") is None
    assert "审核中" in records.refusal("submitted", "edit")[0]
    assert "审核中" in records.refusal("submitted", "submit")[0]
    assert records.refusal("approved", "submit") is not None
    assert records.refusal("approved", "edit") is None and records.needs_resubmit(
        "approved", "attach")
    assert not records.needs_resubmit("draft", "edit")


def test_a_qualification_through_its_states(qtbot, window, tmp_path, viewer, answered_boxes):
    page = window.open_page("qualification")
    dialog = page.open_editor(None)
    editor = dialog.editor
    qtbot.waitUntil(editor.submit_button.isEnabled, timeout=20000)
    for key, value in QUALIFICATION.items():
        editor.form.inputs[key].setText(value)
    for key, widget in editor.form.inputs.items():
        if key not in QUALIFICATION and hasattr(widget, "setCurrentIndex"):
            widget.setCurrentIndex(1)
    scans = []
    for name, size in (("资质证书.pdf", 35 * 1024), ("多余的.pdf", 1_300_000)):
        scan = tmp_path / name
        scan.write_bytes(b"%PDF-1.4\n" + b"7" * (size - 9))
        scans.append(scan)
        editor.attach(str(scan))
        wanted = len(scans)
        qtbot.waitUntil(lambda w=wanted: editor.attachments.count() == w, timeout=30000)
    assert [editor.attachments.item(i).text() for i in range(2)] == [
        "资质证书.pdf（35 KB）", "多余的.pdf（1.2 MB）"]

    # open: downloaded to a temp file, checked, handed to the system viewer
    editor.attachments.setCurrentRow(0)
    with qtbot.waitSignal(editor.opened, timeout=30000) as opened:
        editor.open_button.click()
    path = Path(opened.args[0])
    assert viewer == [str(path)] and path.name == "资质证书.pdf"
    assert hashlib.sha256(path.read_bytes()).digest() == hashlib.sha256(
        scans[0].read_bytes()).digest()

    # remove while a draft (confirmed)
    editor.attachments.setCurrentRow(1)
    assert editor.remove_button.isEnabled()
    with qtbot.waitSignal(editor.saved, timeout=30000):
        editor.remove_button.click()
    assert any("删除电子件" in s for s in answered_boxes)
    qtbot.waitUntil(lambda: editor.attachments.count() == 1, timeout=20000)

    # submitted: everything that would fail with P108 is off, with the reason
    with qtbot.waitSignal(editor.submitted, timeout=30000) as signal:
        editor.submit_button.click()
    assert signal.args[0].status == "submitted"
    for button in (editor.submit_button, editor.save_button, editor.attach_button):
        assert not button.isEnabled() and "审核中" in button.toolTip()
    editor.attachments.setCurrentRow(0)
    assert editor.open_button.isEnabled() and not editor.remove_button.isEnabled()
    assert editor.hint.isVisible() and "审核中" in editor.hint.text()
    assert not editor.modify_button.isVisible()
    dialog.accept()


def test_an_approved_profile_changes_only_after_confirming(qtbot, window, answered_boxes,
                                                          monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    editor = window.open_page("profile").editor
    qtbot.waitUntil(editor.submit_button.isEnabled, timeout=20000)
    form = editor.form
    complete_profile(form)
    with qtbot.waitSignal(editor.submitted, timeout=30000) as signal:
        editor.submit_button.click()
    assert signal.args[0].status == "approved"
    # approved: read-only, nothing to submit, 修改 offered
    assert editor.modify_button.isVisible()
    for button in (editor.submit_button, editor.save_button, editor.attach_button):
        assert not button.isEnabled() and button.toolTip()
    assert "修改" in editor.hint.text()
    # "No" keeps it as it is
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.No)
    editor.modify_button.click()
    assert not editor.save_button.isEnabled()
    monkeypatch.setattr(QMessageBox, "question", lambda _p, title, text, *a, **k: (
        answered_boxes.append(f"{title}: {text}"), QMessageBox.StandardButton.Yes)[1])
    editor.modify_button.click()
    assert any("修改后需重新提交审核" in s for s in answered_boxes)
    assert editor.save_button.isEnabled() and editor.submit_button.isEnabled()
    assert not editor.modify_button.isVisible()
    form.inputs["address"].setText("湖南省衡阳市雁峰区某路2号")
    with qtbot.waitSignal(editor.saved, timeout=30000) as saved:
        editor.save_button.click()
    assert saved.args[0].status == "draft"  # back to review, as the user was told
