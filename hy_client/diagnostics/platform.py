"""Platform probes, layer by layer, so support sees where the connection breaks: proxy in
effect, DNS, TCP, TLS (verified chain), then ``/api/v1/health`` with latency and clock skew.

DNS/TCP/TLS use the standard library (what they test is below HTTP); health goes through the
one API client. TLS is always verified; when verification fails, the refused certificate's
names are read (nothing is sent over that connection) because an intercepting proxy or
security product shows up as its issuer.
"""

from __future__ import annotations

import hashlib
import socket
import ssl
import time
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import requests.utils
from cryptography import x509

from .. import config, errors
from ..errors import HyError
from ..net import system_proxy_settings, tls_context
from .model import Context, Finding, Probe, Severity

SECTION = "platform"


@dataclass(frozen=True)
class Target:
    url: str
    scheme: str
    host: str
    port: int
    ca_bundle: str


def _target(ctx: Context) -> Target | Finding:
    try:
        profile = ctx.platform
        parts = urlsplit(profile.url)
        if not parts.hostname or parts.scheme not in ("http", "https"):
            raise HyError(errors.CONFIG_INVALID, profile.url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except (HyError, ValueError) as exc:
        info = exc.info if isinstance(exc, HyError) else errors.CONFIG_INVALID
        return Finding.from_error("platform.url", SECTION, info, str(getattr(exc, "detail", "")))
    return Target(profile.url, parts.scheme, parts.hostname, port, profile.ca_bundle)


def _proxied(ctx: Context) -> bool:
    return bool(ctx.extra.get("proxies"))


def probe_proxy(ctx: Context) -> list[Finding]:
    target = _target(ctx)
    if isinstance(target, Finding):
        return [target]
    proxies = {k: v for k, v in requests.utils.get_environ_proxies(target.url).items() if v}
    system = {k: v for k, v in urllib.request.getproxies().items() if v}
    ctx.extra["proxies"] = {k: v for k, v in proxies.items() if k in (target.scheme, "all")}
    data = {"platform": target.url, "in_effect": ctx.extra["proxies"], "system": system}
    windows = system_proxy_settings(ctx.registry) if ctx.registry is not None \
        else system_proxy_settings()
    pac = windows.get("pac_url", "")
    if windows:
        data["windows"] = windows
    if pac:
        return [Finding("platform.proxy", SECTION, "warning",
                        "系统使用代理自动配置脚本（PAC），本程序不执行该脚本", f"脚本地址：{pac}",
                        "如无法连接交易平台，请向单位 IT 索取代理服务器地址，在“Internet 选项→"
                        "连接→局域网设置”中填写固定代理，或设置环境变量 HTTPS_PROXY。", data)]
    if ctx.extra["proxies"]:
        used = next(iter(ctx.extra["proxies"].values()))
        return [Finding("platform.proxy", SECTION, "info", "通过代理访问交易平台",
                        f"代理：{used}",
                        "如连接失败，请确认代理地址和账号；安全软件或代理可能拦截加密连接。", data)]
    return [Finding("platform.proxy", SECTION, "ok", "未使用代理", f"平台地址：{target.url}", "",
                    data)]


def probe_dns(ctx: Context) -> list[Finding]:
    target = _target(ctx)
    if isinstance(target, Finding):
        return [target]
    started = time.monotonic()
    try:
        infos = socket.getaddrinfo(target.host, target.port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        severity: Severity = "warning" if _proxied(ctx) else "error"
        return [Finding("platform.dns", SECTION, severity, f"无法解析平台域名 {target.host}",
                        f"{type(exc).__name__}: {exc}",
                        "请检查网络连接和DNS设置。" + ("（通过代理访问时由代理解析，可忽略）"
                                                       if severity == "warning" else ""),
                        {"host": target.host}, errors.NETWORK_UNREACHABLE.code)]
    addresses = sorted({str(i[4][0]) for i in infos})
    ctx.extra["addresses"] = addresses
    ms = round((time.monotonic() - started) * 1000)
    return [Finding("platform.dns", SECTION, "ok", "域名解析正常",
                    f"{target.host} → {'、'.join(addresses)}", "",
                    {"host": target.host, "addresses": addresses, "ms": ms})]


def probe_tcp(ctx: Context) -> list[Finding]:
    target = _target(ctx)
    if isinstance(target, Finding):
        return [target]
    started = time.monotonic()
    try:
        with socket.create_connection((target.host, target.port), timeout=ctx.timeout):
            pass
    except TimeoutError:
        return [_unreachable(ctx, target, errors.NETWORK_TIMEOUT, "连接超时")]
    except OSError as exc:
        return [_unreachable(ctx, target, errors.NETWORK_UNREACHABLE,
                             f"{type(exc).__name__}: {exc.strerror or exc}")]
    ms = round((time.monotonic() - started) * 1000)
    return [Finding("platform.tcp", SECTION, "ok", "网络连接正常",
                    f"{target.host}:{target.port} 可连接（{ms} 毫秒）", "",
                    {"host": target.host, "port": target.port, "ms": ms})]


def _unreachable(ctx: Context, target: Target, info: errors.ErrorInfo, why: str) -> Finding:
    severity: Severity = "warning" if _proxied(ctx) else "error"
    return Finding.from_error("platform.tcp", SECTION, info,
                              f"{target.host}:{target.port}：{why}", severity=severity,
                              data={"host": target.host, "port": target.port})


def _cert_names(der: bytes) -> dict[str, Any]:
    try:
        cert = x509.load_der_x509_certificate(der)
    except ValueError:
        return {"sha256": hashlib.sha256(der).hexdigest()}
    return {"subject": cert.subject.rfc4514_string(), "issuer": cert.issuer.rfc4514_string(),
            "not_after": cert.not_valid_after_utc.isoformat(),
            "sha256": hashlib.sha256(der).hexdigest()}


def _refused_certificate(target: Target, timeout: float) -> dict[str, Any]:
    """The names on a certificate that failed verification. Handshake only; no data is sent
    and nothing is trusted: it only tells support who presented it."""
    peek = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    peek.check_hostname = False
    peek.verify_mode = ssl.CERT_NONE  # read-only look at a certificate already refused
    try:
        with socket.create_connection((target.host, target.port), timeout=timeout) as raw, \
                peek.wrap_socket(raw, server_hostname=target.host) as tls:
            der = tls.getpeercert(binary_form=True)
    except (OSError, ssl.SSLError):
        return {}
    return _cert_names(der) if der else {}


def system_store_trusts(target: Target, timeout: float) -> bool | None:
    """Whether the operating system's trust store alone accepts the chain (the hostname not
    checked): what the bidder's browser would say. None when the handshake itself failed."""
    context = tls_context()
    context.check_hostname = False
    try:
        with socket.create_connection((target.host, target.port), timeout=timeout) as raw, \
                context.wrap_socket(raw, server_hostname=target.host):
            return True
    except ssl.SSLCertVerificationError:
        return False
    except (OSError, ssl.SSLError):
        return None


def probe_tls(ctx: Context) -> list[Finding]:
    target = _target(ctx)
    if isinstance(target, Finding):
        return [target]
    if target.scheme != "https":
        local = config.is_loopback_host(target.host)
        return [Finding("platform.tls", SECTION, "info" if local else "error",
                        "本机测试平台，不使用加密连接" if local else errors.INSECURE_URL.zh,
                        target.url, "" if local else errors.INSECURE_URL.advice_zh,
                        {"scheme": target.scheme}, "" if local else errors.INSECURE_URL.code)]
    if _proxied(ctx):
        return [Finding("platform.tls", SECTION, "info", "通过代理访问，加密连接在健康检查中验证",
                        "", "", {"proxied": True})]
    context = tls_context(target.ca_bundle)  # the program's own trust: the OS store + profile
    try:
        with socket.create_connection((target.host, target.port), timeout=ctx.timeout) as raw, \
                context.wrap_socket(raw, server_hostname=target.host) as tls:
            der = tls.getpeercert(binary_form=True) or b""
            version = tls.version()
    except ssl.SSLCertVerificationError as exc:
        names = _refused_certificate(target, ctx.timeout)
        issuer = f"；证书颁发者：{names['issuer']}" if names.get("issuer") else ""
        system = system_store_trusts(target, ctx.timeout)
        store = {True: "；系统证书库信任该证书（问题在主机名或有效期）",
                 False: "；系统证书库不信任该证书（浏览器也会报错；若为单位代理或杀毒软件，"
                        "请将其根证书安装到系统证书库）", None: ""}[system]
        return [Finding.from_error("platform.tls", SECTION, errors.TLS_ERROR,
                                   f"{exc.verify_message or exc.reason}{issuer}{store}",
                                   data={"verify_code": exc.verify_code,
                                         "verify_message": exc.verify_message,
                                         "presented": names, "system_store_trusts": system})]
    except (ssl.SSLError, OSError) as exc:
        return [Finding.from_error("platform.tls", SECTION, errors.TLS_ERROR,
                                   f"{type(exc).__name__}: {exc}")]
    names = _cert_names(der)
    days = (x509.load_der_x509_certificate(der).not_valid_after_utc - datetime.now(UTC)).days \
        if der else None
    return [Finding("platform.tls", SECTION, "ok", "加密连接正常（证书已验证）",
                    f"{version}；{names.get('subject', '')}；颁发者 {names.get('issuer', '')}；"
                    f"剩余 {days} 天", "", {**names, "tls_version": version, "days_left": days})]


def probe_health(ctx: Context) -> list[Finding]:
    target = _target(ctx)
    if isinstance(target, Finding):
        return [target]
    from ..api.client import CLOCK_SKEW_LIMIT, PlatformClient, RetryPolicy

    client = ctx.client
    own = client is None
    try:
        if client is None:
            client = PlatformClient(ctx.platform, timeout=ctx.timeout, retry=RetryPolicy(0))
        started = time.monotonic()
        health = client.health()
        ms = round((time.monotonic() - started) * 1000)
        skew = client.clock_skew
    except HyError as exc:
        return [Finding.from_error("platform.health", SECTION, exc.info,
                                   f"{target.url}/api/v1/health：{exc.detail}",
                                   data={"url": target.url})]
    finally:
        if own and client is not None:
            client.close()
    found = [Finding("platform.health", SECTION, "ok", "交易平台服务正常",
                     f"接口版本 {health.api}，平台版本 {health.version}，响应 {ms} 毫秒", "",
                     {"api": health.api, "version": health.version, "ms": ms})]
    seconds = round(skew.total_seconds()) if skew is not None else None
    data = {"skew_seconds": seconds, "limit_seconds": int(CLOCK_SKEW_LIMIT.total_seconds()),
            "server_time": health.server_time.isoformat()}
    if skew is not None and abs(skew) >= CLOCK_SKEW_LIMIT:
        ahead = "慢" if skew.total_seconds() > 0 else "快"
        found.append(Finding.from_error(
            "platform.clock", SECTION, errors.CLOCK_SKEW,
            f"本机时间比平台{ahead} {_duration(abs(seconds or 0))}；"
            "登录挑战和证书有效期检查依赖准确的时间",
            severity="warning", data=data))
    else:
        found.append(Finding("platform.clock", SECTION, "ok", "电脑时间准确",
                             f"与平台相差 {abs(seconds or 0)} 秒", "", data))
    return found


def _duration(seconds: int) -> str:
    if seconds >= 86400:
        return f"{seconds // 86400} 天 {seconds % 86400 // 3600} 小时"
    if seconds >= 3600:
        return f"{seconds // 3600} 小时 {seconds % 3600 // 60} 分钟"
    return f"{seconds // 60} 分 {seconds % 60} 秒"


def probe_session(ctx: Context) -> list[Finding]:
    """The login state kept in the keyring: a token the platform refuses is stale, and the
    program would otherwise present it on every start (repair drops it)."""
    from ..api.client import PlatformClient, RetryPolicy
    from ..credentials import CredentialStore

    target = _target(ctx)
    if isinstance(target, Finding):
        return []  # the URL finding is already reported by the probes above
    try:
        stored = CredentialStore(ctx.platform.origin).session_token()
    except HyError:
        return []  # the keyring probe says why it is unusable
    if not stored:
        return []
    data = {"origin": ctx.platform.origin}
    try:
        with PlatformClient(ctx.platform, token=stored, timeout=ctx.timeout,
                            retry=RetryPolicy(0)) as client:
            account = client.me()
    except HyError as exc:
        if exc.info in (errors.SESSION_EXPIRED, errors.NOT_LOGGED_IN):
            return [Finding.from_error(
                "platform.session", SECTION, errors.SESSION_EXPIRED,
                "系统凭据存储中保存的登录状态已被平台拒绝", severity="warning",
                data={**data, "stale": True})]
        return [Finding("platform.session", SECTION, "info", "无法验证已保存的登录状态",
                        f"{exc.info.zh}（{exc.code}）", "平台可连接后会自动验证。",
                        {**data, "stale": None})]
    finally:
        del stored
    return [Finding("platform.session", SECTION, "ok", "已保存的登录状态有效",
                    f"账号：{account.username}", "", {**data, "stale": False})]


PROBES = [
    Probe("platform.proxy", SECTION, "代理设置", probe_proxy),
    Probe("platform.dns", SECTION, "域名解析", probe_dns),
    Probe("platform.tcp", SECTION, "网络连接", probe_tcp),
    Probe("platform.tls", SECTION, "加密连接（TLS）", probe_tls),
    Probe("platform.health", SECTION, "平台服务与时间", probe_health),
    Probe("platform.session", SECTION, "已保存的登录状态", probe_session),
]
