"""One account per unit or person; a certificate activates only into the account its subject
names — and the client says why in plain Chinese."""

from __future__ import annotations

from hy_client import errors
from hy_client.api.answers import ApiError
from hy_client.sandbox.demo import BIDDER_USCC, PERSON
from tests.sandbox.helpers import Api, activate, code_of, make_credential, sandbox_ca
from tests.sandbox.test_accounts_records import new_user, unit_registration


def test_a_second_account_for_a_registered_unit_or_person_is_refused(shared_sandbox):
    api = Api(shared_sandbox.api)
    for body in (unit_registration(new_user(), uscc=BIDDER_USCC),
                 unit_registration(new_user(), uscc=BIDDER_USCC.lower()),
                 {"kind": "person", "username": new_user(), "password": "Passw0rd1",
                  "data": {**PERSON.data, "mobile": "13907349999"}}):
        r = api.call("POST", "/accounts/register", json=body)
        assert (r.status_code, code_of(r)) == (409, "A201"), body
    fresh = api.call("POST", "/accounts/register", json=unit_registration(new_user()))
    assert fresh.status_code == 201, fresh.text


def test_a_certificate_activates_only_into_its_holders_account(shared_sandbox):
    sb = shared_sandbox
    ca = sandbox_ca(sb)
    bidder, agency = Api(sb.api).login_demo("bidder"), Api(sb.api).login_demo("agency")
    own = make_credential(ca, uscc=BIDDER_USCC)
    r = activate(agency, sb.origin, own, "agency")  # the bidder's certificate, another account
    assert (r.status_code, code_of(r)) == (403, "A200")
    assert activate(bidder, sb.origin, own).status_code == 201
    nameless = make_credential(ca)  # no code in the subject: cannot be told apart, accepted
    assert activate(agency, sb.origin, nameless, "agency").status_code == 201


def test_the_refusals_read_as_plain_chinese():
    for info in (errors.CERT_IDENTITY_MISMATCH, errors.IDENTITY_ALREADY_REGISTERED):
        said = str(ApiError(info))
        assert info.code in said and "统一社会信用代码" in info.zh and info.advice_zh
        assert info.en.isascii() and info.advice_en.isascii()
