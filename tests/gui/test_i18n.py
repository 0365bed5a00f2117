"""English: the .ts source compiled at start (no .qm in git) and the login screens fully in it."""

from __future__ import annotations

import re

import pytest

from hy_client import errors
from hy_client.token.models import TokenFlags
from ui import i18n
from ui.jobs import error_text
from ui.login import LoginWindow
from ui.widgets.pin import PinDialog

from .helpers import check_screen, visible_texts

CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


@pytest.fixture
def english(qapp):
    assert i18n.install(qapp, "en") == "en"
    yield
    i18n.install(qapp, i18n.DEFAULT_LANGUAGE)


def chinese_left(root) -> list[str]:
    texts = [t for _w, t in visible_texts(root)] + [root.windowTitle()]
    return [t for t in texts if CJK.search(t)]


def test_the_login_window_speaks_english(qtbot, english):
    window = LoginWindow()
    qtbot.addWidget(window)
    window.resize(560, 560)
    window.show()
    for tab in (window.password_tab, window.ca_tab, window.qr_tab):
        window.tabs.setCurrentWidget(tab)
        assert window.tabs.tabText(window.tabs.currentIndex()).isascii()
        # the diagnostics link belongs to the diagnostics page's own translation
        left = [t for t in chinese_left(window) if t != window.diagnostics_button.text()]
        assert not left, left
    check_screen(window, "login-english")


@pytest.mark.parametrize("flags", [TokenFlags(user_pin_count_low=True),
                                   TokenFlags(user_pin_final_try=True),
                                   TokenFlags(user_pin_locked=True),
                                   TokenFlags(protected_auth_path=True,
                                              user_pin_to_be_changed=True)])
def test_the_pin_dialog_speaks_english(qtbot, english, flags):
    dialog = PinDialog("hy-py", flags)
    qtbot.addWidget(dialog)
    dialog.show()
    assert not chinese_left(dialog), chinese_left(dialog)
    if flags.user_pin_locked:
        check_screen(dialog, "pin-locked-english")


def test_errors_use_the_catalogue_english(english):
    main, extra = error_text(errors.HyError(errors.TOKEN_REMOVED, "hy-py"))
    assert errors.TOKEN_REMOVED.en in main and "Error code: T108" in main
    assert not CJK.search(main + extra)
