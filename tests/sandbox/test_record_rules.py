"""The platform's own refusals for qualifications and personnel (the client runs the same
rules first): an expiry already past, and a submission without its 电子件."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.sandbox.helpers import Api, code_of
from tests.sandbox.test_accounts_records import PDF, QUAL

PERSON = {"name": "钱八", "id_number": "", "title": "engineer", "cert_kind": "constructor1",
          "cert_no": "湘143040000009", "expires_on": "2029-01-01", "mobile": "13907340012"}


def _yesterday() -> str:
    return f"{(datetime.now(UTC) + timedelta(hours=8) - timedelta(days=1)).date()}"


@pytest.mark.parametrize(("path", "data"), [("/qualifications", QUAL),
                                            ("/personnel", {**PERSON, "id_number": None})])
def test_expired_at_create_or_edit_is_refused(shared_sandbox, path, data):
    api = Api(shared_sandbox.api).login_demo("bidder")
    data = {k: v for k, v in data.items() if v is not None}
    r = api.call("POST", path, json={"data": {**data, "expires_on": _yesterday()}})
    assert code_of(r) == "F101"
    assert [f["field"] for f in r.json()["error"]["fields"]] == ["expires_on"]
    assert "已过期" in r.json()["error"]["fields"][0]["message"]
    made = api.call("POST", path, json={"data": data})
    assert made.status_code == 201, made.text
    edited = api.call("PUT", f"{path}/{made.json()['id']}",
                      json={"data": {**data, "expires_on": _yesterday()}})
    assert code_of(edited) == "F101"


def test_submit_without_its_electronic_document_is_refused(shared_sandbox):
    api = Api(shared_sandbox.api).login_demo("bidder")
    rid = api.call("POST", "/qualifications", json={"data": QUAL}).json()["id"]
    refused = api.call("POST", f"/qualifications/{rid}/submit")
    assert code_of(refused) == "F101"
    assert refused.json()["error"]["fields"][0]["field"] == "attachments"
    scan = api.call("POST", "/attachments", files={"file": ("资质.pdf", PDF)}).json()["id"]
    assert api.call("PUT", f"/qualifications/{rid}",
                    json={"data": QUAL, "attachments": [scan]}).status_code == 200
    done = api.call("POST", f"/qualifications/{rid}/submit")
    assert done.status_code == 200 and done.json()["status"] == "submitted"
