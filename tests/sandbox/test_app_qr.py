"""标证通 binding and scan login, with the simulator's own device key, over real HTTP."""

from __future__ import annotations

import pytest

from hy_client import errors
from hy_client.sandbox.appsim import AppSimulator
from tests.sandbox.helpers import Api, code_of


@pytest.fixture
def bound_app(clocked_sandbox, tmp_path):
    desktop = Api(clocked_sandbox.api).login_demo("bidder")
    qr = desktop.call("POST", "/app/qr", json={"kind": "bind"}).json()
    app = AppSimulator(tmp_path / "phone", clocked_sandbox.url)
    device = app.bind(qr["payload"])
    status = desktop.call("GET", f"/app/qr/{qr['id']}").json()
    assert (status["state"], status["device_name"]) == ("confirmed", device.name)
    assert [d["id"] for d in desktop.call("GET", "/app/devices").json()] == [device.id]
    other = Api(clocked_sandbox.api).login_demo("agency")
    assert other.call("GET", "/app/devices").json() == []
    assert code_of(other.call("DELETE", f"/app/devices/{device.id}")) == "P107"
    return app


def test_bind_needs_a_session(clocked_sandbox):
    r = Api(clocked_sandbox.api).call("POST", "/app/qr", json={"kind": "bind"})
    assert code_of(r) == "A104"


def test_scan_marks_the_code_and_it_works_once(clocked_sandbox, bound_app):
    desktop = Api(clocked_sandbox.api)
    qr = desktop.call("POST", "/app/qr", json={"kind": "login"}).json()
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
    qr = desktop.call("POST", "/app/qr", json={"kind": "login"}).json()
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
    qr = desktop.call("POST", "/app/qr", json={"kind": "login"}).json()
    assert bound_app.scan(qr["payload"], False).state == "denied"
    status = desktop.call("GET", f"/app/qr/{qr['id']}").json()
    assert status["state"] == "denied" and status["session"] is None


def test_expired_qr(clocked_sandbox, bound_app):
    desktop = Api(clocked_sandbox.api)
    qr = desktop.call("POST", "/app/qr", json={"kind": "login"}).json()
    clocked_sandbox.clock.advance(seconds=121)
    assert desktop.call("GET", f"/app/qr/{qr['id']}").json()["state"] == "expired"
    with pytest.raises(errors.HyError) as caught:
        bound_app.scan(qr["payload"], True)
    assert caught.value.code == "A116"


def test_unbound_device_and_forged_signature(clocked_sandbox, bound_app, tmp_path):
    desktop = Api(clocked_sandbox.api)
    qr = desktop.call("POST", "/app/qr", json={"kind": "login"}).json()
    r = desktop.call("POST", "/app/scan", json={"payload": qr["payload"], "device_id": "nope"})
    assert code_of(r) == "A119"
    device_id = bound_app.device_id()
    desktop.call("POST", "/app/scan", json={"payload": qr["payload"], "device_id": device_id})
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
