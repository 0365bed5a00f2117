"""TokenService on real SoftHSM2 tokens: listing, login, signing, self-test, faults, hot-plug."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import threading

import pkcs11
import pytest

from hy_client import errors
from hy_client.errors import HyError
from hy_client.token.models import all_tokens
from hy_client.token.service import TokenService, verify
from tests.softhsm_fixtures import ORG, SO_PIN, VALID_USCC, FaultyLib, NoLoginLib


@pytest.fixture
def service(provisioned):
    svc = TokenService([provisioned.module])
    svc.scan(refresh=True).result()
    yield svc
    svc.close()


def _token(svc, label):
    return next(t for t in all_tokens(svc.scan().result()) if t.label == label)


def test_construction_is_lazy_and_work_runs_on_the_token_thread(provisioned):
    before = {t.name for t in threading.enumerate()}
    svc = TokenService([provisioned.module])
    assert "token" not in {t.name for t in threading.enumerate()} - before
    assert svc.call(lambda: threading.current_thread().name).result() == "token"
    with pytest.raises(AssertionError):
        svc.assert_token_thread()
    svc.call(svc.assert_token_thread).result()
    svc.close()


def test_lists_tokens_written_by_python_pkcs11(service, provisioned):
    py = provisioned.tokens["hy-py"]
    token = _token(service, "hy-py")
    assert token.serial == py.serial and token.flags.login_required
    assert {"SHA256_RSA_PKCS", "ECDSA"} <= set(token.mechanisms)
    certs = {c.id: c for c in token.certificates}
    assert set(certs) == {"01", "02", "03", "04", "06", "07", "09"}
    c1 = certs["01"]
    assert (c1.subject_cn, c1.organization, c1.uscc) == ("张三", ORG, VALID_USCC)
    assert c1.key_algorithm == "RSA-2048" and c1.status == "valid"
    assert c1.has_private_key is None  # private keys are hidden until login
    assert certs["02"].key_algorithm == "EC-P256" and certs["06"].key_algorithm == "EC-P384"
    assert certs["03"].status == "expired" and certs["04"].status == "not_yet_valid"
    assert certs["09"].error is errors.CERT_UNPARSEABLE
    assert c1.der == py.certs["01"].public_bytes(__import__(
        "cryptography.hazmat.primitives.serialization", fromlist=["Encoding"]).Encoding.DER)


def test_two_tokens_at_once(service):
    labels = {t.label for t in all_tokens(service.scan().result())}
    assert {"hy-py", "hy-tool"} <= labels


def test_login_reveals_keys_and_the_key_without_certificate(service, provisioned):
    py = provisioned.tokens["hy-py"]
    service.login(py.serial, py.pin).result()
    token = service.token_info(py.serial).result()
    assert token.logged_in
    keys = {c.id: c.has_private_key for c in token.certificates if c.error is None}
    assert set(keys.values()) == {True} and len(keys) == 6
    assert token.keys_without_certificate == ["05"]
    service.logout(py.serial).result()
    assert not service.token_info(py.serial).result().logged_in


@pytest.mark.parametrize(("cert_id", "algorithm"),
                         [("01", "RS256"), ("01", "PS256"), ("02", "ES256"), ("06", "ES384")])
def test_signatures_verify_with_the_certificate(service, provisioned, cert_id, algorithm):
    py = provisioned.tokens["hy-py"]
    service.login(py.serial, py.pin).result()
    data = bytes(64) + b"challenge"
    signature = service.sign(py.serial, cert_id, data, algorithm).result()
    assert verify(py.certs[cert_id].public_key(), algorithm, data, signature)
    assert not verify(py.certs[cert_id].public_key(), algorithm, data + b"x", signature)
    if algorithm.startswith("ES"):
        assert len(signature) == (64 if algorithm == "ES256" else 96)  # raw r‖s


def test_wrong_algorithm_and_missing_login(service, provisioned):
    py = provisioned.tokens["hy-py"]
    with pytest.raises(HyError) as info:
        service.sign(py.serial, "01", b"x", "RS256").result()
    assert info.value.info is errors.TOKEN_NOT_LOGGED_IN
    service.login(py.serial, py.pin).result()
    with pytest.raises(HyError) as info:
        service.sign(py.serial, "02", b"x", "RS256").result()
    assert info.value.info is errors.ALGORITHM_UNSUPPORTED
    with pytest.raises(HyError) as info:
        service.sign(py.serial, "05ff", b"x", "ES256").result()
    assert info.value.info is errors.KEY_NOT_FOUND


def test_token_written_by_pkcs11_tool(service, provisioned):
    tool = provisioned.tokens["hy-tool"]
    token = _token(service, "hy-tool")
    certs = {c.id: c for c in token.certificates}
    assert set(certs) == {"0a", "0b"}
    assert certs["0a"].key_algorithm == "RSA-2048" and certs["0b"].key_algorithm == "EC-P256"
    assert certs["0a"].uscc == VALID_USCC and certs["0a"].subject_cn == "赵六"
    service.login(tool.serial, tool.pin).result()
    rsa_result = service.self_test(tool.serial, "0a").result()
    assert rsa_result.ok and rsa_result.signature_ok and rsa_result.decrypt_ok is True
    ec_result = service.self_test(tool.serial, "0b").result()
    assert ec_result.ok and ec_result.decrypt_ok is None and ec_result.algorithm == "ES256"


def test_self_test_reports_a_key_that_cannot_decrypt(service, provisioned):
    py = provisioned.tokens["hy-py"]
    service.login(py.serial, py.pin).result()
    assert service.self_test(py.serial, "01").result().ok
    result = service.self_test(py.serial, "07").result()
    assert result.signature_ok and result.decrypt_ok is False and not result.ok
    assert result.error is errors.SELF_TEST_FAILED


def test_wrong_pin_reports_flags_and_cleans_up_the_session(service, provisioned):
    tool = provisioned.tokens["hy-tool"]
    with pytest.raises(HyError) as info:
        service.login(tool.serial, "000000").result()
    assert info.value.info is errors.PIN_INCORRECT
    assert info.value.data["count_low"] is True  # SoftHSM sets COUNT_LOW after a refusal
    assert service.token_flags(tool.serial).result().user_pin_count_low

    # python-pkcs11 left the refused session open; an SO login fails while it exists.
    def so_login():
        token = pkcs11.lib(provisioned.module).get_token(token_label="hy-tool")
        with token.open(rw=True, so_pin=SO_PIN):
            return True
    assert service.call(so_login).result()
    service.login(tool.serial, tool.pin).result()
    assert not service.token_flags(tool.serial).result().user_pin_count_low


def test_final_try_and_locked_through_a_fault_injecting_wrapper(provisioned):
    tool = provisioned.tokens["hy-tool"]
    faulty: list[FaultyLib] = []

    def loader(path):
        faulty.append(FaultyLib(pkcs11.lib(path), tool.serial, tries=3))
        return faulty[0]
    svc = TokenService([provisioned.module], loader=loader)
    try:
        svc.scan(refresh=True).result()
        codes = []
        for _ in range(3):
            with pytest.raises(HyError) as info:
                svc.login(tool.serial, "999999").result()
            codes.append((info.value.code, dict(info.value.data)))
        assert codes[0][0] == "T103"
        assert codes[1] == ("T104", {"final_try": True, "count_low": True})
        assert codes[2][0] == "T105" and codes[2][1]["locked"]
        flags = svc.token_flags(tool.serial).result()
        assert flags.user_pin_locked
        # a locked key is not even asked: the right PIN is refused before C_Login
        with pytest.raises(HyError) as info:
            svc.login(tool.serial, tool.pin).result()
        assert info.value.info is errors.PIN_LOCKED
        assert faulty[0].failures == 3
        # a module raising PinLocked itself maps the same way
        faulty[0].failures, faulty[0].tries = 5, 5
        with pytest.raises(HyError) as info:
            svc.login(tool.serial, tool.pin).result()
        assert info.value.info is errors.PIN_LOCKED
    finally:
        svc.close()


def test_a_key_that_needs_no_login_opens_its_session_with_no_pin(provisioned):
    spec = provisioned.new_token("hy-nologin", key="rsa")
    svc = TokenService([provisioned.module],
                       loader=lambda path: NoLoginLib(pkcs11.lib(path), spec.serial, spec.pin))
    try:
        token = next(t for t in all_tokens(svc.scan(refresh=True).result())
                     if t.serial == spec.serial)
        assert not token.flags.login_required and token.certificates[0].has_private_key
        svc.login(spec.serial, None).result()  # no PIN pad, and none needed
        assert svc.self_test(spec.serial, "01").result().ok
        svc.logout(spec.serial).result()
    finally:
        svc.close()


def test_protected_auth_path_needs_a_pin_pad(service, provisioned):
    tool = provisioned.tokens["hy-tool"]
    with pytest.raises(HyError) as info:
        service.login(tool.serial, None).result()
    assert info.value.info is errors.PIN_INVALID


def test_change_pin(service, provisioned):
    extra = provisioned.new_token("hy-pinchange", pin="135790")
    service.scan(refresh=True).result()
    with pytest.raises(HyError) as info:
        service.change_pin(extra.serial, extra.pin, "123456").result()
    assert info.value.info is errors.PIN_WEAK
    with pytest.raises(HyError) as info:
        service.change_pin(extra.serial, "000111", "918273").result()
    assert info.value.info is errors.PIN_INCORRECT
    service.change_pin(extra.serial, extra.pin, "918273").result()
    with pytest.raises(HyError):
        service.login(extra.serial, extra.pin).result()
    service.login(extra.serial, "918273").result()


def test_insertion_and_removal_events(service, provisioned):
    events = []
    service.subscribe(events.append)
    assert service.poll().result() == []
    extra = provisioned.new_token("hy-hotplug")
    service.scan(refresh=True).result()  # SoftHSM sees other processes' tokens after re-init
    assert [(e.kind, e.serial) for e in events] == [("inserted", extra.serial)]
    service.login(extra.serial, extra.pin).result()
    assert service.sign(extra.serial, "01", b"x", "ES256").result()
    provisioned.env.delete_token(extra.label)
    with pytest.raises(HyError) as info:
        service.sign(extra.serial, "01", b"y", "ES256").result()
    assert info.value.info is errors.TOKEN_REMOVED
    removed = service.poll().result()
    assert [(e.kind, e.serial) for e in removed] == [("removed", extra.serial)]
    assert events[-1].kind == "removed"
    labels = {t.label for t in all_tokens(service.scan().result())}
    assert "hy-hotplug" not in labels and {"hy-py", "hy-tool"} <= labels
    py = provisioned.tokens["hy-py"]
    service.login(py.serial, py.pin).result()  # the module works again after the rescan
    assert service.sign(py.serial, "02", b"z", "ES256").result()


def test_module_load_errors_are_reported(tmp_path):
    svc = TokenService([str(tmp_path / "missing.so"), "relative.so"])
    mods = svc.scan().result()
    svc.close()
    assert [m.error for m in mods] == [errors.MODULE_NOT_FOUND, errors.MODULE_PATH_NOT_ABSOLUTE]
    assert json.loads(json.dumps([m.to_json() for m in mods]))[0]["error"]["code"] == "M101"


SPY = "/usr/lib/x86_64-linux-gnu/pkcs11-spy.so"


@pytest.mark.skipif(not __import__("os").path.exists(SPY), reason="no pkcs11-spy")
def test_idle_poll_costs_at_most_two_calls(provisioned, tmp_path):
    """Counted by OpenSC's call logger around the real module (a separate process)."""
    log = tmp_path / "spy.log"
    script = textwrap.dedent(f"""
        import os
        from hy_client.token.service import TokenService
        svc = TokenService([{SPY!r}])
        svc.scan().result(); svc.poll().result()
        start = os.path.getsize({str(log)!r})
        assert svc.poll().result() == []
        assert svc.poll().result() == []
        with open({str(log)!r}, "rb") as fh:
            fh.seek(start)
            print(sum(1 for line in fh if line.startswith(b"C_") or b" C_" in line[:40]))
        svc.close()
    """)
    env = {**__import__("os").environ, "PKCS11SPY": provisioned.module,
           "PKCS11SPY_OUTPUT": str(log)}
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    calls = int(done.stdout.strip().splitlines()[-1])
    print("calls for two idle polls:", calls)
    assert 1 <= calls <= 4  # two polls, one or two calls each
