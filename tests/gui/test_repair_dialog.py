"""一键修复 in the GUI: findings produced for real, the plan listed, applied, and cleared."""

from __future__ import annotations

import shutil

from hy_client import config
from hy_client.api.client import PlatformClient
from hy_client.config import Settings
from hy_client.drafts import DraftStore
from hy_client.errors import SUPPORT_PHONE
from hy_client.signin import SignIn
from hy_client.token.service import TokenService
from tests.sandbox_fixtures import free_port
from ui.context import AppContext
from ui.pages.diagnostics import DiagnosticsPage
from ui.repair import RepairDialog

from .conftest import make_client
from .helpers import check_screen


def test_a_configured_driver_that_is_gone_is_removed(qtbot, platform, tmp_path, softhsm_module):
    vendor = tmp_path / "vendor" / "libvendor-p11.so"
    vendor.parent.mkdir()
    shutil.copy(softhsm_module, vendor)
    config.update(pkcs11_modules=(str(vendor), softhsm_module))
    vendor.unlink()  # the vendor's uninstaller took the file; the setting stayed
    client = make_client(platform.url)
    service = TokenService([str(vendor)])  # the program started with that setting
    ctx = AppContext(Settings(), client, SignIn(client), service, DraftStore())

    dialog = RepairDialog(ctx, sections=("modules",))
    qtbot.addWidget(dialog)
    dialog.show()
    with qtbot.waitSignal(dialog.planned, timeout=60000) as planned:
        pass
    plan = planned.args[0].plan
    remove = [r for r in plan if r.action == "remove_module"]
    assert remove and remove[0].params["path"] == str(vendor)
    texts = [dialog.tree.topLevelItem(i).text(1) for i in range(dialog.tree.topLevelItemCount())]
    assert any(str(vendor) in t and "删除" in t for t in texts)
    assert dialog.apply_button.isEnabled()
    check_screen(dialog, "repair-plan")

    with qtbot.waitSignal(dialog.repaired, timeout=60000) as repaired:
        dialog.apply_button.click()
    run = repaired.args[0]
    done = [r for r in run.results if r.repair.action == "remove_module"]
    assert done[0].ok and done[0].cleared
    assert config.load().pkcs11_modules == (softhsm_module,)
    assert "已修复" in dialog.status.text() and dialog.progress.value() == dialog.progress.maximum()
    assert str(vendor) not in service.module_paths  # the running program follows
    assert ctx.settings.pkcs11_modules == (softhsm_module,)  # and so do its settings
    check_screen(dialog, "repair-done")
    dialog.close()
    ctx.close()


def test_what_it_cannot_fix_carries_the_advice_and_the_support_phone(qtbot, tokens):
    url = f"http://127.0.0.1:{free_port()}"  # nothing listens: the platform is unreachable
    config.save(Settings(platform="test", platforms={"test": config.PlatformProfile("test", url)}))
    client: PlatformClient = make_client(url)
    dead = AppContext(Settings(), client, SignIn(client), tokens, DraftStore())
    dialog = RepairDialog(dead, sections=("platform",))
    qtbot.addWidget(dialog)
    dialog.show()
    with qtbot.waitSignal(dialog.planned, timeout=60000) as planned:
        pass
    advice = [r for r in planned.args[0].plan if not r.automatic]
    assert advice and all(SUPPORT_PHONE in r.what_zh for r in advice)
    assert not dialog.apply_button.isEnabled()
    assert SUPPORT_PHONE in dialog.status.text()
    rows = [dialog.tree.topLevelItem(i) for i in range(dialog.tree.topLevelItemCount())]
    assert all(row.text(2) == "需要您处理" for row in rows)
    assert SUPPORT_PHONE in dialog.details.text()  # the whole advice, not cut short
    check_screen(dialog, "repair-advice")
    dialog.close()
    client.close()
    dead.drafts.close()


def test_the_diagnostics_page_opens_it(qtbot, ctx):
    page = DiagnosticsPage(ctx, autorun=False)
    qtbot.addWidget(page)
    page.show()
    assert page.repair_button.text() == "一键修复" and page.repair_button.isEnabled()
    dialog = page.open_repair()
    assert isinstance(dialog, RepairDialog)
    with qtbot.waitSignal(dialog.planned, timeout=60000):
        pass
    dialog.close()
    qtbot.waitUntil(lambda: not page.running, timeout=60000)  # the checks ran again
