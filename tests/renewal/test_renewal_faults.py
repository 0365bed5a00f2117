"""Failure at any step loses nothing: key pulled, platform down, review pending or rejected,
the process killed with SIGKILL between (and inside) steps. After each: the old key and
certificate still work, and the renewal resumes to exactly one new certificate."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from hy_client import errors
from hy_client.api.client import ApiError
from hy_client.errors import HyError
from hy_client.renewal_journal import STEP_ORDER
from hy_client.token.service import verify
from tests.renewal_fixtures import PIN

from .conftest import Rig

HERE = Path(__file__).parent


def assert_old_key_works(rig: Rig, *, activation_moved: bool = False) -> None:
    """The old certificate is on the token with its key, signs, and (unless the activation
    already moved) still logs in to the platform."""
    old = rig.key()
    assert old.certificate.der == rig.cert.public_bytes(Encoding.DER)
    rig.signin.unlock(rig.tokens, old, PIN)
    signature = rig.tokens.sign(old.serial, "01", b"m" * 64, old.algorithm).result(30)
    public = x509.load_der_x509_certificate(old.certificate.der).public_key()
    assert verify(public, old.algorithm, b"m" * 64, signature)
    if not activation_moved:
        assert rig.activations() == [old.certificate.sha256]
        assert rig.signin.ca_login(rig.tokens, old).account.id == rig.account_id


def assert_finishes_once(rig: Rig) -> None:
    """Resume to the end: one renewal on the platform, old + new on the token, no orphans."""
    key = rig.key()
    rig.signin.unlock(rig.tokens, key, PIN)
    outcome = rig.flow().run(key)
    assert outcome.journal.step == "activated" and rig.store().current() is None
    rows = rig.renewals()
    assert len(rows) == 1 and rows[0]["state"] == "activated"
    assert rig.activations() == [outcome.journal.new_cert_sha256]
    info = rig.tokens.reread(key.serial).result(30)
    assert sorted(c.id for c in info.certificates) == sorted(["01", outcome.journal.new_key_id])
    assert info.keys_without_certificate == []
    assert rig.count_private_keys(key.serial) == 2  # a resumed key generation made no second


def _pull_at(rig: Rig, stage: str):
    def progress(at: str, status: str) -> None:
        if at == stage and status == "running":
            rig.lib.pull()
    return progress


@pytest.mark.parametrize("stage", ["keygen", "csr", "submit", "write", "verify", "activate"])
def test_key_pulled_at_each_token_step(make_rig, stage):
    rig = make_rig()
    key = rig.unlock()
    with pytest.raises(HyError) as failed:
        rig.flow(progress=_pull_at(rig, stage)).run(key)
    assert failed.value.info is errors.TOKEN_REMOVED
    journal = rig.store().current()
    assert journal is not None
    before = {"keygen": "started", "csr": "key_generated", "submit": "csr_signed",
              "write": "issued", "verify": "cert_written", "activate": "verified"}[stage]
    assert journal.step == before
    rig.lib.replug()
    rig.tokens.scan(refresh=True).result(30)
    assert_old_key_works(rig)
    assert_finishes_once(rig)


@pytest.mark.parametrize("stage", ["guard", "submit", "activate"])
def test_platform_down_at_each_platform_step(make_rig, platform, stage):
    rig = make_rig()
    key = rig.unlock()

    def progress(at: str, status: str) -> None:
        if at == stage and status == "running":
            platform.stop()

    try:
        with pytest.raises(ApiError) as failed:
            rig.flow(progress=progress).run(key)
    finally:
        platform.start()
    assert failed.value.info in (errors.NETWORK_UNREACHABLE, errors.NETWORK_TIMEOUT)
    journal = rig.store().current()
    if stage == "guard":
        assert journal is None and rig.renewals() == []  # nothing written before the guard
    else:
        assert journal is not None and journal.step == (
            "csr_signed" if stage == "submit" else "verified")
    assert_old_key_works(rig)
    assert_finishes_once(rig)


def _review(platform, *args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "hy_client.cli", "sandbox", "review", *args,
                           "--data", str(platform.data_dir)], capture_output=True, text=True,
                          timeout=60, env={**os.environ, **platform.env})
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.parametrize("decision", ["approve", "reject"])
def test_reviewer_step_pending_then_decided(make_rig, platform, decision):
    rig = make_rig()
    platform.stop()
    platform.extra_args = ("--renewal-review",)
    platform.start()
    try:
        key = rig.unlock()
        statuses: list[tuple[str, str]] = []
        with pytest.raises(HyError) as waiting:
            rig.flow(progress=lambda s, st: statuses.append((s, st))).run(key)
        assert waiting.value.info is errors.RENEWAL_PENDING
        assert ("issue", "waiting") in statuses
        assert rig.store().current().step == "submitted"
        renewal_id = rig.renewals()[0]["id"]
        assert f"{renewal_id:>5}" in _review(platform, "renewals")
        assert_old_key_works(rig)
        # asking again while pending changes nothing
        key = rig.key()
        with pytest.raises(HyError):
            rig.flow().run(key)
        if decision == "approve":
            _review(platform, "approve-renewal", str(renewal_id))
            assert_finishes_once(rig)
        else:
            _review(platform, "reject-renewal", str(renewal_id), "--reason", "未缴费")
            with pytest.raises(HyError) as rejected:
                rig.flow().run(rig.key())
            assert rejected.value.info is errors.RENEWAL_REJECTED
            assert "未缴费" in rejected.value.detail
            # cleanly abandoned: the new key is gone, the old one untouched
            assert rig.store().current() is None
            info = rig.tokens.reread(key.serial).result(30)
            assert [c.id for c in info.certificates] == ["01"]
            assert info.keys_without_certificate == []
            assert_old_key_works(rig)
    finally:
        platform.stop()
        platform.extra_args = ()
        platform.start()


def test_abandon_removes_only_the_new_key(make_rig):
    rig = make_rig()
    key = rig.unlock()
    with pytest.raises(HyError):
        rig.flow(progress=_pull_at(rig, "verify")).run(key)
    rig.lib.replug()
    rig.tokens.scan(refresh=True).result(30)
    key = rig.unlock()
    removed = rig.flow().abandon()
    assert removed == 3  # private key, public key, certificate of the new key
    info = rig.tokens.reread(key.serial).result(30)
    assert [c.id for c in info.certificates] == ["01"] and info.keys_without_certificate == []
    assert rig.store().current() is None
    assert_old_key_works(rig)


KILL_POINTS = [("keygen", "mid"), ("csr", "after"), ("submit", "mid"), ("issue", "before"),
               ("write", "mid"), ("verify", "after"), ("activate", "mid")]


@pytest.mark.parametrize(("stage", "when"), KILL_POINTS)
def test_kill_9_between_and_inside_steps(make_rig, platform, stage, when):
    rig = make_rig()
    key = rig.key()
    rig.tokens.logout(key.serial).result(30)
    env = {**os.environ, "RIG_URL": platform.url, "RIG_SESSION": rig.client.token or "",
           "RIG_MODULE": rig.module, "RIG_LABEL": rig.label, "RIG_PIN": PIN,
           "RIG_ACCOUNT": str(rig.account_id),
           "PYTHONPATH": os.pathsep.join([str(HERE.parent.parent),
                                          os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run([sys.executable, str(HERE / "kill_driver.py"), stage, when],
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == -9, done.stdout + done.stderr
    journal = rig.store().current()
    assert journal is not None
    assert STEP_ORDER.index(journal.step) <= STEP_ORDER.index("verified")
    rig.tokens.scan(refresh=True).result(30)
    assert_old_key_works(rig, activation_moved=(stage, when) == ("activate", "mid"))
    assert_finishes_once(rig)
