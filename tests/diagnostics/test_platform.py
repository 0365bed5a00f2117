"""Platform findings over real loopback sockets: a closed port, an untrusted TLS server, a
sandbox whose clock is off, and a healthy sandbox."""

from __future__ import annotations

import socket
import ssl
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from hy_client import config, diagnostics
from tests.sandbox_fixtures import SandboxProcess, free_port, threaded_sandbox


def one(report, fid):
    matches = [f for f in report.findings if f.id == fid]
    assert len(matches) == 1, [f.id for f in report.findings]
    return matches[0]


def settings_for(url: str, ca_bundle: str = "") -> config.Settings:
    profile = config.PlatformProfile("test", url, "test", ca_bundle)
    return config.Settings(platform="test", platforms={"test": profile})


def test_server_down_is_an_error_at_the_tcp_layer():
    port = free_port()  # bound and released: nothing listens there
    report = diagnostics.run_diagnostics(settings_for(f"http://127.0.0.1:{port}"),
                                         sections=["platform"], timeout=2)
    assert one(report, "platform.dns").severity == "ok"
    tcp = one(report, "platform.tcp")
    assert (tcp.severity, tcp.code) == ("error", "P101")
    assert "Connection" in tcp.detail_zh
    health = one(report, "platform.health")
    assert health.severity == "error" and health.code in ("P101", "P102")
    assert one(report, "platform.tls").severity == "info"  # loopback http: nothing to verify
    assert report.exit_code == 1


@dataclass
class TlsServer:
    port: int
    cert_pem: Path


def _self_signed(tmp: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "拦截代理测试根证书")])
    now = datetime.now(UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(hours=1)).not_valid_after(now + timedelta(days=2))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = tmp / "server.pem", tmp / "server.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


@pytest.fixture
def tls_server(tmp_path) -> Iterator[TlsServer]:
    """A stdlib TLS listener with a self-signed certificate: handshakes, then closes."""
    cert_path, key_path = _self_signed(tmp_path)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_path, key_path)
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            conn.settimeout(5)
            try:
                with context.wrap_socket(conn, server_side=True) as tls:
                    tls.recv(1)
            except (OSError, ssl.SSLError):
                pass
            finally:
                conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield TlsServer(listener.getsockname()[1], cert_path)
    stop.set()
    thread.join(5)
    listener.close()


def test_tls_to_a_server_with_an_untrusted_certificate(tls_server):
    report = diagnostics.run_diagnostics(
        settings_for(f"https://localhost:{tls_server.port}"), sections=["platform"], timeout=3)
    tls = one(report, "platform.tls")
    assert (tls.severity, tls.code) == ("error", "P103")
    assert "self-signed" in tls.data["verify_message"]
    assert tls.data["presented"]["issuer"] == "CN=拦截代理测试根证书"
    assert "拦截代理测试根证书" in tls.detail_zh
    assert one(report, "platform.health").code == "P103"


def test_tls_verified_against_the_profiles_ca_bundle(tls_server):
    report = diagnostics.run_diagnostics(
        settings_for(f"https://localhost:{tls_server.port}", str(tls_server.cert_pem)),
        sections=["platform"], timeout=3)
    tls = one(report, "platform.tls")
    assert tls.severity == "ok", tls
    assert tls.data["subject"] == "CN=拦截代理测试根证书" and tls.data["tls_version"]


@pytest.fixture(scope="module")
def skewed_sandbox(tmp_path_factory) -> Iterator[SandboxProcess]:
    """The real sandbox process, started with its clock ten minutes ahead."""
    base = tmp_path_factory.mktemp("skewed")
    env = {f"HY_{n}_DIR": str(base / n.lower()) for n in ("CONFIG", "DATA", "LOG")}
    server = SandboxProcess(base / "data", extra_args=("--clock-offset", "600"), env=env).start()
    yield server
    server.stop()


def test_server_clock_skewed(skewed_sandbox):
    report = diagnostics.run_diagnostics(settings_for(skewed_sandbox.url),
                                         sections=["platform"])
    assert one(report, "platform.health").severity == "ok"
    clock = one(report, "platform.clock")
    assert (clock.severity, clock.code) == ("warning", "P110")
    assert 590 <= clock.data["skew_seconds"] <= 610
    assert "慢 10 分" in clock.detail_zh
    assert report.exit_code == 0  # a warning, not an error


def test_healthy_sandbox(tmp_path):
    with threaded_sandbox(tmp_path / "data") as sandbox:
        report = diagnostics.run_diagnostics(settings_for(sandbox.url), sections=["platform"])
    assert {f.id: f.severity for f in report.findings} == {
        "platform.proxy": "ok", "platform.dns": "ok", "platform.tcp": "ok",
        "platform.tls": "info", "platform.health": "ok", "platform.clock": "ok"}
    assert one(report, "platform.health").data["api"]


def test_proxy_in_effect_is_reported_with_its_credentials_hidden(monkeypatch):
    monkeypatch.setenv("HTTPS_PROXY", "http://alice:Pr0xyPass@proxy.example.invalid:3128")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    report = diagnostics.run_diagnostics(settings_for("https://ggzy.example.invalid"),
                                         sections=["platform"], timeout=1)
    proxy = one(report, "platform.proxy")
    assert proxy.severity == "info" and "proxy.example.invalid:3128" in proxy.detail_zh
    assert "Pr0xyPass" not in repr(report) and "alice" not in proxy.detail_zh
    # Through a proxy the direct lookups may fail without being the problem.
    assert one(report, "platform.dns").severity in ("ok", "warning")


def test_a_refused_certificate_says_whether_the_system_store_trusts_it(tls_server):
    report = diagnostics.run_diagnostics(
        settings_for(f"https://localhost:{tls_server.port}"), sections=["platform"], timeout=3)
    tls = one(report, "platform.tls")
    assert tls.data["system_store_trusts"] is False
    assert "系统证书库不信任该证书" in tls.detail_zh


def test_a_root_in_the_system_store_is_trusted_without_any_profile_ca(tls_server, monkeypatch):
    """What a TLS-inspecting proxy or antivirus does: its root goes into the system store
    (here OpenSSL's, through SSL_CERT_FILE; on Windows the certificate store). The program
    then trusts it as the browser does, with no CA bundle configured."""
    import requests

    from hy_client.net import VerifiedSession

    url = f"https://localhost:{tls_server.port}/api/v1/health"
    with pytest.raises(requests.exceptions.SSLError):
        VerifiedSession(timeout=3).get(url)
    monkeypatch.setenv("SSL_CERT_FILE", str(tls_server.cert_pem))
    with pytest.raises(requests.ConnectionError) as caught:  # the test server hangs up after
        VerifiedSession(timeout=3).get(url)                  # the handshake: no HTTP answer
    assert not isinstance(caught.value, requests.exceptions.SSLError)
    report = diagnostics.run_diagnostics(settings_for(url.rsplit("/api", 1)[0]),
                                         sections=["platform"], timeout=3)
    assert one(report, "platform.tls").severity == "ok"
