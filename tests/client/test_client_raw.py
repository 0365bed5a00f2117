"""PlatformClient against a raw loopback server that misbehaves on purpose."""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import ssl
from datetime import UTC, datetime, timedelta

import certifi
import pytest
import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from pydantic import ValidationError as PydanticValidationError

from hy_client import errors
from hy_client.api import models
from hy_client.api.client import ApiError, PlatformClient, RetryPolicy, check_url, clock_skew_error
from hy_client.config import PlatformProfile, Settings
from hy_client.net import VerifiedSession

from .rawserver import Reply

NOW = "2030-01-01T00:00:00Z"
ACCOUNT = {"id": 1, "username": "demo_bidder", "kind": "unit", "user_type": "bidder",
           "display_name": "衡阳示例建设有限公司"}
SESSION = {"token": "tok-SECRET-1234567890", "expires_at": NOW, "account": ACCOUNT}


def health(time: str | None = None, api: str = models.API_VERSION) -> dict:
    return {"status": "ok", "api": api, "version": "1.0",
            "server_time": time or datetime.now(UTC).isoformat()}


def code_of(excinfo: pytest.ExceptionInfo) -> str:
    return excinfo.value.code


# --- the contract check -------------------------------------------------------------------
def test_health_ok_and_clock_skew(raw_server, raw_client):
    ahead = (datetime.now(UTC) + timedelta(minutes=10)).isoformat()
    raw_server.route("GET", "/health", Reply(200, health(ahead)))
    h = raw_client.health()
    assert h.api == models.API_VERSION
    assert timedelta(minutes=9) < raw_client.clock_skew < timedelta(minutes=11)
    err = clock_skew_error(raw_client.clock_skew)
    assert err is not None and err.code == errors.CLOCK_SKEW.code
    assert clock_skew_error(timedelta(seconds=3)) is None


@pytest.mark.parametrize("reply", [
    Reply(404, "<html>404 页面不存在</html>"),
    Reply(302, "", {"Location": "/login.aspx"}),
    Reply(200, "<html>欢迎访问</html>"),
    Reply(200, {"status": "ok"}),
    Reply(200, health(api="other-api:9")),
    Reply(500, b""),
])
def test_server_without_the_contract_is_incompatible(raw_server, raw_client, reply):
    raw_server.route("GET", "/health", reply)
    with pytest.raises(ApiError) as excinfo:
        raw_client.health()
    assert code_of(excinfo) in (errors.API_INCOMPATIBLE.code, errors.SERVER_ERROR.code)
    if reply.status != 500:
        assert code_of(excinfo) == errors.API_INCOMPATIBLE.code


# --- malformed answers ------------------------------------------------------------------------
@pytest.mark.parametrize("reply", [
    Reply(200, b'{"id": 1, "username": "x"', {"Content-Type": "application/json"}),  # truncated
    Reply(200, {"id": "one", **{k: v for k, v in ACCOUNT.items() if k != "id"}}),  # wrong type
    Reply(200, {"id": 1}),  # missing keys
    Reply(200, [ACCOUNT]),  # a list where an object belongs
    Reply(200, {**ACCOUNT, "kind": "alien"}),  # outside the enum
    Reply(200, "<html>ok</html>"),  # not JSON at all
    Reply(200, b"\xff\xfe\x00garbage", {"Content-Type": "application/json"}),
    Reply(418, {"error": {"code": "Z999", "message": "?"}}),  # unknown code
    Reply(400, {"error": "just a string"}),  # not the error shape
])
def test_malformed_answers_are_api_bad_response(raw_server, raw_client, reply):
    raw_client.token = "t"
    raw_server.route("GET", "/me", reply)
    with pytest.raises(ApiError) as excinfo:
        raw_client.me()
    assert code_of(excinfo) == errors.API_BAD_RESPONSE.code


def test_error_body_maps_to_the_catalogue(raw_server, raw_client):
    raw_server.route("POST", "/auth/login",
                     Reply(423, {"error": {"code": "A102", "message": "locked"}}))
    with pytest.raises(ApiError) as excinfo:
        raw_client.login("demo_bidder", "pw")
    assert excinfo.value.info is errors.ACCOUNT_LOCKED
    assert excinfo.value.status == 423
    assert raw_client.token is None


def test_validation_error_carries_fields(raw_server, raw_client):
    raw_client.token = "t"
    raw_server.route("PUT", "/profile", Reply(422, {"error": {
        "code": "F101", "message": "填写内容有误",
        "fields": [{"field": "uscc", "message": "校验位错误", "label": "统一社会信用代码"}]}}))
    with pytest.raises(errors.ValidationError) as excinfo:
        raw_client.save_profile(models.RecordWrite(data={"uscc": "1"}))
    assert isinstance(excinfo.value, ApiError)
    assert [e.field for e in excinfo.value.errors] == ["uscc"]


def test_server_error_without_body(raw_server, raw_client):
    raw_client.token = "t"
    raw_server.route("GET", "/bids", Reply(500, b""))
    with pytest.raises(ApiError) as excinfo:
        raw_client.bids()
    assert code_of(excinfo) == errors.SERVER_ERROR.code


# --- sessions ------------------------------------------------------------------------------
def test_session_expiry_is_detected_and_forgotten(raw_server, raw_client):
    expired = []
    raw_client.on_session_expired = lambda: expired.append(True)
    raw_server.route("POST", "/auth/login", Reply(200, SESSION))
    raw_server.route("GET", "/me", Reply(401, {"error": {"code": "A104", "message": "请先登录"}}))
    raw_client.login("demo_bidder", "pw")
    assert raw_client.token == SESSION["token"]
    with pytest.raises(ApiError) as excinfo:
        raw_client.me()
    assert excinfo.value.info is errors.SESSION_EXPIRED
    assert raw_client.token is None and expired == [True]
    assert raw_server.hits("GET", "/me")[0].headers["Authorization"] == f"Bearer {SESSION['token']}"


def test_call_needing_a_session_without_one(raw_server, raw_client):
    with pytest.raises(ApiError) as excinfo:
        raw_client.me()
    assert excinfo.value.info is errors.NOT_LOGGED_IN
    assert raw_server.requests == []


# --- retries ------------------------------------------------------------------------------
def test_get_is_retried_on_503(raw_server, raw_client):
    raw_client.token = "t"
    raw_server.route("GET", "/me", Reply(503, b""), Reply(503, b""), Reply(200, ACCOUNT))
    assert raw_client.me().username == "demo_bidder"
    assert len(raw_server.hits("GET", "/me")) == 3


def test_retries_are_bounded(raw_server, raw_client):
    raw_client.token = "t"
    raw_server.route("GET", "/me", Reply(503, b""))
    with pytest.raises(ApiError) as excinfo:
        raw_client.me()
    assert code_of(excinfo) == errors.SERVER_ERROR.code
    assert len(raw_server.hits("GET", "/me")) == 3  # one try plus two retries


def test_write_without_key_is_never_retried(raw_server, raw_client):
    raw_server.route("POST", "/auth/login", Reply(503, b""), Reply(200, SESSION))
    with pytest.raises(ApiError):
        raw_client.login("demo_bidder", "pw")
    assert len(raw_server.hits("POST", "/auth/login")) == 1


def test_write_with_key_is_retried_with_the_same_key(raw_server, raw_client):
    raw_client.token = "t"
    record = {"id": 7, "spec": "profile_unit", "status": "submitted", "data": {},
              "updated_at": NOW, "submitted_at": NOW}
    raw_server.route("POST", "/profile/submit", Reply(502, b""), Reply(200, record))
    assert raw_client.submit_profile("key-1").status == "submitted"
    keys = [r.headers["Idempotency-Key"] for r in raw_server.hits("POST", "/profile/submit")]
    assert keys == ["key-1", "key-1"]


def test_unreachable_and_timeout(raw_server):
    dead = PlatformClient(PlatformProfile("dead", "http://127.0.0.1:9"), timeout=2,
                          retry=RetryPolicy(retries=1, backoff=0), sleep=lambda s: None)
    with pytest.raises(ApiError) as excinfo:
        dead.health()
    assert code_of(excinfo) == errors.NETWORK_UNREACHABLE.code
    raw_server.route("GET", "/health", Reply(200, health(), delay=1.0))
    slow = PlatformClient(PlatformProfile("slow", raw_server.url), timeout=0.2,
                          retry=RetryPolicy(retries=0), sleep=lambda s: None)
    with pytest.raises(ApiError) as excinfo:
        slow.health()
    assert code_of(excinfo) == errors.NETWORK_TIMEOUT.code


# --- URLs and platform selection --------------------------------------------------------------
@pytest.mark.parametrize("url", ["http://ggzy.hengyang.gov.cn", "ftp://127.0.0.1", "http://10.0.0.1:80"])
def test_plain_http_only_on_loopback(url):
    with pytest.raises(errors.HyError) as excinfo:
        PlatformClient(PlatformProfile("x", url))
    assert code_of(excinfo) == errors.INSECURE_URL.code


def test_platform_selection(monkeypatch):
    check_url("https://ggzy.hengyang.gov.cn")
    settings = Settings()
    assert PlatformClient.from_settings(settings).base_url == "http://127.0.0.1:8765/api/v1"
    client = PlatformClient.from_settings(settings, "hengyang")
    assert client.origin == "https://ggzy.hengyang.gov.cn"
    monkeypatch.setenv("HY_PLATFORM_URL", "http://127.0.0.1:9999/")
    assert PlatformClient.from_settings(settings).origin == "http://127.0.0.1:9999"
    assert PlatformClient.from_settings(settings, "https://example.org").origin == \
        "https://example.org"
    with pytest.raises(errors.HyError) as excinfo:
        PlatformClient.from_settings(settings, "nowhere")
    assert code_of(excinfo) == errors.PLATFORM_UNKNOWN.code


# --- secrets ----------------------------------------------------------------------------------
def test_password_and_token_never_logged(raw_server, raw_client, caplog):
    caplog.set_level(logging.DEBUG)
    raw_server.route("POST", "/auth/login", Reply(200, SESSION))
    raw_server.route("GET", "/me", Reply(503, b""), Reply(401, b""))
    raw_client.login("demo_bidder", "Pass-SEEDED-9876")
    with pytest.raises(ApiError) as excinfo:
        raw_client.me()
    text = caplog.text + str(excinfo.value) + repr(excinfo.value.to_dict())
    assert "Pass-SEEDED-9876" not in text and SESSION["token"] not in text
    assert excinfo.value.info is errors.SESSION_EXPIRED


def test_models_never_show_a_secret():
    """Neither a repr (logged by accident, shown in a traceback) nor a validation error text."""
    session = models.Session.model_validate(SESSION)
    login = models.PasswordLogin(username="demo_bidder", password="Pass-SEEDED-9876")
    change = models.PasswordChange(old_password="Pass-SEEDED-9876", new_password="Pass-NEW-5432")
    text = repr(session) + str(session) + repr(login) + repr(change)
    with pytest.raises(PydanticValidationError) as too_long:
        models.Registration(kind="unit", username="demo", password="Pass-SEEDED-9876" * 20,
                            data={})
    with pytest.raises(PydanticValidationError) as bad_answer:
        models.Session.model_validate({**SESSION, "expires_at": "never"})
    text += str(too_long.value) + str(bad_answer.value)
    for secret in ("Pass-SEEDED-9876", "Pass-NEW-5432", SESSION["token"]):
        assert secret not in text
    assert "demo_bidder" in text  # what is not secret still shows


# --- TLS -------------------------------------------------------------------------------------
@pytest.fixture
def tls_server(raw_server, tmp_path):
    """The raw server behind TLS with a certificate from a CA the system does not trust."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.now(UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(hours=1)).not_valid_after(now + timedelta(days=1))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
            .sign(key, hashes.SHA256()))
    pem = tmp_path / "server.pem"
    pem.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    keyfile = tmp_path / "server.key"
    keyfile.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                          serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(pem, keyfile)
    raw_server.httpd.socket = context.wrap_socket(raw_server.httpd.socket, server_side=True)
    raw_server.route("GET", "/health", Reply(200, health()))
    return f"https://127.0.0.1:{raw_server.port}", str(pem)


def test_tls_is_verified(tls_server):
    url, bundle = tls_server
    untrusted = PlatformClient(PlatformProfile("tls", url), retry=RetryPolicy(retries=0))
    with pytest.raises(ApiError) as excinfo:
        untrusted.health()
    assert code_of(excinfo) == errors.TLS_ERROR.code
    trusted = PlatformClient(PlatformProfile("tls", url, ca_bundle=bundle))
    assert trusted.health().status == "ok"


def test_verified_session_keeps_its_bundle_and_cannot_be_turned_off(tls_server, monkeypatch):
    url, bundle = tls_server
    # the environment's bundle (which does not know this server) must not replace the profile's
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", certifi.where())
    with VerifiedSession(bundle, timeout=5.0) as trusted:
        assert trusted.get(url + "/api/v1/health").status_code == 200
    with VerifiedSession(timeout=5.0) as untrusted, pytest.raises(requests.exceptions.SSLError):
        untrusted.get(url + "/api/v1/health", verify=False)


# --- uploads -------------------------------------------------------------------------------------
def upload_answer(sha: str, size: int) -> dict:
    return {"id": "att-1", "filename": "a.png", "content_type": "image/png", "size": size,
            "sha256": sha, "created_at": NOW}


def test_upload_is_streamed_with_length_and_retried_with_the_same_key(raw_server, raw_client,
                                                                     tmp_path):
    data = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 400
    path = tmp_path / "盖章页.png"
    path.write_bytes(data)
    raw_client.token = "t"
    raw_server.route("POST", "/attachments", Reply(503, b""),
                     Reply(201, upload_answer(hashlib.sha256(data).hexdigest(), len(data))))
    got = raw_client.upload_attachment(str(path), idempotency_key="k-1")
    assert got.id == "att-1"
    hits = raw_server.hits("POST", "/attachments")
    assert [h.headers["Idempotency-Key"] for h in hits] == ["k-1", "k-1"]
    for hit in hits:  # each attempt sent the whole file, with a Content-Length
        assert int(hit.headers["Content-Length"]) == len(hit.body)
        assert data in hit.body and 'filename="盖章页.png"'.encode() in hit.body
        assert hit.headers["Content-Type"].startswith("multipart/form-data; boundary=")


def test_upload_hash_mismatch_is_reported(raw_server, raw_client, tmp_path):
    path = tmp_path / "a.pdf"
    path.write_bytes(b"%PDF-1.4 hello")
    raw_client.token = "t"
    raw_server.route("POST", "/attachments", Reply(201, upload_answer("0" * 64, 14)))
    with pytest.raises(ApiError) as excinfo:
        raw_client.upload_attachment(str(path))
    assert code_of(excinfo) == errors.ATTACHMENT_HASH_MISMATCH.code


def test_overlong_password_never_echoed(raw_client):
    secret = "P" * 300 + "-SEEDED"
    with pytest.raises(errors.HyError) as excinfo:
        raw_client.login("demo_bidder", secret)
    assert excinfo.value.info is errors.VALIDATION_FAILED
    assert secret not in str(excinfo.value) and excinfo.value.__cause__ is None
