"""Sign-in flows end to end: the real sandbox process, real SoftHSM tokens, the real keyring API."""

from __future__ import annotations

import pytest

from hy_client import errors
from hy_client.api.client import ApiError
from hy_client.credentials import SESSION_TOKEN, USERNAME, service_name
from hy_client.signin import SignIn, choose_key
from tests.softhsm_fixtures import VALID_USCC

from .conftest import logged_in_signin, make_client, register_account


def test_health_of_the_sandbox(client):
    health = client.health()
    assert health.status == "ok"
    assert abs(client.clock_skew.total_seconds()) < 5


def test_password_login_keyring_whoami_logout(client, memory_keyring):
    username, password = register_account(client)
    signin = SignIn(client)
    result = signin.password_login(username, password)
    assert result.remembered and result.account.username == username
    # The keyring holds exactly the username and the session token, under this platform.
    service = service_name(client.origin)
    assert memory_keyring.items == {(service, USERNAME): username,
                                    (service, SESSION_TOKEN): result.session.token}
    # A new process (a new client) is logged in through the keyring.
    other = SignIn(make_client(client.platform.url))
    assert other.whoami().username == username
    other.logout()
    assert (service, SESSION_TOKEN) not in memory_keyring.items
    assert memory_keyring.items == {(service, USERNAME): username}
    with pytest.raises(errors.HyError) as excinfo:
        SignIn(make_client(client.platform.url)).whoami()
    assert excinfo.value.info is errors.NOT_LOGGED_IN
    # The old token is dead on the platform too.
    client.token = result.session.token
    with pytest.raises(ApiError) as excinfo:
        client.me()
    assert excinfo.value.info is errors.SESSION_EXPIRED


def test_wrong_password(client):
    username, _ = register_account(client)
    with pytest.raises(ApiError) as excinfo:
        SignIn(client).password_login(username, "Wrong2024x")
    assert excinfo.value.info is errors.BAD_CREDENTIALS


def test_keyring_that_cannot_store_is_reported(client, monkeypatch):
    import keyring
    from keyring.backends import null

    from hy_client import config

    config.update(session_file_fallback=False)
    keyring.set_keyring(null.Keyring())
    username, password = register_account(client)
    result = SignIn(client).password_login(username, password)
    assert not result.remembered
    assert result.warning is not None and result.warning.info is errors.KEYRING_UNAVAILABLE
    assert client.me().username == username  # the session still works for this run


def test_no_keyring_falls_back_to_the_session_file_with_a_warning(client):
    import keyring
    from keyring.backends import fail

    keyring.set_keyring(fail.Keyring())
    username, password = register_account(client)
    result = SignIn(client).password_login(username, password)
    assert result.remembered
    assert result.warning is not None and result.warning.info is errors.SESSION_IN_FILE
    later = SignIn(make_client(client.platform.url))
    assert later.whoami().username == username
    later.logout()
    assert not later.credentials.file_path.exists()


# --- CA login and activation -------------------------------------------------------------------
@pytest.fixture(scope="module")
def ca_owner(platform, tokens, provisioned):
    """An account with the EC (02) and RSA (01) certificates of hy-py activated."""
    import keyring

    from tests.conftest import MemoryKeyring

    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    client = make_client(platform.url)
    signin = logged_in_signin(client, code=VALID_USCC)  # the unit hy-py's 01 names
    py = provisioned.tokens["hy-py"]
    candidates = signin.candidates(tokens)
    signin.unlock(tokens, choose_key(candidates, token="hy-py", cert_id="02"), py.pin)
    for cert_id in ("02", "01"):
        key = choose_key(candidates, token="hy-py", cert_id=cert_id)
        activation = signin.activate(tokens, key, "bidder")
        assert activation.cert_sha256 == key.certificate.sha256
    account = signin.whoami()
    keyring.set_keyring(previous)
    return account


@pytest.mark.parametrize("cert_id", ["02", "01"])
def test_ca_login(client, tokens, provisioned, ca_owner, cert_id, memory_keyring):
    signin = SignIn(client)
    key = choose_key(signin.candidates(tokens), token="hy-py", cert_id=cert_id)
    result = signin.ca_login(tokens, key, provisioned.tokens["hy-py"].pin)
    assert result.account.username == ca_owner.username
    assert memory_keyring.items[(service_name(client.origin), SESSION_TOKEN)] == \
        result.session.token


def test_ca_login_refusals(client, tokens, provisioned, ca_owner):
    signin = SignIn(client)
    candidates = signin.candidates(tokens)
    pin = provisioned.tokens["hy-py"].pin
    signin.unlock(tokens, choose_key(candidates, token="hy-py", cert_id="02"), pin)
    for cert_id, info in (("06", errors.CERT_NOT_ACTIVATED), ("03", errors.CERT_EXPIRED),
                          ("04", errors.CERT_NOT_YET_VALID)):
        with pytest.raises(ApiError) as excinfo:
            signin.ca_login(tokens, choose_key(candidates, token="hy-py", cert_id=cert_id))
        assert excinfo.value.info is info, cert_id


def test_candidates_exclude_unusable_keys(client, tokens):
    ids = {(c.token_label, c.cert_id) for c in SignIn(client).candidates(tokens)}
    assert ("hy-py", "09") not in ids  # garbage certificate
    assert ("hy-py", "05") not in ids  # key without certificate
    assert {("hy-py", "01"), ("hy-py", "02"), ("hy-tool", "0a"), ("hy-tool", "0b")} <= ids
    with pytest.raises(errors.HyError) as excinfo:
        choose_key(SignIn(client).candidates(tokens))
    assert excinfo.value.info is errors.SEVERAL_TOKENS


def test_wrong_pin_then_right_pin(client, tokens, provisioned):
    signin = SignIn(client)
    tool = provisioned.tokens["hy-tool"]
    key = choose_key(signin.candidates(tokens), token="hy-tool", cert_id="0b")
    with pytest.raises(errors.HyError) as excinfo:
        signin.unlock(tokens, key, "000000")
    assert excinfo.value.info in (errors.PIN_INCORRECT, errors.PIN_FINAL_TRY)
    assert "000000" not in str(excinfo.value)
    signin.unlock(tokens, key, tool.pin)


def test_activation_of_a_certificate_bound_elsewhere(client, tokens, provisioned, ca_owner):
    signin = logged_in_signin(client)
    key = choose_key(signin.candidates(tokens), token="hy-py", cert_id="02")
    signin.unlock(tokens, key, provisioned.tokens["hy-py"].pin)
    with pytest.raises(ApiError) as excinfo:
        signin.activate(tokens, key, "bidder")
    assert excinfo.value.info is errors.CERT_ALREADY_BOUND


def test_a_note_that_could_not_be_written_names_no_other_account(client, memory_keyring):
    """Two companies log in one after the other on one PC; the second login's note of whose
    session it is cannot be written (a directory where its temporary file goes): the first
    company's note is not believed for the second company's session."""
    import json

    from hy_client import config
    from hy_client.owner import origin_key
    from hy_client.signin import SESSION_ACCOUNTS_FILE

    first = SignIn(client).password_login(*register_account(client)).account
    assert SignIn(make_client(client.platform.url)).known_account() == first
    note = config.data_dir() / SESSION_ACCOUNTS_FILE
    assert list(json.loads(note.read_text("utf-8"))) == [origin_key(client.origin)]
    (note.parent / f"{note.name}.tmp").mkdir()  # every write of the note fails now
    second = SignIn(client).password_login(*register_account(client)).account
    assert second.id != first.id
    assert SignIn(client).known_account() == second  # this run's session
    assert SignIn(make_client(client.platform.url)).known_account() == second  # the next run's
