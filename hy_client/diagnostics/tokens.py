"""Token probes: keys, PIN state in words, login mechanisms, certificates, optional self-test.

All PKCS#11 work goes through the ``TokenService`` (its own thread); this module only reads the
dataclasses it returns. The scan re-initialises idle modules, so a key plugged in after the
program started is seen ("the key is only found after a restart").
"""

from __future__ import annotations

import contextlib
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

from .. import errors, renewal
from ..api.models import Bid
from ..errors import HyError
from ..token.models import CertificateInfo, ModuleInfo, TokenInfo, all_tokens
from .model import Context, Finding, Probe, Severity

SECTION = "tokens"
_PIN_OK = "PIN状态正常"
SCAN_TIMEOUT = 60.0  # a hung vendor module must not hang the report
_RENEWAL_SEVERITY: dict[str, Severity] = {"ok": "ok", "info": "info", "warning": "warning",
                                          "critical": "error"}
_LOGIN_MECHANISMS = {"RSA": ("SHA256_RSA_PKCS", "RSA_PKCS", "SHA256_RSA_PKCS_PSS", "RSA_PKCS_PSS"),
                     "EC": ("ECDSA", "ECDSA_SHA256", "ECDSA_SHA384")}


def scan(ctx: Context) -> list[ModuleInfo] | None:
    """The modules as the token service sees them, scanned once per run (None: scan failed)."""
    if ctx.modules is None and ctx.scan_error is None:
        if ctx.token_service is None:
            ctx.scan_error = HyError(errors.NO_MODULE, "no token service")
            return None
        try:
            ctx.modules = ctx.token_service.scan(refresh=True).result(SCAN_TIMEOUT)
        except FutureTimeout:
            ctx.scan_error = HyError(errors.TOKEN_BUSY, f"scan took over {SCAN_TIMEOUT:.0f} s")
        except HyError as exc:
            ctx.scan_error = exc
    return ctx.modules


def open_bids(ctx: Context) -> tuple[list[Bid], bool]:
    """The bidder's bids, for renewal advice (renewing before a bid opens loses the bid), when a
    session is at hand: the program's client, else the session stored in the keyring. Without
    one, advice follows the expiry thresholds alone."""
    from ..api.client import PlatformClient, RetryPolicy
    from ..credentials import CredentialStore

    client, own = ctx.client, False
    try:
        if client is None or not client.token:
            stored = CredentialStore(ctx.platform.origin).session_token()
            if not stored:
                return [], False
            client, own = PlatformClient(ctx.platform, token=stored, timeout=ctx.timeout,
                                         retry=RetryPolicy(0)), True
        return client.bids(), True
    except HyError:  # offline or the session expired: the platform section says which
        return [], False
    finally:
        if own and client is not None:
            client.close()


def _token_ref(token: TokenInfo) -> str:
    return f"{token.label}（序列号 {token.serial}）"


def pin_state_words(token: TokenInfo) -> list[str]:
    """The PIN flags as a user reads them (DigiDoc4's wording, in Chinese)."""
    f = token.flags
    words = []
    if f.user_pin_locked:
        words.append("PIN码已锁定")
    elif f.user_pin_final_try:
        words.append("PIN码已输错多次，再错一次将锁定")
    elif f.user_pin_count_low:
        words.append("PIN码至少输错过一次")
    if f.user_pin_to_be_changed:
        words.append("PIN码需要修改（初始PIN或已过期）")
    if f.protected_auth_path:
        words.append("使用CA锁自带的密码键盘输入PIN")
    if not f.login_required:
        words.append("无需PIN即可使用")
    return words or [_PIN_OK]


def _pin_finding(token: TokenInfo, fid: str) -> Finding:
    f, data = token.flags, {"serial": token.serial, "flags": token.flags.to_json()}
    words = "；".join(pin_state_words(token))
    if f.user_pin_locked:
        return Finding.from_error(fid, SECTION, errors.PIN_LOCKED, words, data=data)
    if f.user_pin_final_try:
        return Finding.from_error(fid, SECTION, errors.PIN_FINAL_TRY, words, data=data)
    if f.user_pin_to_be_changed:
        return Finding.from_error(fid, SECTION, errors.PIN_EXPIRED, words, severity="warning",
                                  data=data)
    if f.user_pin_count_low:
        return Finding(fid, SECTION, "warning", "PIN码曾输入错误", words,
                       "请确认PIN码后再登录；多次输错将锁定CA锁。如忘记PIN码，请联系CA机构。",
                       data, errors.PIN_INCORRECT.code)
    return Finding(fid, SECTION, "ok", "PIN状态正常", "" if words == _PIN_OK else words, "",
                   data)


def _mechanism_finding(token: TokenInfo, fid: str) -> Finding:
    mechs = set(token.mechanisms)
    sm2 = sorted(m for m in mechs if "SM2" in m.upper())
    # Vendor-defined values (VENDOR_0x8000…): no public standard says which one is SM2.
    vendor = sorted(m for m in mechs if m.startswith("VENDOR_"))
    kinds = {c.key_kind for c in token.certificates if c.error is None}
    data: dict[str, Any] = {"serial": token.serial, "mechanisms": sorted(mechs), "sm2": sm2,
                            "vendor": vendor}
    have = [k for k, names in _LOGIN_MECHANISMS.items() if mechs & set(names)]
    standard = sorted(mechs - set(vendor))
    detail = ("支持的登录签名方式：" + ("、".join(have) if have else "无")
              + (f"；国密：{'、'.join(sm2)}" if sm2 else "")
              + (f"；厂商自定义算法（可能为国密SM2）：{'、'.join(vendor)}" if vendor else "")
              + (f"（{'、'.join(standard)}）" if standard else "")
              if mechs else "CA锁未报告任何签名方式")
    sm2_certs = [c for c in token.certificates if c.error is None and c.key_kind == "SM2"]
    if sm2_certs:
        known = all(c.sm2_mechanism_known for c in sm2_certs)
        data["sm2_mechanism_known"] = known
        if not known:
            return Finding.from_error(
                fid, SECTION, errors.SM2_MECHANISM_UNKNOWN,
                f"{detail}；证书为国密SM2密钥，驱动目录未描述该驱动的SM2算法", data=data)
        detail += "；国密SM2：驱动目录已描述该驱动的SM2算法"
        kinds = kinds - {"SM2"}
        if not kinds:
            return Finding(fid, SECTION, "ok", "签名方式可用于登录", detail, "", data)
    missing = sorted(k for k in kinds & set(_LOGIN_MECHANISMS) if k not in have)
    if missing:
        why = f"{detail}；证书为 {'、'.join(missing)} 密钥，但CA锁未提供对应签名方式"
        return Finding.from_error(fid, SECTION, errors.MECHANISM_UNSUPPORTED, why, data=data)
    if kinds and not kinds & set(_LOGIN_MECHANISMS):
        return Finding.from_error(fid, SECTION, errors.ALGORITHM_UNSUPPORTED, detail,
                                  severity="warning", data=data)
    return Finding(fid, SECTION, "ok", "签名方式可用于登录", detail, "", data)


def _cert_title(cert: CertificateInfo) -> str:
    who = cert.subject_cn or cert.label or cert.id
    return f"证书 {who}"


def _cert_finding(ctx: Context, token: TokenInfo, cert: CertificateInfo, fid: str,
                  bids: list[Bid], bids_checked: bool) -> Finding:
    data = {"serial": token.serial, "certificate": cert.to_json()}
    if cert.error is not None:
        return Finding.from_error(fid, SECTION, cert.error, cert.error_detail, data=data)
    validity = (f"{cert.subject}；颁发者 {cert.issuer}；{cert.key_algorithm}；有效期 "
                f"{_day(cert.not_before)} 至 {_day(cert.not_after)}")
    if cert.status == "not_yet_valid":
        return Finding.from_error(fid, SECTION, errors.CERT_NOT_YET_VALID, validity, data=data)
    if cert.has_private_key is False:
        return Finding.from_error(fid, SECTION, errors.KEY_NOT_FOUND, validity,
                                  severity="warning", data=data)
    if cert.not_after is None:
        return Finding(fid, SECTION, "info", _cert_title(cert), validity, "", data)
    advice = renewal.advise_certificate(cert, bids, now=ctx.now,
                                        thresholds=ctx.settings.renewal_thresholds,
                                        bids_known=bids_checked)
    data["renewal"] = {"level": advice.level, "reason": advice.reason_code,
                       "days_left": advice.days_left, "bid_ids": list(advice.bid_ids),
                       "renew_window": advice.window.to_json() if advice.window else None,
                       "bids_checked": bids_checked}
    severity = _RENEWAL_SEVERITY[advice.level]
    if cert.status == "expired":
        return Finding(fid, SECTION, "error", f"{_cert_title(cert)}：{errors.CERT_EXPIRED.zh}",
                       validity, advice.message_zh, data, errors.CERT_EXPIRED.code)
    title = _cert_title(cert) + ("：有效" if severity == "ok" else "：即将到期")
    return Finding(fid, SECTION, severity, title, validity,
                   "" if severity == "ok" else advice.message_zh, data)


def _day(value: Any) -> str:
    return value.astimezone(renewal.CHINA_TZ).strftime("%Y-%m-%d") if value else "?"


def probe_tokens(ctx: Context) -> list[Finding]:
    modules = scan(ctx)
    if modules is None:
        err = ctx.scan_error or HyError(errors.TOKEN_ERROR)
        return [Finding.from_error("tokens.scan", SECTION, err.info, err.detail)]
    tokens = all_tokens(modules)
    if not tokens:
        loaded = [m for m in modules if m.error is None]
        slots = sum(len(m.slots) for m in loaded)
        detail = f"已加载 {len(loaded)} 个驱动，共 {slots} 个读卡器槽位，均未发现已初始化的CA锁"
        return [Finding.from_error("tokens.none", SECTION, errors.NO_TOKEN, detail,
                                   data={"modules": len(loaded)})]
    bids, bids_checked = open_bids(ctx)
    found: list[Finding] = []
    for token in tokens:
        key = token.serial
        found.append(Finding(
            f"tokens.token.{key}", SECTION, "ok", f"CA锁 {_token_ref(token)}",
            f"厂商 {token.manufacturer}，型号 {token.model}，证书 {len(token.certificates)} 张",
            "", {"token_info": {**token.to_json(), "certificates": len(token.certificates)}}))
        found.append(_pin_finding(token, f"tokens.pin.{key}"))
        found.append(_mechanism_finding(token, f"tokens.mechanisms.{key}"))
        if not token.certificates:
            found.append(Finding.from_error(f"tokens.certs.{key}", SECTION,
                                            errors.CERT_NOT_FOUND, _token_ref(token)))
        for cert in token.certificates:
            found.append(_cert_finding(ctx, token, cert, f"tokens.cert.{key}.{cert.id}", bids,
                                       bids_checked))
        if token.keys_without_certificate:
            found.append(Finding(
                f"tokens.orphan_keys.{key}", SECTION, "info", "有私钥没有对应的证书",
                "密钥标识：" + "、".join(token.keys_without_certificate),
                "通常不影响使用；如登录失败，请联系CA机构重新写入证书。",
                {"serial": key, "key_ids": list(token.keys_without_certificate)}))
    return found


def _choose(tokens: list[TokenInfo], wanted: str | None) -> TokenInfo | HyError:
    if wanted:
        match = [t for t in tokens if wanted in (t.serial, t.label)]
        return match[0] if match else HyError(errors.NO_TOKEN, wanted)
    if len(tokens) == 1:
        return tokens[0]
    # Never try a PIN on a key the user did not choose: a wrong guess counts against it.
    return HyError(errors.SEVERAL_TOKENS if tokens else errors.NO_TOKEN)


def probe_self_test(ctx: Context) -> list[Finding]:
    """Log in with the PIN once (never retried), sign and (RSA) decrypt with each certificate."""
    pin, ctx.pin = ctx.pin, None  # used once, then gone from the context
    if pin is None:
        return [Finding("tokens.self_test", SECTION, "info", "未进行CA锁自检", "自检需要输入PIN码",
                        "如需检查签名和解密（开标解密）是否正常，请输入PIN码运行自检。")]
    modules = scan(ctx)
    service = ctx.token_service
    chosen = _choose(all_tokens(modules or []), ctx.token_serial)
    if isinstance(chosen, HyError) or service is None:
        err = chosen if isinstance(chosen, HyError) else HyError(errors.NO_TOKEN)
        return [Finding.from_error("tokens.self_test", SECTION, err.info, err.detail,
                                   severity="warning")]
    serial = chosen.serial
    try:
        service.login(serial, pin).result(SCAN_TIMEOUT)
    except HyError as exc:
        return [Finding.from_error(f"tokens.self_test.{serial}", SECTION, exc.info,
                                   _token_ref(chosen), data={"serial": serial, **exc.data})]
    finally:
        del pin
    found: list[Finding] = []
    try:
        info = service.token_info(serial).result(SCAN_TIMEOUT)
        for cert in info.certificates:
            if not cert.usable_for_login or not cert.has_private_key:
                continue
            fid = f"tokens.self_test.{serial}.{cert.id}"
            try:
                result = service.self_test(serial, cert.id).result(SCAN_TIMEOUT)
            except HyError as exc:
                found.append(Finding.from_error(fid, SECTION, exc.info, exc.detail))
                continue
            what = "签名正常" + ("" if result.decrypt_ok is None
                                 else ("，解密正常" if result.decrypt_ok else "，解密失败"))
            if result.ok:
                found.append(Finding(fid, SECTION, "ok", f"{_cert_title(cert)} 自检通过", what,
                                     "", result.to_json()))
            else:
                err_info = result.error or errors.SELF_TEST_FAILED
                found.append(Finding.from_error(fid, SECTION, err_info,
                                                f"{what}（{result.detail}）",
                                                data=result.to_json()))
    finally:
        with contextlib.suppress(HyError, FutureTimeout):
            service.logout(serial).result(SCAN_TIMEOUT)
    if not found:
        found.append(Finding.from_error(f"tokens.self_test.{serial}", SECTION,
                                        errors.CERT_NOT_FOUND, _token_ref(chosen)))
    return found


PROBES = [
    Probe("tokens.list", SECTION, "CA锁、PIN状态与证书", probe_tokens),
    Probe("tokens.self_test", SECTION, "CA锁自检（签名与解密）", probe_self_test),
]
