"""标证通 QR login (confirm, deny, expiry) and session expiry, on the real app with a test clock."""

from __future__ import annotations

import pytest

from hy_client import errors
from hy_client.api.client import ApiError
from hy_client.credentials import SESSION_TOKEN, service_name
from hy_client.sandbox.appsim import AppSimulator
from hy_client.signin import SignIn
from tests.sandbox_fixtures import ManualClock, threaded_sandbox

from .conftest import logged_in_signin, make_client


@pytest.fixture(scope="module")
def clocked(tmp_path_factory):
    with threaded_sandbox(tmp_path_factory.mktemp("clocked"), ManualClock()) as sandbox:
        yield sandbox


@pytest.fixture
def bound(clocked, tmp_path):
    """A logged-in account with the app simulator bound to it through the client's bind flow."""
    client = make_client(clocked.url)
    signin = logged_in_signin(client)
    app = AppSimulator(tmp_path / "phone", clocked.url)
    shown = []

    def confirm(status):
        shown.append((status.device_name, status.device_fingerprint))
        return True

    status = signin.qr_bind(lambda code: app.bind(code.payload), confirm=confirm)
    assert status.state == "confirmed"
    assert shown == [(app.device_name, app.fingerprint())]  # the user saw the phone
    assert [d.name for d in client.devices()] == [app.device_name]
    return signin.whoami(), app


def fresh_signin(url: str) -> SignIn:
    return SignIn(make_client(url), sleep=lambda s: None)


def test_qr_login_confirmed(clocked, bound, memory_keyring):
    account, app = bound
    signin = fresh_signin(clocked.url)
    states = []
    result = signin.qr_login(lambda code: app.scan(code.payload, approve=True),
                             username=account.username,
                             on_state=lambda s: states.append(s.state))
    assert result.account.username == account.username
    assert states[-1] == "confirmed"
    assert memory_keyring.items[(service_name(clocked.origin), SESSION_TOKEN)] == \
        result.session.token


def test_qr_login_denied(clocked, bound):
    account, app = bound
    with pytest.raises(errors.HyError) as excinfo:
        fresh_signin(clocked.url).qr_login(lambda code: app.scan(code.payload, approve=False),
                                           username=account.username)
    assert excinfo.value.info is errors.QR_DENIED


def test_qr_expiry_shows_a_new_code_then_gives_up(clocked, bound):
    account, app = bound
    shown = []

    def show(code):
        shown.append(code.id)
        if len(shown) == 1:
            clocked.clock.advance(seconds=600)  # nobody scanned the first code
        else:
            app.scan(code.payload, approve=True)

    result = fresh_signin(clocked.url).qr_login(show, username=account.username)
    assert len(set(shown)) == 2 and result.account.username == account.username
    with pytest.raises(errors.HyError) as excinfo:
        fresh_signin(clocked.url).qr_login(
            lambda code: clocked.clock.advance(seconds=600), username=account.username,
            max_codes=2)
    assert excinfo.value.info is errors.QR_EXPIRED


def test_scan_login_code_pending_then_cancel(clocked, bound):
    from hy_client.api.upload import CancelToken

    account, app = bound
    cancel = CancelToken()
    signin = SignIn(make_client(clocked.url), sleep=lambda s: cancel.cancel())

    def show(code):
        app.scan(code.payload, approve=None)  # scanned, never decided
        cancel.cancel()

    with pytest.raises(errors.UserCancelled):
        signin.qr_login(show, username=account.username, cancel=cancel)


def test_bind_refused_on_the_desktop_binds_nothing(clocked, tmp_path):
    client = make_client(clocked.url)
    signin = logged_in_signin(client)
    app = AppSimulator(tmp_path / "stranger", clocked.url)
    with pytest.raises(errors.HyError) as excinfo:
        signin.qr_bind(lambda code: app.bind(code.payload), confirm=lambda status: False,
                       max_codes=1)
    assert excinfo.value.info is errors.QR_DENIED
    assert client.devices() == []


def test_session_expiry_asks_to_log_in_again(clocked, memory_keyring):
    client = make_client(clocked.url)
    signin = logged_in_signin(client)
    assert (service_name(clocked.origin), SESSION_TOKEN) in memory_keyring.items
    clocked.clock.advance(hours=2)
    with pytest.raises(ApiError) as excinfo:
        signin.whoami()
    assert excinfo.value.info is errors.SESSION_EXPIRED
    assert excinfo.value.message == "登录已过期，请重新登录"
    assert client.token is None
    assert (service_name(clocked.origin), SESSION_TOKEN) not in memory_keyring.items
