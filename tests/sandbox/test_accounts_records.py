"""Accounts, sessions, records, attachments, idempotency and authorisation over real HTTP."""

from __future__ import annotations

import hashlib
import uuid

import pytest

from hy_client.sandbox import db, records
from hy_client.sandbox.demo import BIDDER, id_number, uscc
from tests.sandbox.helpers import Api, code_of

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def unit_code(username: str) -> str:
    """A 统一社会信用代码 of the user's own: one account per unit."""
    digits = f"{int(hashlib.sha256(username.encode()).hexdigest(), 16) % 10**6:06d}"
    return uscc(f"91430400MA{digits}C")


def unit_registration(username: str, **data: str) -> dict:
    body = {"name": "衡阳市测试科技有限公司", "uscc": unit_code(username),
            "legal_rep": "周杰", "contact": "吴敏", "contact_phone": "13807341234",
            "email": "test@example.cn", **data}
    return {"kind": "unit", "username": username, "password": "Passw0rd1", "data": body}


def new_user() -> str:
    return "u" + uuid.uuid4().hex[:12]


def test_register_login_logout(shared_sandbox):
    api = Api(shared_sandbox.api)
    name = new_user()
    r = api.call("POST", "/accounts/register", json=unit_registration(name))
    assert r.status_code == 201, r.text
    assert r.json()["display_name"] == "衡阳市测试科技有限公司"
    assert api.login(name, "Passw0rd1").status_code == 200
    assert api.call("GET", "/me").json()["username"] == name
    assert api.call("GET", "/profile").json()["data"]["uscc"] == unit_code(name)
    assert api.call("POST", "/auth/logout").status_code == 204
    r = api.call("GET", "/me")
    assert (r.status_code, code_of(r)) == (401, "A103")
    api.token = ""
    assert code_of(api.call("GET", "/me")) == "A104"


def test_register_refuses_bad_codes_with_field_errors(shared_sandbox):
    api = Api(shared_sandbox.api)
    bad = unit_registration(new_user(), uscc="91430400MA4M0B1C2X"[:17] + "0")
    if uscc("91430400MA4M0B1C2").endswith("0"):
        bad["data"]["uscc"] = bad["data"]["uscc"][:17] + "1"
    r = api.call("POST", "/accounts/register", json=bad)
    assert (r.status_code, code_of(r)) == (422, "F101")
    assert [f["field"] for f in r.json()["error"]["fields"]] == ["uscc"]
    person = {"kind": "person", "username": new_user(), "password": "Passw0rd1",
              "data": {"name": "李四", "id_number": "430402198506121230",
                       "mobile": "13907341111"}}
    if person["data"]["id_number"] == id_number("43040219850612123"):
        person["data"]["id_number"] = person["data"]["id_number"][:17] + "1"
    r = api.call("POST", "/accounts/register", json=person)
    assert code_of(r) == "F101" and r.json()["error"]["fields"][0]["field"] == "id_number"


def test_register_duplicate_and_weak_password(shared_sandbox):
    api = Api(shared_sandbox.api)
    r = api.call("POST", "/accounts/register", json=unit_registration(BIDDER.username))
    assert (r.status_code, code_of(r)) == (409, "A115")
    weak = {**unit_registration(new_user()), "password": "password"}
    r = api.call("POST", "/accounts/register", json=weak)
    assert r.status_code == 422 and code_of(r) in ("A114", "F101")


def test_lockout_per_account_and_client_for_fifteen_minutes(clocked_sandbox):
    """Five failures lock the account for that client only, with the same answer as a wrong
    password; the bidder at another machine still logs in (no lock-out by a stranger)."""
    sb = clocked_sandbox
    stranger, bidder = Api(sb.api), Api(sb.api, source="127.0.0.2")
    codes = [code_of(stranger.login(BIDDER.username, "wrong-0")) for _ in range(6)]
    assert codes == ["A101"] * 6
    r = stranger.login(BIDDER.username, BIDDER.password)
    assert (r.status_code, code_of(r)) == (401, "A101")  # locked: the same answer
    assert bidder.login(BIDDER.username, BIDDER.password).status_code == 200
    sb.clock.advance(minutes=15, seconds=1)
    assert stranger.login(BIDDER.username, BIDDER.password).status_code == 200


def test_one_client_guessing_many_names_is_locked(clocked_sandbox):
    sb = clocked_sandbox
    spray = Api(sb.api)
    for i in range(20):
        assert code_of(spray.login(f"nobody{i}", "Wrong2024x")) == "A101"
    assert spray.login(BIDDER.username, BIDDER.password).status_code == 401
    assert Api(sb.api, source="127.0.0.2").login(BIDDER.username,
                                                 BIDDER.password).status_code == 200


def test_session_expires_after_thirty_idle_minutes(clocked_sandbox):
    sb = clocked_sandbox
    api = Api(sb.api).login_demo("bidder")
    sb.clock.advance(minutes=29)
    assert api.call("GET", "/me").status_code == 200  # use refreshes the idle timer
    sb.clock.advance(minutes=29)
    assert api.call("GET", "/me").status_code == 200
    sb.clock.advance(minutes=31)
    assert code_of(api.call("GET", "/me")) == "A103"


def test_password_change(shared_sandbox):
    api = Api(shared_sandbox.api)
    name = new_user()
    api.call("POST", "/accounts/register", json=unit_registration(name))
    api.login(name, "Passw0rd1")
    r = api.call("POST", "/auth/password", json={"old_password": "nope1234",
                                                 "new_password": "Newpass99"})
    assert code_of(r) == "A101"
    r = api.call("POST", "/auth/password", json={"old_password": "Passw0rd1",
                                                 "new_password": "short"})
    assert code_of(r) == "A114"
    assert api.call("POST", "/auth/password", json={"old_password": "Passw0rd1",
                                                    "new_password": "Newpass99"}).status_code == 204
    assert Api(shared_sandbox.api).login(name, "Newpass99").status_code == 200


def test_profile_bidder_approved_at_once_agency_reviewed(shared_sandbox):
    sb = shared_sandbox
    bidder = Api(sb.api).login_demo("bidder")
    profile = bidder.call("GET", "/profile").json()
    assert profile["status"] == "approved"
    saved = bidder.call("PUT", "/profile", json={"data": profile["data"]}).json()
    assert saved["status"] == "draft"
    assert bidder.call("POST", "/profile/submit").json()["status"] == "approved"

    agency = Api(sb.api).login_demo("agency")
    data = {**agency.call("GET", "/profile").json()["data"], "unit_type": "enterprise",
            "founded_on": "2010-05-01", "address": "衡阳市石鼓区人民路1号",
            "business_scope": "招标代理"}
    incomplete = agency.call("POST", "/profile/submit")
    assert code_of(incomplete) == "F101"  # the draft lacks required fields
    assert agency.call("PUT", "/profile", json={"data": data}).status_code == 200
    submitted = agency.call("POST", "/profile/submit").json()
    assert submitted["status"] == "submitted"
    r = agency.call("PUT", "/profile", json={"data": data})
    assert (r.status_code, code_of(r)) == (409, "P108")
    rt = sb.app.state.runtime  # type: ignore[attr-defined]
    with rt.pool.connection() as conn, db.write(conn):
        assert submitted["id"] in [i.id for i in records.review_queue(conn)]
        records.decide(conn, rt.ctx, submitted["id"], approve=False, reason="营业执照不清晰")
    rejected = agency.call("GET", "/profile").json()
    assert (rejected["status"], rejected["reject_reason"]) == ("rejected", "营业执照不清晰")


def test_draft_save_validates_partially(shared_sandbox):
    api = Api(shared_sandbox.api).login_demo("person")
    r = api.call("PUT", "/profile", json={"data": {"name": "张伟", "mobile": "123"}})
    assert code_of(r) == "F101"
    assert [f["field"] for f in r.json()["error"]["fields"]] == ["mobile"]
    assert api.call("PUT", "/profile", json={"data": {"name": "张伟"}}).status_code == 200


QUAL = {"qual_type": "municipal_general", "grade": "grade3", "cert_no": "D343040001",
        "issuer": "衡阳市住房和城乡建设局", "issued_on": "2022-01-01", "expires_on": "2027-01-01"}


@pytest.mark.parametrize("path", ["/qualifications", "/personnel"])
def test_record_lifecycle_and_other_accounts(shared_sandbox, path):
    sb = shared_sandbox
    owner, other = Api(sb.api).login_demo("bidder"), Api(sb.api).login_demo("agency")
    data = QUAL if path == "/qualifications" else {
        "name": "钱七", "id_number": id_number("43040519900101002"), "title": "engineer",
        "cert_kind": "constructor1", "cert_no": "湘143040000001", "expires_on": "2028-01-01",
        "mobile": "13907342222"}
    created = owner.call("POST", path, json={"data": {k: data[k] for k in list(data)[:2]}})
    assert created.status_code == 201, created.text
    rid = created.json()["id"]
    assert rid in [r["id"] for r in owner.call("GET", path).json()]
    assert code_of(owner.call("POST", f"{path}/{rid}/submit")) == "F101"
    scan = owner.call("POST", "/attachments", files={"file": ("证书.pdf", PDF)}).json()["id"]
    assert owner.call("PUT", f"{path}/{rid}",
                      json={"data": data, "attachments": [scan]}).status_code == 200
    for method, suffix in (("GET", ""), ("PUT", ""), ("DELETE", ""), ("POST", "/submit")):
        r = other.call(method, f"{path}/{rid}{suffix}",
                       json={"data": data} if method == "PUT" else None)
        assert (r.status_code, code_of(r)) == (404, "P107"), (method, suffix)
        assert "data" not in r.json()
    assert rid not in [r["id"] for r in other.call("GET", path).json()]
    assert owner.call("POST", f"{path}/{rid}/submit").json()["status"] == "submitted"
    assert code_of(owner.call("DELETE", f"{path}/{rid}")) == "P108"


def test_invalid_choice_is_refused(shared_sandbox):
    api = Api(shared_sandbox.api).login_demo("bidder")
    r = api.call("POST", "/qualifications", json={"data": {**QUAL, "grade": "platinum"}})
    assert code_of(r) == "F101" and r.json()["error"]["fields"][0]["field"] == "grade"


def test_idempotency_key(shared_sandbox):
    api = Api(shared_sandbox.api).login_demo("bidder")
    key = {"Idempotency-Key": uuid.uuid4().hex}
    first = api.call("POST", "/qualifications", json={"data": QUAL}, headers=dict(key))
    again = api.call("POST", "/qualifications", json={"data": QUAL}, headers=dict(key))
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    ids = [r["id"] for r in api.call("GET", "/qualifications").json()]
    assert ids.count(first.json()["id"]) == 1
    other = api.call("POST", "/qualifications", json={"data": {**QUAL, "cert_no": "X1"}},
                     headers=dict(key))
    assert (other.status_code, code_of(other)) == (422, "P109")
    before = len(api.call("GET", "/qualifications").json())
    assert len(api.call("GET", "/qualifications").json()) == before


def test_idempotent_submit_answers_the_same(shared_sandbox):
    api = Api(shared_sandbox.api).login_demo("bidder")
    scan = api.call("POST", "/attachments", files={"file": ("证书.pdf", PDF)}).json()["id"]
    rid = api.call("POST", "/qualifications",
                   json={"data": QUAL, "attachments": [scan]}).json()["id"]
    key = {"Idempotency-Key": uuid.uuid4().hex}
    first = api.call("POST", f"/qualifications/{rid}/submit", headers=dict(key))
    again = api.call("POST", f"/qualifications/{rid}/submit", headers=dict(key))
    assert first.status_code == again.status_code == 200 and first.json() == again.json()
    assert code_of(api.call("POST", f"/qualifications/{rid}/submit")) == "P108"


def test_attachments(shared_sandbox):
    sb = shared_sandbox
    api, other = Api(sb.api).login_demo("bidder"), Api(sb.api).login_demo("person")
    r = api.call("POST", "/attachments", files={"file": ("执照.pdf", PDF)})
    assert r.status_code == 201, r.text
    att = r.json()
    assert (att["content_type"], att["size"], att["sha256"]) == (
        "application/pdf", len(PDF), hashlib.sha256(PDF).hexdigest())
    assert api.call("GET", f"/attachments/{att['id']}/content").content == PDF
    assert code_of(other.call("GET", f"/attachments/{att['id']}")) == "P107"
    assert code_of(other.call("GET", f"/attachments/{att['id']}/content")) == "P107"
    r = other.call("POST", "/qualifications", json={"data": QUAL, "attachments": [att["id"]]})
    assert code_of(r) == "F101"
    r = api.call("POST", "/qualifications", json={"data": QUAL, "attachments": [att["id"]]})
    assert r.json()["attachments"][0]["id"] == att["id"]
    png = api.call("POST", "/attachments", files={"file": ("scan.pdf", PNG)}).json()
    assert png["content_type"] == "image/png"  # by content, not by name


@pytest.mark.parametrize(("content", "status", "code"), [
    (b"MZ\x90\x00 an exe named .pdf", 415, "F103"),
    (b"", 400, "F105"),
])
def test_attachment_refusals(shared_sandbox, content, status, code):
    api = Api(shared_sandbox.api).login_demo("bidder")
    r = api.call("POST", "/attachments", files={"file": ("a.pdf", content)})
    assert (r.status_code, code_of(r)) == (status, code)


def test_attachment_over_20_mb(shared_sandbox):
    api = Api(shared_sandbox.api).login_demo("bidder")
    big = b"%PDF-" + b"0" * (20 * 1024 * 1024)
    r = api.call("POST", "/attachments", files={"file": ("big.pdf", big)})
    assert (r.status_code, code_of(r)) == (413, "F102")


def test_bids_are_the_accounts_own(shared_sandbox):
    bidder = Api(shared_sandbox.api).login_demo("bidder")
    bids = bidder.call("GET", "/bids").json()
    assert len(bids) == 3 and all(b["project_code"] for b in bids)
    assert Api(shared_sandbox.api).login_demo("agency").call("GET", "/bids").json() == []


def test_unknown_route_and_method(shared_sandbox):
    api = Api(shared_sandbox.api)
    assert code_of(api.call("GET", "/nope")) == "P107"
    assert api.call("GET", "/reference").json()["qualification_grades"]
