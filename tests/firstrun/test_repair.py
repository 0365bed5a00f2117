"""Each repairable finding produced for real, repaired, and the probe run again."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives import serialization

from hy_client import cli, config, diagnostics, repair
from hy_client.credentials import CredentialStore
from hy_client.drivers import install as inst
from hy_client.drivers.catalogue import sign_catalogue, trusted_keys
from hy_client.drivers.store import CatalogueStore, catalogue_url_for
from hy_client.errors import SUPPORT_PHONE
from hy_client.sandbox.driver_repo import KEY_FILE, TEST_DRIVER_ID
from hy_client.token.modules import diagnose_module_file
from tests.sandbox_fixtures import free_port


def one(report, fid):
    matches = [f for f in report.findings if f.id == fid]
    assert len(matches) == 1, [f.id for f in report.findings]
    return matches[0]


def only(plan, action):
    matches = [r for r in plan if r.action == action]
    assert len(matches) == 1, [(r.finding_id, r.action) for r in plan]
    return matches[0]


def test_corrupt_config_is_reset_to_defaults_with_a_backup():
    broken = b'platform = "test"\npkcs11_modules = [\n'
    config.config_path().write_bytes(broken)
    report = diagnostics.run_diagnostics(sections=["local"])
    assert one(report, "local.config").code == "C101"

    fix = only(repair.plan_repairs(report), "reset_config")
    result = repair.apply(fix)

    assert result.ok and result.changed
    backup = config.config_path().parent / result.backup.rsplit("/", 1)[-1]
    assert backup.name.startswith("config.toml.bak-") and backup.read_bytes() == broken
    assert config.load() == config.Settings()
    again = diagnostics.run_diagnostics(sections=["local"])
    assert one(again, "local.config").severity == "ok"
    assert repair.apply(fix).changed is False  # a second click changes nothing


def test_reset_goes_first_and_never_overwrites_an_earlier_backup():
    path = config.config_path()
    path.write_text("[broken")
    moment = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)
    first = repair.backup_path(path, moment)
    first.write_text("older backup")
    assert repair.backup_path(path, moment) != first
    report = diagnostics.run_diagnostics(sections=["local", "platform"], timeout=1)
    plan = repair.plan_repairs(report)
    assert plan[0].action == "reset_config"


@pytest.mark.parametrize("fault", ["deleted", "not a library"])
def test_configured_module_that_is_gone_or_does_not_load_is_removed(
        tmp_path, softhsm_env, softhsm_module, fault):
    vendor = tmp_path / "vendor" / "libvendor-p11.so"
    vendor.parent.mkdir()
    shutil.copy(softhsm_module, vendor)
    config.update(pkcs11_modules=(str(vendor), softhsm_module))
    if fault == "deleted":
        vendor.unlink()
    else:
        vendor.write_text("uninstalled by the vendor's uninstaller\n")
    report = diagnostics.run_diagnostics(sections=["modules"])
    bad = [f for f in report.findings if f.data.get("path") == str(vendor)]
    assert [f.code for f in bad] == ["M101" if fault == "deleted" else "M102"]
    assert bad[0].severity == "error"

    fix = only(repair.plan_repairs(report), "remove_module")
    result = repair.apply(fix)
    assert result.ok and result.changed and result.restart_tokens
    assert config.load().pkcs11_modules == (softhsm_module,)  # the good one stays
    again = diagnostics.run_diagnostics(sections=["modules"])
    assert not [f for f in again.findings if f.data.get("path") == str(vendor)]
    assert not repair.still_present(fix, again)


def test_driver_on_disk_but_not_configured_is_registered(platform, http, provisioned):
    store = CatalogueStore(inst.catalogue_dir(), trusted_keys(config.load().catalogue_keys))
    entry = store.refresh(http, catalogue_url_for(platform.server.url)).get(TEST_DRIVER_ID)
    installed = inst.install(entry, http, static_check=diagnose_module_file)
    module = installed.modules[0]
    config.update(pkcs11_modules=())  # the settings were lost; the unpacked driver was not
    report = diagnostics.run_diagnostics(sections=["modules"])
    finding = one(report, f"modules.unregistered.{TEST_DRIVER_ID}")
    assert finding.severity == "warning" and finding.data["path"] == module

    fix = only(repair.plan_repairs(report), "register_module")
    result = repair.apply(fix)
    assert result.ok and result.restart_tokens
    assert config.load().pkcs11_modules == (module,)
    again = diagnostics.run_diagnostics(sections=["modules"])
    assert not [f for f in again.findings if f.id.startswith("modules.unregistered.")]
    loaded = [f for f in again.findings
              if f.id.startswith("modules.module.") and f.data.get("path") == module]
    assert loaded[0].severity == "ok" and loaded[0].data["tokens"] >= 1  # the key now shows


def test_stale_session_the_platform_refuses_is_dropped(platform):
    with platform.client() as client:
        token = client.login("demo_bidder", "Bidder2024").token
        store = CredentialStore(platform.profile.origin)
        store.save_session_token(token)
        fresh = diagnostics.run_diagnostics(sections=["platform"])
        assert one(fresh, "platform.session").severity == "ok"
        assert not [r for r in repair.plan_repairs(fresh) if r.action == "drop_session"]
        client.logout()  # the platform ends the session; the keyring still holds it

    report = diagnostics.run_diagnostics(sections=["platform"])
    stale = one(report, "platform.session")
    assert (stale.severity, stale.code) == ("warning", "A103")
    assert token not in json.dumps([f.to_json() for f in report.findings], ensure_ascii=False)

    result = repair.apply(only(repair.plan_repairs(report), "drop_session"))
    assert result.ok and result.changed
    assert store.session_token() is None
    again = diagnostics.run_diagnostics(sections=["platform"])
    assert not [f for f in again.findings if f.id == "platform.session"]


def test_expired_driver_catalogue_is_refreshed(platform):
    repo = platform.server.data_dir / "driver-repo"
    served = json.loads((repo / "catalogue.json").read_bytes())
    key = serialization.load_pem_private_key(
        (platform.server.data_dir / KEY_FILE).read_bytes(), None)
    frozen = {**served, "expires": (datetime.now(UTC) - timedelta(days=3)).strftime(
        "%Y-%m-%dT%H:%M:%SZ")}
    body, signature = sign_catalogue(frozen, key)  # type: ignore[arg-type]
    store = CatalogueStore(inst.catalogue_dir(), trusted_keys((platform.catalogue_key,)))
    store.root.mkdir(parents=True, exist_ok=True)  # cached while current, expired since
    (store.root / "catalogue.json").write_bytes(body)
    (store.root / "catalogue.json.sig").write_bytes(signature)
    report = diagnostics.run_diagnostics(sections=["modules"])
    assert one(report, "modules.catalogue_expired").code == "D103"

    result = repair.apply(only(repair.plan_repairs(report), "refresh_catalogue"))
    assert result.ok, result.message_zh
    again = diagnostics.run_diagnostics(sections=["modules"])
    assert not [f for f in again.findings if f.id == "modules.catalogue_expired"]


def test_refresh_that_cannot_reach_the_platform_fails_with_a_code_not_an_exception():
    url = f"http://127.0.0.1:{free_port()}"
    config.save(config.Settings(platform="test", platforms={
        "test": config.PlatformProfile("test", url)}))
    fix = repair.Repair("modules.catalogue_expired", "refresh_catalogue", "驱动目录已过期",
                        "从交易平台更新驱动目录", "info", "D103")
    result = repair.apply(fix)
    assert not result.ok and result.code == "D107"
    assert "网络" in result.message_zh and SUPPORT_PHONE in result.message_zh


def test_findings_it_cannot_fix_carry_the_advice_and_the_support_phone():
    url = f"http://127.0.0.1:{free_port()}"  # nothing listens: the platform is unreachable
    config.save(config.Settings(platform="test", platforms={
        "test": config.PlatformProfile("test", url)}))
    report = diagnostics.run_diagnostics(sections=["platform"], timeout=1)
    plan = repair.plan_repairs(report)
    advice = [r for r in plan if r.finding_id == "platform.tcp"]
    assert advice and not advice[0].automatic
    assert "网络" in advice[0].what_zh and SUPPORT_PHONE in advice[0].what_zh
    assert all(SUPPORT_PHONE in r.what_zh for r in plan if not r.automatic)
    assert not repair.apply(advice[0]).ok


def test_cli_dry_run_changes_nothing_and_the_real_run_clears_the_finding(capsys):
    path = config.config_path()
    path.write_text("http_timeout = 'soon'\n")
    assert cli.main(["repair", "--dry-run", "--json", "--section", "local"]) == 1
    planned = json.loads(capsys.readouterr().out)
    assert [r["action"] for r in planned["plan"]] == ["reset_config"]
    assert planned["results"] == [] and path.read_text() == "http_timeout = 'soon'\n"

    assert cli.main(["repair", "--json", "--section", "local"]) == 0
    done = json.loads(capsys.readouterr().out)
    (result,) = done["results"]
    assert result["ok"] and result["cleared"] and done["fixed_all"]
    assert config.load() == config.Settings()

    assert cli.main(["repair", "--section", "local"]) == 0
    assert "未发现需要修复的问题" in capsys.readouterr().out
