"""Regression tests for the security review's findings (docs/security.md maps each control to
its test): ids at the edge, sessions (OWASP ASVS V3), usernames, login answers, client cookie,
idempotency fingerprints and the certificate profile (clientAuth)."""

from __future__ import annotations

import hashlib
import json
import socket
import sqlite3
import time
import uuid

import pytest
from cryptography.x509.oid import ExtendedKeyUsageOID

from hy_client.sandbox import service
from hy_client.sandbox.demo import BIDDER
from tests.sandbox.helpers import (
    Api,
    activate,
    code_of,
    make_credential,
    sandbox_ca,
    token_login,
)
from tests.sandbox.test_accounts_records import unit_registration

TOO_BIG = 2**63  # one past SQLite's int64


def _db(sb) -> sqlite3.Connection:
    conn = sqlite3.connect(sb.data_dir / "sandbox.sqlite3")
    conn.row_factory = sqlite3.Row
    return conn


def _name() -> str:
    return "s" + uuid.uuid4().hex[:10]


# --- ids at the edge ---------------------------------------------------------------------------
@pytest.mark.parametrize("path", ["/qualifications/{}", "/personnel/{}",
                                  "/qualifications/{}/submit", "/activations/{}"])
@pytest.mark.parametrize("value", [TOO_BIG, 10**30, 0, -1])
def test_ids_outside_sqlite_range_are_refused_not_500(shared_sandbox, path, value):
    api = Api(shared_sandbox.api).login_demo("bidder")
    method = "DELETE" if path.startswith("/activations") else (
        "POST" if path.endswith("submit") else "GET")
    r = api.call(method, path.format(value))
    assert (r.status_code, code_of(r)) == (422, "F101"), r.text


def test_largest_valid_id_is_simply_not_found(shared_sandbox):
    api = Api(shared_sandbox.api).login_demo("bidder")
    r = api.call("GET", f"/qualifications/{TOO_BIG - 1}")
    assert (r.status_code, code_of(r)) == (404, "P107")


# --- sessions (ASVS V3.3) ----------------------------------------------------------------------
def _registered(sb, username: str | None = None) -> tuple[str, Api]:
    name = username or _name()
    api = Api(sb.api)
    assert api.call("POST", "/accounts/register",
                    json=unit_registration(name)).status_code == 201
    assert api.login(name, "Passw0rd1").status_code == 200
    return name, api


def test_password_change_ends_every_other_session(shared_sandbox):
    name, mine = _registered(shared_sandbox)
    stolen = Api(shared_sandbox.api)
    assert stolen.login(name, "Passw0rd1").status_code == 200
    r = mine.call("POST", "/auth/password", json={"old_password": "Passw0rd1",
                                                  "new_password": "Newpass99"})
    assert r.status_code == 204
    assert code_of(stolen.call("GET", "/me")) == "A103"
    assert mine.call("GET", "/me").status_code == 200  # the one that changed it stays


def test_password_reset_ends_all_sessions(shared_sandbox):
    name, api = _registered(shared_sandbox)
    with _db(shared_sandbox) as conn:
        conn.isolation_level = None
        service.reset_password(conn, name.upper(), "Reset2024x")
    assert code_of(api.call("GET", "/me")) == "A103"
    assert Api(shared_sandbox.api).login(name, "Reset2024x").status_code == 200


def test_absolute_lifetime_ends_a_busy_session(clocked_sandbox):
    sb = clocked_sandbox
    api = Api(sb.api).login_demo("bidder")
    used = 0
    while api.call("GET", "/me").status_code == 200 and used < 24 * 3:
        sb.clock.advance(minutes=20)  # used every 20 minutes: never idle
        used += 1
    assert code_of(api.call("GET", "/me")) == "A103"
    assert used == 12 * 3 + 1  # ended just after 12 hours


def test_removing_a_certificate_ends_its_sessions(shared_sandbox):
    sb = shared_sandbox
    _, api = _registered(sb)
    cred = make_credential(sandbox_ca(sb))
    activation = activate(api, sb.origin, cred).json()
    ca_user = Api(sb.api)
    r = token_login(ca_user, sb.origin, cred)
    assert r.status_code == 200
    ca_user.token = r.json()["token"]
    assert ca_user.call("GET", "/me").status_code == 200
    assert api.call("DELETE", f"/activations/{activation['id']}").status_code == 204
    assert code_of(ca_user.call("GET", "/me")) == "A103"
    assert api.call("GET", "/me").status_code == 200  # the password session is not that cert's


def test_client_cookie_is_server_issued_only(shared_sandbox):
    sb = shared_sandbox
    api = Api(sb.api)
    api.http.cookies.set("hy_client", "chosen-by-attacker", path="/api/v1")
    r = api.call("POST", "/auth/challenge")
    issued = r.cookies.get("hy_client")
    assert issued and issued != "chosen-by-attacker"
    # A nonce asked for with the real cookie is not usable by a client that only sets a value.
    forger = Api(sb.api)
    forger.http.cookies.set("hy_client", issued.split(".")[0] + ".0", path="/api/v1")
    cred = make_credential(sandbox_ca(sb))
    Api(sb.api).login_demo("bidder")
    nonce = r.json()["nonce"]
    body = {"nonce": nonce, "auth_token": cred.auth_token(sb.origin, nonce)}
    assert code_of(forger.call("POST", "/auth/token-login", json=body)) == "A105"


@pytest.mark.parametrize("cookie", ["abc.\u00e9\u00e9", "\u00e9.x", "abc.", ".abc"])
def test_a_made_up_cookie_of_any_characters_counts_as_none(shared_sandbox, cookie):
    r = Api(shared_sandbox.api).call("POST", "/auth/challenge",
                                     headers={"Cookie": f"hy_client={cookie}".encode()})
    assert r.status_code == 200, r.text
    assert r.cookies.get("hy_client") not in (None, cookie)


# --- usernames ---------------------------------------------------------------------------------
@pytest.mark.parametrize("variant", ["{} ", " {}", "{U}", "{}\u3000", "\u00a0{}", "{}\t",
                                     "\uff56{rest}"])
def test_username_variants_are_the_same_account(shared_sandbox, variant):
    name = _name()
    owner, _ = _registered(shared_sandbox, name)
    other = variant.format(name, U=name.upper(), rest=name[1:]) if "rest" not in variant else \
        variant.format(rest=name[1:])
    if variant.startswith("\uff56"):  # full-width first letter: NFKC makes it ASCII
        other = chr(0xFF41 + ord(name[0]) - ord("a")) + name[1:]
    r = Api(shared_sandbox.api).call("POST", "/accounts/register",
                                     json=unit_registration(other))
    assert (r.status_code, code_of(r)) == (409, "A115"), other
    login = Api(shared_sandbox.api)
    assert login.login(other, "Passw0rd1").status_code == 200  # the same account, not another
    assert login.call("GET", "/me").json()["username"] == owner


@pytest.mark.parametrize("name", ["衡阳市湘江建设工程有限公司", "张三", "买买提·艾力",
                                  "衡阳（湖南）建设有限公司"])
def test_chinese_unit_and_person_names_register(shared_sandbox, name):
    name = name + uuid.uuid4().hex[:4]
    api = Api(shared_sandbox.api)
    r = api.call("POST", "/accounts/register", json=unit_registration("\u3000" + name))
    assert r.status_code == 201, r.text
    shown = r.json()["username"]
    assert shown == name.replace("（", "(").replace("）", ")")  # display form: NFKC, trimmed
    assert api.login(name, "Passw0rd1").status_code == 200


@pytest.mark.parametrize("bad", ["a", "x\u200by", "ab/cd", "a b", "1abc", "ab\x00c"])
def test_usernames_that_cannot_be_a_name_are_refused(shared_sandbox, bad):
    r = Api(shared_sandbox.api).call("POST", "/accounts/register", json=unit_registration(bad))
    assert (r.status_code, code_of(r)) == (422, "F101"), bad


def test_unknown_wrong_and_locked_get_one_answer_and_one_hash(clocked_sandbox, monkeypatch):
    """Same code, status and work (one scrypt) whatever the reason: nothing to enumerate."""
    calls: list[str] = []
    real = service.verify_password

    def counting(password: str, stored: str) -> bool:
        calls.append(stored)
        return real(password, stored)

    monkeypatch.setattr(service, "verify_password", counting)
    api = Api(clocked_sandbox.api)
    answers = {}
    for label, user, password in [("unknown", "nobody_here", "Wrong2024x"),
                                  *[("wrong", BIDDER.username, "Wrong2024x")] * 5,
                                  ("locked", BIDDER.username, BIDDER.password)]:
        calls.clear()
        r = api.login(user, password)
        answers[label] = (r.status_code, code_of(r), len(calls))
    assert answers == {k: (401, "A101", 1) for k in ("unknown", "wrong", "locked")}


# --- idempotency fingerprints -----------------------------------------------------------------
def test_idempotency_fingerprint_is_keyed_and_never_over_the_password(shared_sandbox):
    sb = shared_sandbox
    name, key = _name(), uuid.uuid4().hex
    body = unit_registration(name)
    api = Api(sb.api)
    assert api.call("POST", "/accounts/register", json=body,
                    headers={"Idempotency-Key": key}).status_code == 201
    with _db(sb) as conn:
        stored = conn.execute("SELECT body_hash FROM idempotency WHERE key = ?",
                              (key,)).fetchone()["body_hash"]
    path = "/api/v1/accounts/register"
    full = {**body, "user_type": "bidder"}
    for candidate in (full, {k: v for k, v in full.items() if k != "password"}):
        guess = hashlib.sha256(json.dumps(["POST", path, candidate], sort_keys=True,
                                          ensure_ascii=False).encode()).hexdigest()
        assert guess != stored  # not computable without the server's secret
    # The same key with another password still replays: the password is not in the fingerprint.
    r = api.call("POST", "/accounts/register", json={**body, "password": "Other2024x"},
                 headers={"Idempotency-Key": key})
    assert r.status_code == 201 and r.json()["username"] == name


def test_server_secret_is_user_only(shared_sandbox):
    secret = shared_sandbox.data_dir / "server-secret.key"
    assert secret.stat().st_mode & 0o077 == 0
    assert len(secret.read_bytes()) >= 32


# --- certificate profile: clientAuth or no EKU --------------------------------------------------
@pytest.mark.parametrize(("usages", "accepted"), [
    ([ExtendedKeyUsageOID.CLIENT_AUTH], True),
    ([], True),  # no EKU extension: any purpose
    ([ExtendedKeyUsageOID.EMAIL_PROTECTION], False),
    ([ExtendedKeyUsageOID.CODE_SIGNING, ExtendedKeyUsageOID.SERVER_AUTH], False),
    ([ExtendedKeyUsageOID.ANY_EXTENDED_KEY_USAGE], False),
])
def test_activation_and_login_need_client_auth(shared_sandbox, usages, accepted):
    sb = shared_sandbox
    _, api = _registered(sb)
    cred = make_credential(sandbox_ca(sb), extended_usages=usages)
    r = activate(api, sb.origin, cred)
    if accepted:
        assert r.status_code == 201, r.text
        assert token_login(Api(sb.api), sb.origin, cred).status_code == 200
    else:
        assert (r.status_code, code_of(r)) == (401, "A240")


# --- request limits ----------------------------------------------------------------------------
class RawRequest:
    """A chunked request over a plain socket, sent as slowly as the test likes."""

    def __init__(self, url: str, path: str, headers: dict[str, str]) -> None:
        host, port = url.split("//")[1].split(":")
        self.sock = socket.create_connection((host, int(port)), timeout=30)
        lines = [f"POST {path} HTTP/1.1", f"Host: {host}", "Transfer-Encoding: chunked",
                 *(f"{k}: {v}" for k, v in headers.items())]
        self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())

    def send(self, data: bytes) -> bool:
        """One chunk; False once the server stopped reading (it has answered)."""
        try:
            self.sock.sendall(f"{len(data):x}\r\n".encode() + data + b"\r\n")
            return True
        except OSError:
            return False

    def answer(self) -> tuple[int, dict]:
        reply = b""
        while b"\r\n\r\n" not in reply or not reply.rstrip().endswith(b"}"):
            block = self.sock.recv(65536)
            if not block:
                break
            reply += block
        head, _, body = reply.partition(b"\r\n\r\n")
        status = int(head.split()[1])
        start = body.find(b"{")
        return status, json.loads(body[start:body.rfind(b"}") + 1])

    def close(self) -> None:
        self.sock.close()


def _stream(req: RawRequest, total: int, chunk: bytes) -> int:
    sent = 0
    while sent < total and req.send(chunk):
        sent += len(chunk)
    return sent


def test_chunked_json_body_is_cut_at_the_limit(shared_sandbox):
    req = RawRequest(shared_sandbox.url, "/api/v1/auth/login",
                     {"Content-Type": "application/json"})
    try:
        req.send(b'{"username": "' )
        sent = _stream(req, 100 * 1024 * 1024, b"a" * 65536)
        status, body = req.answer()
    finally:
        req.close()
    assert (status, body["error"]["code"]) == (413, "P113")
    assert sent < 100 * 1024 * 1024  # the server stopped reading long before the end


def test_anonymous_upload_is_refused_before_the_body_is_read(shared_sandbox):
    req = RawRequest(shared_sandbox.url, "/api/v1/attachments",
                     {"Content-Type": "multipart/form-data; boundary=b"})
    try:
        req.send(b'--b\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n\r\n')
        status, body = req.answer()  # answered with nothing more sent
    finally:
        req.close()
    assert (status, body["error"]["code"]) == (401, "A104")


def test_chunked_upload_is_cut_at_the_attachment_limit(shared_sandbox):
    token = Api(shared_sandbox.api).login_demo("bidder").token
    req = RawRequest(shared_sandbox.url, "/api/v1/attachments",
                     {"Content-Type": "multipart/form-data; boundary=b",
                      "Authorization": f"Bearer {token}"})
    try:
        req.send(b'--b\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n\r\n'
                 b"%PDF-1.4\n")
        sent = _stream(req, 100 * 1024 * 1024, b"0" * 65536)
        status, body = req.answer()
    finally:
        req.close()
    assert (status, body["error"]["code"]) == (413, "F102")
    assert sent < 40 * 1024 * 1024


PDF = b"%PDF-1.4\n" + b"0" * 1000


def test_upload_quota_per_account(clocked_sandbox):
    sb = clocked_sandbox
    sb.app.state.runtime.settings.upload_quota = 2500  # two small files
    api = Api(sb.api).login_demo("bidder")
    for i in range(2):
        r = api.call("POST", "/attachments", files={"file": (f"{i}.pdf", PDF)})
        assert r.status_code == 201, r.text
    r = api.call("POST", "/attachments", files={"file": ("2.pdf", PDF)})
    assert (r.status_code, code_of(r)) == (413, "F244")
    other = Api(sb.api).login_demo("agency")  # another account has its own quota
    assert other.call("POST", "/attachments", files={"file": ("a.pdf", PDF)}).status_code == 201


def test_concurrent_uploads_per_account_are_limited(shared_sandbox):
    sb = shared_sandbox
    token = Api(sb.api).login_demo("person").token
    held = []
    try:
        for _ in range(3):
            req = RawRequest(sb.url, "/api/v1/attachments",
                             {"Content-Type": "multipart/form-data; boundary=b",
                              "Authorization": f"Bearer {token}"})
            req.send(b'--b\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"'
                     b"\r\n\r\n%PDF-1.4\n")
            held.append(req)
        api = Api(sb.api)
        api.token = token
        deadline = time.monotonic() + 20
        while True:  # the three slow uploads take their slots as the server reaches them
            r = api.call("POST", "/attachments", files={"file": ("b.pdf", PDF)})
            if r.status_code != 201 or time.monotonic() > deadline:
                break
        assert (r.status_code, code_of(r)) == (429, "P245")
    finally:
        for req in held:
            req.close()


@pytest.mark.parametrize("name", [".", "..", "a/b.pdf", "..\\..\\evil.pdf", "a\x01.pdf",
                                  "a\u202efdp.exe", "  ", "x" * 201])
def test_unsafe_file_names_are_refused(shared_sandbox, name):
    api = Api(shared_sandbox.api).login_demo("bidder")
    r = api.call("POST", "/attachments", files={"file": (name, PDF)})
    assert (r.status_code, code_of(r)) == (422, "F246"), name
