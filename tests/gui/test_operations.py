"""The one PIN operation, on a real SoftHSM2 token: flags, dialog, one job, the PIN dropped."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest
from PySide6.QtWidgets import QWidget

import ui
from hy_client.errors import HyError
from ui.operations import PinOp, PinUse


@pytest.fixture
def parent(qtbot):
    widget = QWidget()
    qtbot.addWidget(widget)
    return widget


def test_the_pin_reaches_one_job_once_and_the_field_is_cleared(qtbot, parent, tokens,
                                                               provisioned):
    spec = provisioned.tokens["hy-py"]
    seen: list[object] = []

    def job(use: PinUse) -> str:
        pin = use.take()
        seen.append((pin == spec.pin, use.take(), use.pad, repr(use)))
        tokens.login(spec.serial, pin).result(30)
        return "ok"

    results: list[str] = []
    op = PinOp(parent, tokens, spec.serial, spec.label, job, results.append).run()
    qtbot.waitUntil(lambda: op.dialog is not None, timeout=30000)
    dialog = op.dialog
    qtbot.keyClicks(dialog.field, spec.pin)
    dialog.buttons.accepted.emit()
    assert dialog.field.text() == ""
    qtbot.waitUntil(lambda: results == ["ok"], timeout=30000)
    (right, second, pad, shown), = seen
    assert right and second is None and pad is False
    assert spec.pin not in shown
    assert op.dialog is None
    tokens.logout(spec.serial).result(30)


def test_a_wrong_pin_is_a_failure_and_a_closed_dialog_runs_nothing(qtbot, parent, tokens,
                                                                  provisioned):
    spec = provisioned.tokens["hy-tool"]
    failures: list[HyError] = []
    cancelled: list[bool] = []
    ran: list[bool] = []

    def job(use: PinUse) -> None:
        ran.append(True)
        tokens.login(spec.serial, use.take()).result(30)

    op = PinOp(parent, tokens, spec.serial, spec.label, job, lambda _r: None).failure(
        failures.append).cancelled(lambda: cancelled.append(True)).run()
    qtbot.waitUntil(lambda: op.dialog is not None, timeout=30000)
    qtbot.keyClicks(op.dialog.field, "000000")
    op.dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: bool(failures), timeout=30000)
    assert failures[0].code.startswith("T") and "000000" not in str(failures[0])

    again = PinOp(parent, tokens, spec.serial, spec.label, job, lambda _r: None).failure(
        failures.append).cancelled(lambda: cancelled.append(True)).run()
    qtbot.waitUntil(lambda: again.dialog is not None, timeout=30000)
    again.cancel()
    qtbot.waitUntil(lambda: cancelled == [True], timeout=30000)
    assert ran == [True]  # only the first, wrong-PIN attempt reached a job
    tokens.login(spec.serial, spec.pin).result(30)  # the right PIN resets the token's counter
    tokens.logout(spec.serial).result(30)


def test_every_pin_prompt_goes_through_the_operation():
    """PinDialog is opened only by ui.operations; the old one-off helper is gone."""
    root = Path(inspect.getfile(ui)).parent
    users = sorted(str(p.relative_to(root)) for p in root.rglob("*.py")
                   if re.search(r"(?<!class )PinDialog\(", p.read_text(encoding="utf-8")))
    assert users == ["operations.py"]
    import ui.widgets.pin as pin

    assert not hasattr(pin, "ask_pin")
