"""The runner's promises: probes never take the report down, progress per probe, cancel."""

from __future__ import annotations

import threading

from hy_client import config, diagnostics
from hy_client.diagnostics import _run_probe
from hy_client.diagnostics.model import Context, Finding, Probe, Report


def test_a_probe_that_raises_becomes_a_g101_finding():
    def broken(ctx: Context) -> list[Finding]:
        raise ZeroDivisionError

    found = _run_probe(Probe("local.broken", "local", "坏的检查", broken),
                       Context(config.Settings()))
    assert [(f.id, f.severity, f.code) for f in found] == [("local.broken", "error", "G101")]
    assert "ZeroDivisionError" in found[0].detail_zh


def test_progress_reports_each_probe_in_order_with_its_findings():
    seen = []
    report = diagnostics.run_diagnostics(sections=["system", "local"], progress=seen.append)
    probes = [p.id for p in diagnostics.PROBES if p.section in ("system", "local")]
    assert [d.probe for d in seen] == probes
    assert [d.index for d in seen] == list(range(1, len(probes) + 1))
    assert all(d.total == len(probes) for d in seen)
    assert [f for d in seen for f in d.findings] == list(report.findings)
    assert report.sections == ("system", "local")


def test_cancel_stops_between_probes():
    cancel = threading.Event()
    seen = []

    def progress(done):
        seen.append(done)
        cancel.set()

    report = diagnostics.run_diagnostics(sections=["system", "local"], progress=progress,
                                         cancel=cancel)
    assert len(seen) == 1 and report.cancelled
    assert {f.section for f in report.findings} == {"system"}


def test_exit_code_follows_the_worst_severity():
    def report(*severities):
        return Report(tuple(Finding(f"x.{i}", "local", s, "t") for i, s in enumerate(severities)),
                      None, "0", ("local",))  # type: ignore[arg-type]

    assert report("ok", "info", "warning").exit_code == 0
    assert report("ok", "error").exit_code == 1
    assert report().worst == "ok"


def test_system_section_names_versions_and_bitness():
    report = diagnostics.run_diagnostics(sections=["system"])
    info = next(f for f in report.findings if f.id == "system.info")
    assert info.data["process_bits"] in (32, 64)
    assert info.data["python_pkcs11"] and info.data["cryptography"]
    assert "python-pkcs11" in info.detail_zh


def test_unreadable_config_is_an_error_finding_and_the_run_goes_on():
    config.config_path().write_text("platform = [broken", "utf-8")
    report = diagnostics.run_diagnostics(sections=["local", "system"])
    cfg = next(f for f in report.findings if f.id == "local.config")
    assert (cfg.severity, cfg.code) == ("error", "C101")
    assert any(f.section == "system" for f in report.findings)


def test_refused_keyring_is_a_warning_without_the_session_file(memory_keyring):
    import keyring
    from keyring.backends import fail

    config.update(session_file_fallback=False)
    keyring.set_keyring(fail.Keyring())
    report = diagnostics.run_diagnostics(sections=["local"])
    ring = next(f for f in report.findings if f.id == "local.keyring")
    assert (ring.severity, ring.code) == ("warning", "C102")
    assert "keyring" not in ring.detail_zh and ring.data["backend"].endswith("fail.Keyring")


def test_no_keyring_says_the_session_file_is_used(memory_keyring):
    import keyring
    from keyring.backends import fail

    keyring.set_keyring(fail.Keyring())
    report = diagnostics.run_diagnostics(sections=["local"])
    ring = next(f for f in report.findings if f.id == "local.keyring")
    assert (ring.severity, ring.code) == ("info", "C220")
    assert "仅本用户可读" in ring.detail_zh and "Keyring" not in ring.detail_zh


def test_usable_keyring_says_whether_a_session_is_saved_never_what(memory_keyring):
    from hy_client.credentials import CredentialStore

    CredentialStore(config.Settings().active_platform.origin).save_session_token("s-123456789")
    report = diagnostics.run_diagnostics(sections=["local"])
    ring = next(f for f in report.findings if f.id == "local.keyring")
    assert ring.severity == "ok" and ring.data["session_saved"] is True
    assert "s-123456789" not in repr(report)
