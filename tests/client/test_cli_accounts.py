"""Two accounts on one workstation, through the CLI: neither sees, restores or submits the
other's draft; a drafts file of the old unscoped format is quarantined and assigned on purpose."""

from __future__ import annotations

import json

from tests.core.test_drafts_accounts import COMPANY, old_drafts_file

from .conftest import make_client, register_account
from .test_cli import run  # noqa: F401  (the fixture: the CLI as separate processes)


def login(run, username: str, password: str) -> None:  # noqa: F811
    run("login", "--password", "--username", username, "--password-stdin",
        stdin=password + "\n")


def test_two_accounts_in_a_row_and_the_old_drafts_file(run, platform, tmp_path):  # noqa: F811
    data = tmp_path / "data"
    data.mkdir()
    old_drafts_file(data / "drafts.sqlite3")  # what an earlier release left behind
    client = make_client(platform.url)
    first, second = register_account(client), register_account(client)

    login(run, *first)
    run("profile", "edit", "--set", "address=甲公司的新地址")  # leaves a local draft
    shown = json.loads(run("profile", "show", "--json").stdout)
    assert shown["local_draft"] and shown["data"]["address"] == "甲公司的新地址"
    mine_first = shown["data"]["name"]
    assert mine_first != COMPANY["name"]  # the quarantined draft was not offered
    run("logout")

    login(run, *second)
    shown = json.loads(run("profile", "show", "--json").stdout)
    assert not shown["local_draft"] and shown["foreign_identity"] == []
    assert shown["data"]["name"] not in (mine_first, COMPANY["name"])
    assert shown["data"].get("address", "") != "甲公司的新地址"
    assert json.loads(run("qualifications", "list", "--json").stdout)["drafts"] == []

    # the quarantine: listed with company, form and time; assigned only on request
    listed = json.loads(run("drafts", "list", "--json").stdout)
    assert [(q["form"], q["company"]) for q in listed] == [
        ("qualification:7", ""), ("profile", f"{COMPANY['name']}（{COMPANY['uscc']}）")]
    profile = next(q for q in listed if q["form"] == "profile")
    run("drafts", "assign", str(profile["id"]))
    shown = json.loads(run("profile", "show", "--json").stdout)
    assert shown["local_draft"] and shown["foreign_identity"] == ["name", "uscc"]
    refused = run("profile", "submit", ok=False)  # asked first: never submitted silently
    assert refused.returncode == 1 and "F201" in refused.stderr
    assert json.loads(run("whoami", "--json").stdout)["account"]["username"] == second[0]
    record = json.loads(run("profile", "show", "--json").stdout)["record"]
    assert record["data"]["name"] != COMPANY["name"]  # the platform still has its own
    other = next(q for q in listed if q["form"] != "profile")
    run("drafts", "discard", str(other["id"]))
    assert json.loads(run("drafts", "list", "--json").stdout) == []
    odd = run("drafts", "discard", "\u00b2", ok=False)  # isdigit, yet no int: not a number
    assert odd.returncode == 1 and "G199" not in odd.stderr, odd.stderr
    run("logout")

    login(run, *first)  # back to the first: its draft is still there, the other's is not
    shown = json.loads(run("profile", "show", "--json").stdout)
    assert shown["local_draft"] and shown["data"]["address"] == "甲公司的新地址"
    assert shown["foreign_identity"] == []
