"""标证通 binding and scan login, with the simulator's own device key, over real HTTP."""

from __future__ import annotations

import pytest

from hy_client import errors
from hy_client.sandbox.appsim import AppSimulator
from tests.sandbox.helpers import Api, code_of

LOGIN = {"kind": "login", "username": "demo_bidder"}


def bind(sb, who: str, app: AppSimulator) -> tuple[Api, dict]:
    """Bind ``app`` to the demo account ``who``: the phone scans, the desktop confirms."""
    desktop = Api(sb.api).login_demo(who)
    qr = desktop.call("POST", "/app/qr", json={"kind": "bind"}).json()
    app.bind(qr["payload"])
    status = desktop.call("GET", f"/app/qr/{qr['id']}").json()
    assert (status["state"], status["device_fingerprint"]) == ("scanned", app.fingerprint())
    confirmed = desktop.call("POST", f"/app/qr/{qr['id']}/confirm", json={"approve": True})
    assert confirmed.json()["state"] == "confirmed", confirmed.text
    return desktop, confirmed.json()


@pytest.fixture
def bound_app(clocked_sandbox, tmp_path):
    app = AppSimulator(tmp_path / "phone", clocked_sandbox.url)
    desktop, status = bind(clocked_sandbox, "bidder", app)
    assert (status["device_name"], status["account"]) == (app.device_name, "demo_bidder")
    assert [d["id"] for d in desktop.call("GET", "/app/devices").json()] == [app.device_id()]
    device = desktop.call("GET", "/app/devices").json()[0]
    other = Api(clocked_sandbox.api).login_demo("agency")
    assert other.call("GET", "/app/devices").json() == []
    assert code_of(other.call("DELETE", f"/app/devices/{device['id']}")) == "P107"
    return app


def test_bind_needs_a_session(clocked_sandbox):
    r = Api(clocked_sandbox.api).call("POST", "/app/qr", json={"kind": "bind"})
    assert code_of(r) == "A104"


def test_scan_marks_the_code_and_it_works_once(clocked_sandbox, bound_app):
    desktop = Api(clocked_sandbox.api)
    qr = desktop.call("POST", "/app/qr", json=LOGIN).json()
    assert qr["payload"] != qr["id"]
    assert desktop.call("GET", f"/app/qr/{qr['id']}").json()["state"] == "pending"
    assert bound_app.scan(qr["payload"], None).state == "scanned"
    assert desktop.call("GET", f"/app/qr/{qr['id']}").json()["state"] == "scanned"
    # a code works once: scanning it again is refused
    with pytest.raises(errors.HyError) as again:
        bound_app.scan(qr["payload"], True)
    assert again.value.code == "A118"


def test_scan_login_approve(clocked_sandbox, bound_app):
    desktop, stranger = Api(clocked_sandbox.api), Api(clocked_sandbox.api)
    qr = desktop.call("POST", "/app/qr", json=LOGIN).json()
    assert code_of(stranger.call("GET", f"/app/qr/{qr['id']}")) == "P107"
    assert bound_app.scan(qr["payload"], True).state == "confirmed"
    status = desktop.call("GET", f"/app/qr/{qr['id']}").json()
    assert status["state"] == "confirmed" and status["session"]["account"]["username"] == \
        "demo_bidder"
    desktop.token = status["session"]["token"]
    assert desktop.call("GET", "/me").status_code == 200
    # the handed-over session token never rested in the sandbox's files
    db_files = [p for p in clocked_sandbox.data_dir.glob("sandbox.sqlite3*") if p.is_file()]
    assert db_files and not any(desktop.token.encode() in p.read_bytes() for p in db_files)
    assert desktop.call("GET", f"/app/qr/{qr['id']}").json()["session"] is None


def test_scan_login_deny(clocked_sandbox, bound_app):
    desktop = Api(clocked_sandbox.api)
    qr = desktop.call("POST", "/app/qr", json=LOGIN).json()
    assert bound_app.scan(qr["payload"], False).state == "denied"
    status = desktop.call("GET", f"/app/qr/{qr['id']}").json()
    assert status["state"] == "denied" and status["session"] is None


def test_expired_qr(clocked_sandbox, bound_app):
    desktop = Api(clocked_sandbox.api)
    qr = desktop.call("POST", "/app/qr", json=LOGIN).json()
    clocked_sandbox.clock.advance(seconds=121)
    assert desktop.call("GET", f"/app/qr/{qr['id']}").json()["state"] == "expired"
    with pytest.raises(errors.HyError) as caught:
        bound_app.scan(qr["payload"], True)
    assert caught.value.code == "A116"


def test_unbound_device_and_forged_signature(clocked_sandbox, bound_app, tmp_path):
    desktop = Api(clocked_sandbox.api)
    qr = desktop.call("POST", "/app/qr", json=LOGIN).json()
    r = desktop.call("POST", "/app/scan", json={"payload": qr["payload"], "device_id": "nope",
                                                "signature": "AAAA"})
    assert code_of(r) == "A119"
    device_id = bound_app.device_id()
    assert bound_app.scan(qr["payload"], None).state == "scanned"
    forged = AppSimulator(tmp_path / "other-phone", clocked_sandbox.url)
    from hy_client import auth
    from hy_client.sandbox.appqr import decision_message

    signature = auth.sign_message(forged._key(), "ES256", decision_message(qr["payload"], True))
    r = desktop.call("POST", "/app/decide", json={
        "payload": qr["payload"], "device_id": device_id, "approve": True,
        "signature": auth.b64encode(signature)})
    assert (r.status_code, code_of(r)) == (401, "A113")
    assert desktop.call("GET", f"/app/qr/{qr['id']}").json()["session"] is None


def test_unknown_payload(clocked_sandbox, bound_app):
    with pytest.raises(errors.HyError) as caught:
        bound_app.scan("hyapp:1:login:forged", True)
    assert caught.value.code == "A118"


# --- attacks from the security review ---------------------------------------------------------
def test_bind_without_proof_of_possession_is_refused(clocked_sandbox, tmp_path):
    """A bind payload seen on screen is worthless without a key the sender holds: a public key
    copied from elsewhere with a signature by another key is refused."""
    sb = clocked_sandbox
    desktop = Api(sb.api).login_demo("bidder")
    qr = desktop.call("POST", "/app/qr", json={"kind": "bind"}).json()
    victim_phone, attacker = (AppSimulator(tmp_path / n, sb.url) for n in ("v", "a"))
    from hy_client import auth
    from hy_client.sandbox.appqr import bind_message

    public = victim_phone.public_key_b64()
    forged = auth.sign_message(attacker._key(), "ES256", bind_message(qr["payload"], public, "x"))
    r = Api(sb.api).call("POST", "/app/bind", json={
        "payload": qr["payload"], "device_public_key": public, "device_name": "x",
        "signature": auth.b64encode(forged)})
    assert (r.status_code, code_of(r)) == (401, "A241")
    r = Api(sb.api).call("POST", "/app/bind", json={
        "payload": qr["payload"], "device_public_key": public, "device_name": "x"})
    assert r.status_code == 422  # no signature at all
    assert desktop.call("GET", f"/app/qr/{qr['id']}").json()["state"] == "pending"


def test_bind_waits_for_the_desktop_and_a_refusal_binds_nothing(clocked_sandbox, tmp_path):
    """Whoever reaches a bind QR first only gets a request the desktop sees and refuses."""
    sb = clocked_sandbox
    desktop = Api(sb.api).login_demo("bidder")
    qr = desktop.call("POST", "/app/qr", json={"kind": "bind"}).json()
    stranger = AppSimulator(tmp_path / "s", sb.url, device_name="我的手机")
    stranger.bind(qr["payload"])
    status = desktop.call("GET", f"/app/qr/{qr['id']}").json()
    assert (status["state"], status["device_name"]) == ("scanned", "我的手机")
    assert status["device_fingerprint"] == stranger.fingerprint()
    with pytest.raises(errors.HyError) as unbound:  # not bound before the desktop says so
        login = Api(sb.api).call("POST", "/app/qr", json=LOGIN).json()
        stranger.scan(login["payload"], True)
    assert unbound.value.code == "A119"
    # only the desktop that asked (same account and client) may answer
    other = Api(sb.api).login_demo("bidder")
    r = other.call("POST", f"/app/qr/{qr['id']}/confirm", json={"approve": True})
    assert code_of(r) == "P107"
    r = desktop.call("POST", f"/app/qr/{qr['id']}/confirm", json={"approve": False})
    assert r.json()["state"] == "denied"
    assert desktop.call("GET", "/app/devices").json() == []
    second = AppSimulator(tmp_path / "t", sb.url)
    with pytest.raises(errors.HyError):
        second.bind(qr["payload"])  # a code works once


def test_unsigned_or_forged_scan_is_refused(clocked_sandbox, bound_app, tmp_path):
    sb = clocked_sandbox
    desktop = Api(sb.api)
    qr = desktop.call("POST", "/app/qr", json=LOGIN).json()
    from hy_client import auth
    from hy_client.sandbox.appqr import scan_message

    device_id = bound_app.device_id()
    other = AppSimulator(tmp_path / "o", sb.url)
    forged = auth.sign_message(other._key(), "ES256", scan_message(qr["payload"], device_id))
    r = Api(sb.api).call("POST", "/app/scan", json={
        "payload": qr["payload"], "device_id": device_id, "signature": auth.b64encode(forged)})
    assert (r.status_code, code_of(r)) == (401, "A241")
    status = desktop.call("GET", f"/app/qr/{qr['id']}").json()
    assert (status["state"], status["device_name"]) == ("pending", "")


def test_no_login_csrf_a_phone_of_another_account_cannot_approve(clocked_sandbox, bound_app,
                                                                  tmp_path):
    """The victim's desktop asks for its own account; the attacker's phone (bound to the
    attacker's account) cannot scan or approve it, so the victim is never logged into the
    attacker's account."""
    sb = clocked_sandbox
    attacker_phone = AppSimulator(tmp_path / "attacker", sb.url)
    bind(sb, "agency", attacker_phone)
    victim = Api(sb.api)
    qr = victim.call("POST", "/app/qr", json=LOGIN).json()
    with pytest.raises(errors.HyError) as caught:
        attacker_phone.scan(qr["payload"], True)
    assert caught.value.code == "A242"
    assert victim.call("GET", f"/app/qr/{qr['id']}").json()["state"] == "pending"
    # the right phone still can, and the desktop is told which account it is logging into
    scanned = bound_app.scan(qr["payload"], None)
    assert (scanned.state, scanned.account) == ("scanned", "demo_bidder")
    assert victim.call("GET", f"/app/qr/{qr['id']}").json()["account"] == "demo_bidder"


def test_login_code_for_an_unknown_name_looks_the_same(clocked_sandbox, bound_app):
    desktop = Api(clocked_sandbox.api)
    qr = desktop.call("POST", "/app/qr", json={"kind": "login", "username": "nobody_x"})
    assert qr.status_code == 200
    with pytest.raises(errors.HyError) as caught:
        bound_app.scan(qr.json()["payload"], True)
    assert caught.value.code == "A242"
    r = desktop.call("POST", "/app/qr", json={"kind": "login"})
    assert (r.status_code, code_of(r)) == (422, "F101")


def test_removing_a_device_ends_its_sessions(clocked_sandbox, bound_app):
    sb = clocked_sandbox
    desktop = Api(sb.api)
    qr = desktop.call("POST", "/app/qr", json=LOGIN).json()
    bound_app.scan(qr["payload"], True)
    desktop.token = desktop.call("GET", f"/app/qr/{qr['id']}").json()["session"]["token"]
    assert desktop.call("GET", "/me").status_code == 200
    owner = Api(sb.api).login_demo("bidder")
    assert owner.call("DELETE", f"/app/devices/{bound_app.device_id()}").status_code == 204
    assert code_of(desktop.call("GET", "/me")) == "A103"
    assert owner.call("GET", "/me").status_code == 200
