"""Profile, qualification and personnel flows over drafts and the real sandbox process."""

from __future__ import annotations

import hashlib
import os

import pytest

from hy_client import errors
from hy_client.api import models
from hy_client.api.client import ApiError, PlatformClient
from hy_client.api.upload import CancelToken
from hy_client.drafts import DraftStore
from hy_client.records import RecordFlows, form_key
from hy_client.sandbox.demo import id_number

from .conftest import logged_in_signin, make_client

QUALIFICATION = {"qual_type": "building_general", "grade": "grade2", "cert_no": "D243040001",
                 "issuer": "湖南省住房和城乡建设厅", "issued_on": "2022-03-01",
                 "expires_on": "2027-03-01"}
PERSON = {"name": "王建军", "id_number": id_number("43040219800101123"),
          "title": "engineer", "cert_kind": "constructor2", "cert_no": "湘243070801234",
          "expires_on": "2028-06-30", "mobile": "13907340009"}


@pytest.fixture
def flows(client, tmp_path):
    signin = logged_in_signin(client)
    drafts = DraftStore(tmp_path / "drafts.sqlite3")
    yield RecordFlows.for_account(client, drafts, signin.whoami())
    drafts.close()


def pdf(tmp_path, size: int = 300_000, name: str = "营业执照.pdf"):
    path = tmp_path / name
    path.write_bytes(b"%PDF-1.4\n" + os.urandom(size))
    return path


def test_profile_edit_save_submit(flows):
    state = flows.open("profile")
    assert state.spec_name == "profile_unit" and not state.has_draft
    data = {**state.data, "unit_type": "enterprise", "founded_on": "2010-05-01",
            "address": "湖南省衡阳市蒸湘区", "business_scope": "房屋建筑工程施工"}
    flows.edit("profile", state.spec_name, {**data, "address": "湖南省"})
    flows.edit("profile", state.spec_name, data)  # autosave on every change
    assert flows.drafts.load("profile").data["address"] == "湖南省衡阳市蒸湘区"
    saved = flows.save_remote("profile")
    assert saved.status == "draft" and saved.data["address"] == "湖南省衡阳市蒸湘区"
    done = flows.submit("profile")
    assert done.status == "approved"  # a bidder's profile is approved at once
    assert flows.drafts.load("profile") is None


def test_submit_refuses_invalid_data_locally(flows):
    key = form_key("qualification")
    flows.edit(key, "qualification", {**QUALIFICATION, "expires_on": "2020-01-01"})
    with pytest.raises(errors.ValidationError) as excinfo:
        flows.submit(key)
    assert "expires_on" in [e.field for e in excinfo.value.errors]
    assert flows.drafts.load(key) is not None
    assert flows.list_records("qualification") == []


def test_qualification_with_attachment(flows, tmp_path):
    key = form_key("qualification")
    flows.edit(key, "qualification", QUALIFICATION)
    seen = []
    file = pdf(tmp_path)
    record = flows.attach(key, str(file), progress=lambda s, t: seen.append((s, t)))
    assert seen[-1] == (file.stat().st_size, file.stat().st_size)
    assert [a.filename for a in record.attachments] == ["营业执照.pdf"]
    assert record.attachments[0].sha256 == hashlib.sha256(file.read_bytes()).hexdigest()
    done = flows.submit(key)
    assert done.status == "submitted" and len(done.attachments) == 1
    assert [r.id for r in flows.list_records("qualification")] == [done.id]


def test_personnel_flow(flows, tmp_path):
    key = form_key("personnel")
    flows.edit(key, "personnel", PERSON)
    created = flows.save_remote(key)
    assert created.status == "draft"
    with pytest.raises(errors.ValidationError) as missing:  # no 电子件: refused here
        flows.submit(key)
    assert [e.field for e in missing.value.errors] == ["attachments"]
    with pytest.raises(ApiError) as refused:  # and by the platform, asked directly
        flows.client.submit_record("personnel", created.id, "direct-submit")
    assert refused.value.info is errors.VALIDATION_FAILED
    flows.attach(key, str(pdf(tmp_path, name="证书.pdf")))
    assert flows.submit(key).status == "submitted"
    with pytest.raises(ApiError) as excinfo:  # submitted: frozen until reviewed
        flows.client.update_record("personnel", created.id, models.RecordWrite(data=PERSON))
    assert excinfo.value.info is errors.CONFLICT


def test_upload_checks_before_sending(flows, tmp_path):
    exe = tmp_path / "scan.pdf"
    exe.write_bytes(b"MZ\x90\x00" + b"\x00" * 100)
    with pytest.raises(errors.HyError) as excinfo:
        flows.client.upload_attachment(str(exe))
    assert excinfo.value.info is errors.ATTACHMENT_TYPE
    empty = tmp_path / "empty.png"
    empty.write_bytes(b"")
    with pytest.raises(errors.HyError) as excinfo:
        flows.client.upload_attachment(str(empty))
    assert excinfo.value.info is errors.ATTACHMENT_EMPTY
    big = tmp_path / "big.pdf"
    with big.open("wb") as fh:
        fh.write(b"%PDF-1.4\n")
        fh.truncate(20 * 1024 * 1024 + 1)
    with pytest.raises(errors.HyError) as excinfo:
        flows.client.upload_attachment(str(big))
    assert excinfo.value.info is errors.ATTACHMENT_TOO_LARGE


def test_upload_cancel(flows, tmp_path):
    cancel = CancelToken()

    def progress(sent, total):
        if sent > 100_000:
            cancel.cancel()

    with pytest.raises(errors.UserCancelled):
        flows.client.upload_attachment(str(pdf(tmp_path, 2_000_000)), progress=progress,
                                       cancel=cancel)
    # The connection is usable afterwards.
    assert flows.client.me()


# --- the platform goes away mid-submit -----------------------------------------------------------
def test_server_stopped_before_submit_then_retry_makes_one_record(flows, platform, tmp_path):
    key = form_key("qualification")
    flows.edit(key, "qualification", QUALIFICATION)
    flows.save_remote(key)
    flows.attach(key, str(pdf(tmp_path)))
    platform.stop()
    try:
        with pytest.raises(ApiError) as excinfo:
            flows.submit(key)
        assert excinfo.value.info is errors.NETWORK_UNREACHABLE
        assert flows.drafts.load(key).data == QUALIFICATION  # nothing lost
    finally:
        platform.start()
    done = flows.submit(key)
    assert done.status == "submitted"
    assert [r.id for r in flows.list_records("qualification")] == [done.id]


class AnswerLost(PlatformClient):
    """The real client, except that the answer to chosen writes never arrives (the platform
    did the work; the connection dropped on the way back) — a fault loopback cannot produce."""

    lose: set[str]

    def _send(self, method, path, **kwargs):
        resp = super()._send(method, path, **kwargs)
        if (method, path.split("/")[-1]) in self.lose or (method, path) in self.lose:
            self.lose.discard((method, path.split("/")[-1]))
            self.lose.discard((method, path))
            resp.close()
            raise ApiError(errors.NETWORK_TIMEOUT, "answer lost")
        return resp


@pytest.mark.parametrize("lost", [("POST", "/qualifications"), ("POST", "submit")])
def test_answer_lost_then_retry_after_restart_makes_one_record(platform, tmp_path, lost):
    client = make_client(platform.url)
    account = logged_in_signin(client).whoami()
    faulty = AnswerLost(client.platform, timeout=10)
    faulty.token = client.token
    faulty.lose = {lost}
    with DraftStore(tmp_path / "d.sqlite3") as drafts:
        flows = RecordFlows.for_account(faulty, drafts, account)
        key = form_key("qualification")
        flows.edit(key, "qualification", QUALIFICATION)
        if lost[1] == "submit":
            flows.attach(key, str(pdf(tmp_path)))
        with pytest.raises(ApiError):
            flows.submit(key) if lost[1] == "submit" else flows.save_remote(key)
    # A new process: new client, drafts reopened from disk; the same key finishes the job.
    with DraftStore(tmp_path / "d.sqlite3") as drafts:
        flows = RecordFlows.for_account(client, drafts, account)
        if lost[1] != "submit":
            flows.save_remote(key)  # the create answered again, not made twice
            flows.attach(key, str(pdf(tmp_path)))
        done = flows.submit(key)
        assert done.status == "submitted"
        assert [r.id for r in flows.list_records("qualification")] == [done.id]
        assert flows.drafts.load(key) is None


@pytest.mark.parametrize("then", ["save", "attach"])
def test_typing_while_a_new_record_is_created_is_kept(flows, monkeypatch, then, tmp_path):
    """The GUI autosaves from a worker while the first save or submit is on the wire."""
    key = form_key("personnel")
    flows.edit(key, "personnel", PERSON)
    newer = {**PERSON, "cert_no": "湘2430708NEWER"}
    create = flows.client.create_record

    def create_while_typing(*args, **kwargs):
        record = create(*args, **kwargs)
        flows.edit(key, "personnel", newer)
        return record

    monkeypatch.setattr(flows.client, "create_record", create_while_typing)
    sent = (flows.save_remote(key) if then == "save"
            else flows.attach(key, str(pdf(tmp_path))))  # the first write that creates it
    draft = flows.drafts.load(key)
    assert sent.data["cert_no"] == PERSON["cert_no"]
    assert draft is not None and draft.record_id == sent.id
    assert draft.data["cert_no"] == newer["cert_no"]  # unsent, and still there
