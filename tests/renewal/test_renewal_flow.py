"""Online renewal end to end: SoftHSM key expiring in 20 days, the real sandbox, the guard."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from cryptography import x509

from hy_client import errors, readiness
from hy_client.errors import HyError
from hy_client.renewal_flow import STAGES
from hy_client.signin import choose_key, login_candidates
from hy_client.token.service import verify
from tests.renewal_fixtures import ORG, PIN


def test_refuses_outside_the_window_then_renews_inside_keeping_the_old_key(make_rig):
    rig = make_rig()
    old = rig.key()
    early = rig.add_bid("EARLY-1", timedelta(days=6))
    rig.add_bid("EARLY-2", timedelta(days=14))
    late = rig.add_bid("LATE-1", timedelta(days=45))
    seen: list[tuple[str, str]] = []
    flow = rig.flow(progress=lambda stage, status: seen.append((stage, status)))

    # outside the window: refused before anything is written, naming the bids at risk
    rig.signin.unlock(rig.tokens, old, PIN)
    with pytest.raises(HyError) as refused:
        flow.run(old)
    assert refused.value.info is errors.RENEWAL_UNSAFE
    assert [b["project_code"] for b in refused.value.data["bids"]] == ["EARLY-1", "EARLY-2"]
    assert "EARLY-1" in refused.value.detail
    assert rig.store().current() is None and rig.renewals() == []
    assert [c.cert_id for c in rig.choices()] == ["01"]
    assert seen == [("guard", "running"), ("guard", "failed")]

    # bids adjusted: the early ones have opened; the late one (after the expiry) still counts
    rig.move_bid(early, timedelta(days=-2))
    rig.move_bid(early + 1, timedelta(days=-1))
    seen.clear()
    outcome = flow.run(old)

    assert [s for s, st in seen if st == "done"] == list(STAGES)
    new = outcome.new_certificate
    assert new is not None and new.id != old.cert_id and new.id == outcome.journal.new_key_id
    assert new.not_after > old.certificate.not_after + timedelta(days=300)
    assert new.subject == old.certificate.subject and new.serial != old.certificate.serial
    assert new.has_private_key is True
    # the activation moved: the new certificate is bound, the old one no longer
    assert rig.activations() == [new.sha256]
    # the old key and certificate are still on the token, for the late bid
    after = {c.cert_id: c for c in rig.choices()}
    assert set(after) == {"01", new.id}
    assert after["01"].certificate.sha256 == old.certificate.sha256
    assert outcome.retained is not None and outcome.retained.bid_ids == (late,)
    assert rig.store().retained()[0].cert_id == "01"
    # and it still signs: the bid-opening self-test finds the old key for that bid
    bids = rig.client.bids()
    info = rig.tokens.scan().result(30)
    token_infos = [t for m in info for t in m.tokens]
    assert readiness.locate(token_infos, bids[-1].cert_sha256) == (old.serial, "01")
    signature = rig.tokens.sign(old.serial, "01", b"x" * 64, old.algorithm).result(30)
    old_public = x509.load_der_x509_certificate(old.certificate.der).public_key()
    assert verify(old_public, old.algorithm, b"x" * 64, signature)

    # login with the key picks the renewed certificate, and the platform accepts it
    chosen = choose_key(login_candidates(rig.tokens.scan().result(30)), token=rig.label)
    assert chosen.cert_id == new.id
    result = rig.signin.ca_login(rig.tokens, chosen)
    assert result.account.id == rig.account_id
    # one renewal, one certificate
    assert len(rig.renewals()) == 1 and rig.renewals()[0]["state"] == "activated"


def test_override_keeps_the_old_key_for_the_bids_at_risk(make_rig):
    rig = make_rig(key="rsa")
    bid = rig.add_bid("EARLY-9", timedelta(days=3))
    key = rig.unlock()
    outcome = rig.flow().run(key, override=True)
    assert outcome.journal.override and outcome.journal.kept_for_bids == (bid,)
    assert {c.cert_id for c in rig.choices()} == {"01", outcome.journal.new_key_id}
    # the RSA self-test (sign and decrypt) still passes with the old key for that bid
    test = rig.tokens.self_test(key.serial, "01").result(30)
    assert test.ok and test.decrypt_ok
    new_test = rig.tokens.self_test(key.serial, outcome.journal.new_key_id).result(30)
    assert new_test.ok and new_test.decrypt_ok


def test_no_bids_renews_at_once_and_same_subject(make_rig):
    rig = make_rig()
    key = rig.unlock()
    outcome = rig.flow().run(key)
    cert = x509.load_der_x509_certificate(outcome.new_certificate.der)
    assert cert.subject == rig.cert.subject
    assert cert.issuer == rig.cert.issuer
    assert ORG in outcome.new_certificate.subject_cn
    assert outcome.retained is not None and outcome.retained.bid_ids == ()
    assert datetime.now(UTC) < outcome.new_certificate.not_after


def test_sm2_is_refused_before_anything_is_written(make_rig):
    from dataclasses import replace

    from hy_client.token.renewal import key_spec_for

    rig = make_rig()
    key = rig.key()
    sm2 = replace(key.certificate, key_algorithm="SM2")
    with pytest.raises(HyError) as refused:
        key_spec_for(sm2)
    assert refused.value.info is errors.RENEWAL_KEYGEN_UNSUPPORTED
    assert "SM2" in refused.value.detail


def test_readiness_uses_the_kept_old_key_for_a_bid_without_its_certificate(make_rig):
    rig = make_rig()
    late = rig.add_bid("LATE-UNKNOWN", timedelta(days=45), cert_sha256="")
    key = rig.unlock()
    outcome = rig.flow().run(key)
    assert outcome.journal.kept_for_bids == (late,)
    report = readiness.check(rig.client, rig.tokens)
    row = next(r for r in report.rows if r.bid_id == late)
    assert (row.token_serial, row.cert_id) == (key.serial, "01")
    assert row.cert_sha256 == key.certificate.sha256


def test_each_journal_step_names_what_finished_and_where_a_resume_goes_on():
    from hy_client.renewal_flow import FINISHED, STAGES, resume_stage
    from hy_client.renewal_journal import STEP_ORDER

    assert set(FINISHED) == set(STEP_ORDER)
    assert FINISHED["started"] == "guard"  # only the guard: the new key is not made yet
    assert resume_stage("started") == "keygen"
    finished = [STAGES.index(FINISHED[s]) for s in STEP_ORDER]
    assert finished == sorted(finished) and len(set(finished)) == len(finished)
    for step in STEP_ORDER[:-1]:
        assert STAGES.index(resume_stage(step)) == STAGES.index(FINISHED[step]) + 1
    assert resume_stage("activated") == "activate"  # asked again; the platform is idempotent
