"""证书延期 in the GUI, as a bidder goes through it: the 证书 page and the banner open the
renewal; outside the safe window it is refused with the bids; inside it every step shows its
progress; the platform going down mid-way leaves a resumable renewal. Real SoftHSM token, real
sandbox process, screenshots under test-artifacts/."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from hy_client import errors, renewal
from hy_client.renewal_flow import STAGES
from hy_client.signin import login_candidates
from tests.renewal_fixtures import PIN, insert_bid, make_token, move_bid, unit_code
from ui.pages.certificates import CertificatesPage
from ui.widgets.renewal import RenewalBanner

from .conftest import register_account
from .helpers import check_screen, close_boxes


@pytest.fixture
def bidder(ctx, provisioned, platform):
    """A fresh account whose certificate (20 days left) on a fresh token is activated."""
    for module in ctx.tokens.scan().result(30):  # a new token is seen after a re-initialise
        for token in module.tokens:
            ctx.tokens.logout(token.serial).result(30)
    label, cert = make_token(provisioned)
    modules = ctx.tokens.scan(refresh=True).result(30)
    key = next(c for c in login_candidates(modules) if c.token_label == label)
    username, password = register_account(ctx.client, code=unit_code(cert))
    ctx.signin.password_login(username, password)
    ctx.signin.activate(ctx.tokens, key, "bidder", PIN)
    account_id = ctx.client.me().id
    early = insert_bid(platform.data_dir, account_id, "HYGC-2026-0101", timedelta(days=6),
                       key.certificate.sha256)
    insert_bid(platform.data_dir, account_id, "HYGC-2026-0315", timedelta(days=45),
               key.certificate.sha256)
    return label, key, early


def open_page(qtbot, ctx, label: str) -> CertificatesPage:
    page = CertificatesPage(ctx)
    qtbot.addWidget(page)
    page.resize(760, 680)
    page.show()
    qtbot.waitUntil(lambda: any(c.token_label == label for c in page.choices), timeout=20000)
    page.picker.setCurrentIndex(next(i for i, c in enumerate(page.choices)
                                     if c.token_label == label))
    return page


def open_dialog(qtbot, page: CertificatesPage):
    page.renewal_dialog = None
    with qtbot.waitSignal(page.renew_button.clicked, timeout=5000):
        page.renew_button.click()
    dialog = page.renewal_dialog
    qtbot.waitUntil(lambda: dialog.flow is not None, timeout=20000)
    return dialog


def enter_pin(qtbot, page: CertificatesPage) -> None:
    qtbot.waitUntil(lambda: getattr(page, "pin_dialog", None) is not None
                    and page.pin_dialog.isVisible(), timeout=20000)
    qtbot.keyClicks(page.pin_dialog.field, PIN)
    page.pin_dialog.buttons.accepted.emit()


def test_refused_outside_the_window_then_renewed_with_every_step(qtbot, ctx, bidder, platform):
    label, _key, early = bidder
    page = open_page(qtbot, ctx, label)
    dialog = open_dialog(qtbot, page)
    # outside the window: refused, the bid named, nothing to start without the explicit choice
    assert not dialog.verdict.allowed
    assert "HYGC-2026-0101" in dialog.verdict_label.text()
    assert dialog.override.isVisible() and not dialog.start_button.isEnabled()
    dialog.override.setChecked(True)
    assert dialog.start_button.isEnabled()
    dialog.override.setChecked(False)
    check_screen(dialog, "renewal-refused")
    dialog.close()

    # the early bid has opened: inside the window
    move_bid(platform.data_dir, early, timedelta(days=-1))
    dialog = open_dialog(qtbot, page)
    assert dialog.verdict.allowed and dialog.start_button.isEnabled()
    assert not dialog.override.isVisible()
    dialog.start_button.click()
    with qtbot.waitSignal(dialog.renewed, timeout=60000) as done:
        enter_pin(qtbot, page)
    outcome = done.args[0]
    assert [dialog.step_status(s) for s in STAGES] == ["done"] * len(STAGES)
    assert dialog.bar.value() == len(STAGES)
    assert "2027" in dialog.outcome_label.text() or str(
        outcome.new_certificate.not_after.year) in dialog.outcome_label.text()
    assert outcome.journal.kept_for_bids  # the late bid keeps the old key on the token
    check_screen(dialog, "renewal-done")
    dialog.close()
    # the page lists the new certificate beside the old one
    qtbot.waitUntil(lambda: len([c for c in page.choices if c.token_label == label]) == 2,
                    timeout=20000)
    assert [a.cert_sha256 for a in ctx.client.activations()] == [
        outcome.new_certificate.sha256]


def test_platform_down_mid_renewal_then_continued(qtbot, ctx, bidder, platform):
    label, _key, early = bidder
    move_bid(platform.data_dir, early, timedelta(days=-1))
    page = open_page(qtbot, ctx, label)
    dialog = open_dialog(qtbot, page)
    flow = dialog.flow
    real = flow.progress

    def stop_at_submit(stage, status):
        real(stage, status)
        if stage == "submit" and status == "running":
            platform.stop()

    flow.progress = stop_at_submit
    dialog.start_button.click()
    try:
        with qtbot.waitSignal(dialog.failed, timeout=60000) as failed:
            enter_pin(qtbot, page)
    finally:
        platform.start()
    assert failed.args[0].info in (errors.NETWORK_UNREACHABLE, errors.NETWORK_TIMEOUT)
    assert dialog.step_status("keygen") == "done" and dialog.step_status("submit") == "failed"
    assert "旧证书仍可正常使用" in dialog.outcome_label.text()
    assert dialog.abandon_button.isVisible() and dialog.start_button.text() == "继续延期"
    close_boxes()
    check_screen(dialog, "renewal-failed")
    flow.progress = real
    page.pin_op = None  # the first one is gone
    dialog.start_button.click()
    with qtbot.waitSignal(dialog.renewed, timeout=60000):
        enter_pin(qtbot, page)
    assert dialog.step_status("keygen") == "skipped"
    assert dialog.step_status("activate") == "done"


def test_banner_button_opens_the_renewal_for_its_certificate(qtbot, ctx, bidder):
    label, key, _early = bidder
    page = open_page(qtbot, ctx, label)
    banner = RenewalBanner()
    qtbot.addWidget(banner)
    advice = renewal.advise_certificate(key.certificate, ctx.client.bids(),
                                        now=datetime.now(UTC))
    banner.set_advice([advice])
    assert banner.advice is not None and banner.advice.cert_sha256 == key.certificate.sha256
    banner.renew_requested.connect(page.renew_for)
    page.renewal_dialog = None
    banner.renew.click()
    qtbot.waitUntil(lambda: page.renewal_dialog is not None, timeout=5000)
    assert page.renewal_dialog.key.certificate.sha256 == key.certificate.sha256
    page.renewal_dialog.close()
