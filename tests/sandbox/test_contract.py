"""The committed contract (docs/api/openapi.json) is what the server serves, and the server keeps
it: schemathesis sends schema-generated requests, valid and invalid, to every operation and
checks every answer — never a 5xx.

The suite sends a few thousand requests (``FUZZ_EXAMPLES`` per operation and generation mode);
``HY_FUZZ_EXAMPLES=300`` sends over 10,000 (about 11,700) for a manual run. The tally is printed
at the end of the module (``-s``) and written to ``HY_FUZZ_REPORT`` when set.
"""

from __future__ import annotations

import collections
import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance

from hy_client.sandbox.contract import openapi_document
from tests.sandbox.helpers import Api

CONTRACT = Path(__file__).resolve().parents[2] / "docs" / "api" / "openapi.json"
FUZZ_EXAMPLES = int(os.environ.get("HY_FUZZ_EXAMPLES", "50"))
schema = schemathesis.openapi.from_path(CONTRACT).exclude(
    path_regex=r"/auth/(logout|password)$")  # would end the fuzzing session itself
schema.config.generation.update(modes=list(GenerationMode))


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


@pytest.fixture(scope="module")
def tally() -> Iterator[collections.Counter[str]]:
    """Requests per status class over the whole fuzz run."""
    counts: collections.Counter[str] = collections.Counter()
    yield counts
    line = (f"fuzz: {sum(counts.values())} requests, {counts['5xx']} server errors, "
            f"{dict(sorted(counts.items()))}")
    print("\n" + line)
    if report := os.environ.get("HY_FUZZ_REPORT"):
        Path(report).write_text(line + "\n", "utf-8")


@schema.parametrize()
@settings(max_examples=FUZZ_EXAMPLES, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_api_conforms(case, shared_sandbox, bearer, tally):
    # Registration and record data follow the form specs, which are stricter than the schema's
    # dict[str, str]: a schema-valid body is often (rightly) refused with F101. Likewise an
    # "invalid" case is sometimes one the server may accept (e.g. an unknown extra header), so
    # only the server-error and conformance checks apply to both.
    response = case.call(base_url=shared_sandbox.url, headers=bearer)
    tally[f"{response.status_code // 100}xx"] += 1
    if response.status_code == 400 and response.text == "Invalid HTTP request received.":
        tally["refused by the HTTP server"] += 1  # a malformed header: the app never saw it
        return
    case.validate_response(response, excluded_checks=[positive_data_acceptance,
                                                      negative_data_rejection])
