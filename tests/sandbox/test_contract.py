"""The committed contract (docs/api/openapi.json) is what the server serves, and the server keeps
it: schemathesis sends schema-generated requests (a bounded number) and checks every answer."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from hy_client.sandbox.contract import openapi_document
from tests.sandbox.helpers import Api

CONTRACT = Path(__file__).resolve().parents[2] / "docs" / "api" / "openapi.json"
schema = schemathesis.openapi.from_path(CONTRACT).exclude(
    path_regex=r"/auth/(logout|password)$")  # would end the fuzzing session itself


def test_committed_contract_is_current():
    committed = json.loads(CONTRACT.read_text("utf-8"))
    assert committed == openapi_document(), (
        "docs/api/openapi.json is stale: run `hy-client sandbox openapi --out "
        "docs/api/openapi.json`")


def test_served_document_is_the_contract(shared_sandbox):
    served = requests.get(f"{shared_sandbox.url}/openapi.json", timeout=10).json()
    assert served == json.loads(CONTRACT.read_text("utf-8"))


@pytest.fixture(scope="module")
def bearer(shared_sandbox):
    return {"Authorization": f"Bearer {Api(shared_sandbox.api).login_demo('bidder').token}"}


@schema.parametrize()
@settings(max_examples=4, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_api_conforms(case, shared_sandbox, bearer):
    # Registration and record data follow the form specs, which are stricter than the schema's
    # dict[str, str]: a schema-valid body is often (rightly) refused with F101.
    case.call_and_validate(base_url=shared_sandbox.url, headers=bearer,
                           excluded_checks=[positive_data_acceptance])
