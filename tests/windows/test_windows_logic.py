"""The Windows code paths' logic, run here: error mapping from recorded Windows exception shapes,
the elevation call with a recorded shell, archive installs for Windows, registry logic against a
recorded registry (a real Windows 10 zh-CN machine's keys, in data/), the locale and release
checks, the logs. The real calls are the ``windows``-marked tests at the end."""

from __future__ import annotations

import ctypes
import logging
import os
import struct
import sys
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from hy_client import autostart, errors, logs, net, webportal, winsupport
from hy_client.diagnostics.model import Context
from hy_client.diagnostics.system import is_chinese_locale, windows_release
from hy_client.drivers import detect, install
from hy_client.drivers.catalogue import Catalogue, DriverEntry, TokenHints, Vendor
from hy_client.drivers.system import vendor_programs, windows_uninstall_entries
from hy_client.registry import REG_BINARY, MemoryRegistry
from hy_client.token.modules import diagnose_module_file, load_error

RECORDED = Path(__file__).parent / "data" / "registry-win10-zh.json"


@pytest.fixture
def reg() -> MemoryRegistry:
    return MemoryRegistry.load(RECORDED)


def _pe(machine: int = 0x8664) -> bytes:
    image = bytearray(b"MZ" + b"\0" * 254)
    image[60:64] = struct.pack("<I", 128)
    image[128:134] = b"PE\0\0" + struct.pack("<H", machine)
    return bytes(image)


# --- item 2: load errors from every shape Windows and PyInstaller produce ---------------------

class PyInstallerImportError(OSError):
    """The shape of PyInstaller's frozen ctypes wrapper: only the name, the real error as cause."""


def _win_error(code: int, text: str) -> OSError:
    exc = OSError(22, text)
    exc.winerror = code  # type: ignore[attr-defined]  # what CPython sets on Windows
    return exc


def test_error_126_from_ctypes_is_a_missing_dependency_with_the_full_path(tmp_path):
    dll = tmp_path / "vendor_p11.dll"
    dll.write_bytes(_pe())
    # CPython 3.8+ on Windows: FileNotFoundError, winerror None, for ERROR_MOD_NOT_FOUND.
    exc = FileNotFoundError(f"Could not find module '{dll}' (or one of its dependencies). "
                            "Try using the full path with constructor syntax.")
    info, detail = load_error(str(dll), exc)
    assert info is errors.MODULE_MISSING_DEPENDENCY
    assert detail == f"WinError 126: {dll}"
    assert "Visual C++" in info.advice_zh


def test_frozen_wrapper_is_unwrapped_to_the_real_error(tmp_path):
    dll = str(tmp_path / "vendor_p11.dll")
    Path(dll).write_bytes(_pe())
    cause = FileNotFoundError(f"Could not find module '{dll}' (or one of its dependencies).")
    try:
        try:
            raise cause
        except OSError as base:
            raise PyInstallerImportError(f"Failed to load dynlib/dll '{dll}'. Most likely this "
                                         "dynlib/dll was not found when the application was "
                                         "frozen.") from base
    except OSError as wrapped:
        info, detail = load_error(dll, wrapped)
    assert info is errors.MODULE_MISSING_DEPENDENCY and dll in detail


@pytest.mark.parametrize(("code", "text", "info"), [
    (127, "The specified procedure could not be found", errors.MODULE_ENTRY_POINT_MISSING),
    (1114, "A dynamic link library (DLL) initialization routine failed",
     errors.MODULE_INIT_FAILED),
    (193, "%1 is not a valid Win32 application", errors.MODULE_WRONG_ARCH)])
def test_other_windows_load_errors(tmp_path, code, text, info):
    dll = str(tmp_path / "C_drive" / "vendor.dll")
    assert load_error(dll, _win_error(code, text)) == (info, f"WinError {code}: {dll}")
    # the same error as text only (python-pkcs11 formats the OS message)
    as_text = RuntimeError(f"OS exception while loading {dll}: [WinError {code}] {text}")
    assert load_error(dll, as_text)[0] is info


def test_the_static_check_never_loads_the_file(tmp_path):
    """A file that would crash any loader still gets a verdict from its header alone, so the
    check is safe on a worker thread; loading is the token thread's job."""
    dll = tmp_path / "vendor_p11.so"
    dll.write_bytes(b"\x7fELF" + bytes([2, 1, 1]) + bytes(9) + struct.pack("<HH", 3, 62)
                    + bytes(64))  # a 64-bit x86 shared-object header and nothing else
    assert diagnose_module_file(str(dll)) is None  # CDLL would fail on this file


# --- items 5, 6: elevation with a recorded shell ----------------------------------------------

class RecordedShell:
    """The shell32/kernel32 answers of one recorded run."""

    def __init__(self, *, execute: bool = True, error: int = 0, process: int = 0x1F4,
                 wait: int = 0, exit_code: int = 0) -> None:
        self.execute, self.error, self.process = execute, error, process
        self.wait, self.exit_code = wait, exit_code
        self.calls: list[str] = []
        self.info: install.ShellExecuteInfo | None = None

    def ShellExecuteExW(self, info: object) -> int:
        self.calls.append("ShellExecuteExW")
        self.info = ctypes.cast(info, ctypes.POINTER(install.ShellExecuteInfo)).contents
        if self.execute:
            self.info.hProcess = self.process or None
        return int(self.execute)

    def WaitForSingleObject(self, handle: object, ms: int) -> int:
        self.calls.append("WaitForSingleObject")
        return self.wait

    def GetExitCodeProcess(self, handle: object, code: object) -> int:
        self.calls.append("GetExitCodeProcess")
        ctypes.cast(code, ctypes.POINTER(ctypes.c_ulong)).contents.value = self.exit_code
        return 1

    def CloseHandle(self, handle: object) -> int:
        self.calls.append("CloseHandle")
        return 1

    def last_error(self) -> int:
        return self.error


def test_elevation_request_fields():
    info = install.elevation_request(Path("C:/dl/vendor setup.msi"))
    assert (info.lpVerb, info.lpFile) == ("runas", "msiexec.exe")
    assert info.lpParameters == '/i "C:/dl/vendor setup.msi"'
    assert info.fMask & install.SEE_MASK_NOCLOSEPROCESS
    assert info.cbSize == ctypes.sizeof(install.ShellExecuteInfo)


def test_uac_declined_is_needs_admin():
    shell = RecordedShell(execute=False, error=1223)
    with pytest.raises(errors.HyError) as caught:
        install.run_elevated(Path("C:/dl/setup.exe"), shell)
    assert caught.value.info is errors.INSTALL_NEEDS_ADMIN and "1223" in caught.value.detail


def test_exit_code_and_handle_closed():
    shell = RecordedShell(exit_code=3010)
    assert install.run_elevated(Path("C:/dl/setup.exe"), shell) == 3010
    assert shell.calls == ["ShellExecuteExW", "WaitForSingleObject", "GetExitCodeProcess",
                           "CloseHandle"]


def test_no_process_handle_is_unknown_not_success():
    shell = RecordedShell(process=0)
    assert install.run_elevated(Path("C:/dl/setup.exe"), shell) is None
    assert shell.calls == ["ShellExecuteExW"]


def test_failed_wait_is_an_error_and_the_handle_still_closed():
    shell = RecordedShell(wait=0xFFFFFFFF, error=6)
    with pytest.raises(errors.HyError) as caught:
        install.run_elevated(Path("C:/dl/setup.exe"), shell)
    assert caught.value.info is errors.INSTALL_FAILED and shell.calls[-1] == "CloseHandle"


def _entry(module: str, **kw: object) -> DriverEntry:
    return DriverEntry(id="vendor-w", vendor=Vendor("某CA", "Some CA"), token_hints=TokenHints(),
                       os=("windows",), arch=("x86_64",), modules={"windows": (module,)},
                       version="2.0", **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize("exit_code", [0, None])
def test_installer_success_needs_a_module_file(tmp_path, exit_code):
    entry = _entry(str(tmp_path / "Vendor" / "vendor_p11.dll"))
    shell = RecordedShell(exit_code=0, process=0x1F4 if exit_code == 0 else 0)
    with pytest.raises(errors.HyError) as caught:
        install.install_windows(entry, tmp_path / "setup.exe", api=shell)
    assert caught.value.info is errors.INSTALL_NO_MODULE
    (tmp_path / "Vendor").mkdir()
    (tmp_path / "Vendor" / "vendor_p11.dll").write_bytes(_pe())
    result = install.install_windows(entry, tmp_path / "setup.exe", api=shell,
                                     static_check=diagnose_module_file)
    assert result.modules == (str(tmp_path / "Vendor" / "vendor_p11.dll"),)


# --- item 7: archives on Windows, a loaded DLL during an update -------------------------------

def _zip(path: Path, payload: bytes) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("x64/vendor_p11.dll", payload)
    return path


def test_archive_install_for_windows(tmp_path):
    entry = _entry("x64/vendor_p11.dll")
    result = install.install_archive(entry, _zip(tmp_path / "d.zip", _pe()), root=tmp_path / "r",
                                     static_check=diagnose_module_file, register=False,
                                     os_name="windows")
    assert result.modules == (str(tmp_path / "r" / "vendor-w" / "x64" / "vendor_p11.dll"),)


def test_updating_a_loaded_driver_is_refused_cleanly(tmp_path, monkeypatch):
    entry = _entry("x64/vendor_p11.dll")
    root = tmp_path / "r"
    install.install_archive(entry, _zip(tmp_path / "a.zip", _pe()), root=root, register=False,
                            os_name="windows")
    installed = root / "vendor-w" / "x64" / "vendor_p11.dll"
    before = installed.read_bytes()
    real_replace = Path.replace

    def replace(self: Path, target: Path) -> Path:  # Windows refuses to move a loaded DLL
        if self == root / "vendor-w":
            raise PermissionError(13, "The process cannot access the file because it is being "
                                      "used by another process", str(self), 32)
        return real_replace(self, target)

    monkeypatch.setattr(Path, "replace", replace)
    with pytest.raises(errors.HyError) as caught:
        install.install_archive(entry, _zip(tmp_path / "b.zip", _pe() + b"new"), root=root,
                                register=False, os_name="windows")
    assert caught.value.info is errors.DRIVER_IN_USE and "退出本程序" in caught.value.info.advice_zh
    assert installed.read_bytes() == before  # the old driver is untouched
    assert sorted(p.name for p in root.iterdir()) == ["vendor-w"]  # no .unpack-*/.replaced-*


# --- item 9: locale and release ---------------------------------------------------------------

@pytest.mark.parametrize(("shape", "chinese"), [
    (("Chinese (Simplified)_China", "936"), True), (("Chinese (Traditional)_Taiwan", "950"), True),
    (("zh_CN", "UTF-8"), True), (("English_United States", "1252"), False),
    ((None, None), False), (("English_United Kingdom", "65001"), False)])
def test_locale_shapes(shape, chinese):
    assert is_chinese_locale(*shape) is chinese


def test_windows_11_from_the_build_number():
    assert windows_release("10", "10.0.22631") == "11"
    assert windows_release("10", "10.0.19045") == "10"
    assert windows_release("11", "10.0.26100") == "11"


# --- item 10: autostart, uninstall lookup, logs, taskbar identity -----------------------------

def test_autostart_honours_task_manager(reg):
    # Recorded: our Run value exists, but Task Manager switched it off (03 …).
    assert reg.get("HKCU", autostart.RUN_KEY, "hy-client") is not None
    assert autostart.startup_approved(reg) is False and not autostart.is_enabled(reg)
    autostart.enable(["C:/hy/hy-client-gui.exe", "--tray"], reg)
    assert autostart.startup_approved(reg) is True and autostart.is_enabled(reg)
    value = reg.get("HKCU", autostart.APPROVED_KEY, "hy-client")
    assert value == (autostart.APPROVED_ON, REG_BINARY)
    autostart.disable(reg)
    assert not autostart.is_enabled(reg)


def test_uninstall_entries_from_both_views_once(reg):
    programs = windows_uninstall_entries(reg)
    names = [p.name for p in programs]
    assert names.count("华大CA驱动 (x64)") == 1  # seen in both views, listed once
    assert "GMCert 证书助手" in names and "微信" in names and "" not in names
    assert [p.version for p in vendor_programs(programs, "华大", "")] == ["3.2.1"]
    assert vendor_programs(programs, "", "") == []  # an empty vendor matches nothing
    assert [p.name for p in vendor_programs(programs, "", "some ca")] == ["GMCert 证书助手"]


def test_detect_reads_the_uninstall_registry_once(tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(detect, "windows_uninstall_entries",
                        lambda: calls.append(1) or [])
    paths = []
    for name in ("a.so", "b.so", "c.so"):
        (tmp_path / name).write_bytes(b"x")
        paths.append(str(tmp_path / name))
    entries = tuple(DriverEntry(id=f"d{i}", vendor=Vendor("", ""), token_hints=TokenHints(),
                                os=("windows",), arch=(), modules={"windows": (p,)},
                                version="1")
                    for i, p in enumerate(paths))
    catalogue = Catalogue(1, datetime.now(UTC) + timedelta(days=1), entries, "bundled")
    modules = detect.installed_modules(catalogue, (), tmp_path / "root", os_name="windows")
    assert len(modules) == 3 and calls == [1]


def test_gui_and_cli_write_separate_logs(monkeypatch):
    assert logs.log_path("gui") != logs.log_path("cli")
    assert Path(logs.log_path("gui")).name == "hy-client-gui.log"


def test_a_refused_rollover_keeps_logging(tmp_path):
    handler = logs.RotatingLog(str(tmp_path / "hy-client.log"), maxBytes=200, backupCount=2,
                               encoding="utf-8")
    attempts = []

    def refuse(source: str, dest: str) -> None:  # WinError 32: open in another process
        attempts.append(dest)
        raise PermissionError(13, "being used by another process", source, 32)

    handler.rotate = refuse  # type: ignore[method-assign]
    logger = logging.getLogger("rollover-test")
    logger.propagate, logger.level = False, logging.INFO
    logger.addHandler(handler)
    try:
        for i in range(50):
            logger.info("第 %d 行 %s", i, "x" * 40)
    finally:
        logger.removeHandler(handler)
        handler.close()
    text = (tmp_path / "hy-client.log").read_text("utf-8")
    assert "第 0 行" in text and "第 49 行" in text  # nothing lost
    assert len(attempts) == 1  # retried only after the pause, not on every record


def test_taskbar_identity_is_set_with_the_app_id():
    class Shell32:
        def __init__(self) -> None:
            self.ids: list[str] = []

        def SetCurrentProcessExplicitAppUserModelID(self, app_id: str) -> int:
            self.ids.append(app_id)
            return 0

    shell = Shell32()
    assert winsupport.set_app_user_model_id(plat="win32", shell32=shell) is True
    assert shell.ids == [winsupport.APP_USER_MODEL_ID]
    assert winsupport.set_app_user_model_id(plat="linux") is False


def test_system_proxy_settings_from_the_registry(reg):
    got = net.system_proxy_settings(reg)
    assert got == {"proxy_enabled": True, "proxy_server": "10.1.2.3:8080",
                   "pac_url": "http://wpad.example.local/proxy.pac",
                   "proxy_override": "<local>"}


# --- build item 4: the web portal's browser settings -----------------------------------------

HOST = "ggzy.hengyang.gov.cn"


def test_zone_key_of_a_gov_cn_host():
    assert webportal.zone_key(HOST) == ("hengyang.gov.cn", "ggzy")
    assert webportal.zone_key("www.example.com") == ("example.com", "www")
    assert webportal.zone_key("127.0.0.1") is None and webportal.zone_key("localhost") is None


def test_check_set_and_undo(reg):
    before = {k: dict(v) for k, v in reg.keys.items()}
    states = {s.setting.id: s for s in webportal.check(HOST, reg)}
    assert not states["zonemap.https"].ok and states["zone2.1200"].ok  # recorded: 1200 = 0
    assert not states["zone2.1201"].ok and states["zone2.1201"].current == 3

    result = webportal.apply(HOST, reg)
    assert "zone2.1200" not in result.changed and "zonemap.http" in result.changed
    assert all(s.ok for s in webportal.check(HOST, reg))
    domain = webportal.DOMAINS + r"\hengyang.gov.cn\ggzy"
    assert reg.get("HKCU", domain, "https") == (2, 4)
    assert webportal.site_list_path().read_text("utf-8").count(HOST) == 1
    assert {w[1] for w in reg.writes} == {"HKCU"}  # current user only

    webportal.apply(HOST, reg)  # a second run changes nothing and keeps the first record
    restored = webportal.undo(reg)
    assert set(restored) == set(result.changed)
    after = {k: v for k, v in reg.keys.items() if v}
    assert after == {k: v for k, v in before.items() if v}  # exactly as recorded
    assert not webportal.can_undo() and not webportal.site_list_path().exists()


def test_edge_policy_refused_is_reported_and_the_rest_applied(reg):
    reg.deny.add(webportal.EDGE_POLICY.casefold())
    result = webportal.apply(HOST, reg)
    assert set(result.denied) == {"edge.ie_mode", "edge.site_list"}
    assert "zonemap.https" in result.changed


def test_finding_repair_and_undo_through_diagnostics(reg):
    from hy_client import config, repair
    from hy_client.diagnostics.local import probe_web_portal

    settings = config.Settings(platform="hengyang")
    ctx = Context(settings, registry=reg, plat="win32")
    (finding,) = probe_web_portal(ctx)
    assert finding.data["missing"] and finding.severity == "info"
    from hy_client.diagnostics.model import Report
    report = Report((finding,), datetime.now(UTC), "t", ("local",))
    (fix,) = [r for r in repair.plan_repairs(report) if r.action == "web_portal"]
    result = repair.apply(fix, registry=reg)
    assert result.ok and result.changed
    (again,) = probe_web_portal(ctx)
    assert again.severity == "ok" and again.data["can_undo"] is True
    webportal.undo(reg)
    (undone,) = probe_web_portal(ctx)
    assert undone.data["missing"] == finding.data["missing"]


def test_not_applicable_off_windows(reg, capsys):
    from hy_client import config
    from hy_client.cli import main
    from hy_client.diagnostics.local import probe_web_portal

    (finding,) = probe_web_portal(Context(config.Settings(), registry=reg, plat="linux"))
    assert finding.data == {"applicable": False} and "不适用" in finding.title_zh
    if sys.platform != "win32":
        assert main(["webportal", "check"]) == 0
        assert "不适用" in capsys.readouterr().out


# --- the real calls (Windows only) ------------------------------------------------------------

@pytest.mark.windows
def test_real_safe_load_of_a_system_dll():
    path = os.path.join(os.environ.get("SYSTEMROOT", r"C:\Windows"), "System32", "version.dll")
    lib = winsupport.load_library_safely(path)
    assert hasattr(lib, "GetFileVersionInfoSizeW")


@pytest.mark.windows
def test_real_missing_dependency_maps_to_m104(tmp_path):
    """A copy of a system DLL that imports a DLL which is not there: built by renaming the
    import in a copy is not possible portably, so the checklist covers the vendor case; here a
    DLL that does not exist in a folder that does gives ERROR_MOD_NOT_FOUND for the file."""
    with pytest.raises(errors.HyError) as caught:
        winsupport.load_library_safely(str(tmp_path / "absent.dll"))
    assert caught.value.info in (errors.MODULE_NOT_FOUND, errors.MODULE_MISSING_DEPENDENCY)


@pytest.mark.windows
def test_real_registry_round_trip():
    from hy_client.registry import REG_DWORD, WinRegistry

    reg = WinRegistry()
    key = r"Software\hy-client-test"
    reg.set("HKCU", key, "probe", 7, REG_DWORD)
    assert reg.get("HKCU", key, "probe") == (7, REG_DWORD)
    reg.delete("HKCU", key, "probe")
    assert reg.get("HKCU", key, "probe") is None
    assert windows_uninstall_entries(reg)  # every Windows has some uninstall entries


@pytest.mark.windows
def test_real_taskbar_identity_and_locale():
    import locale

    assert winsupport.set_app_user_model_id() is True
    lang, encoding = locale.getlocale()
    buffer = ctypes.create_unicode_buffer(85)
    ctypes.windll.kernel32.GetUserDefaultLocaleName(buffer, 85)  # type: ignore[attr-defined]
    assert is_chinese_locale(lang, encoding) is buffer.value.lower().startswith("zh")


def test_a_pac_script_is_named_in_diagnostics(reg):
    from hy_client import config
    from hy_client.diagnostics.platform import probe_proxy

    settings = config.Settings(platform="hengyang")
    (finding,) = probe_proxy(Context(settings, registry=reg, plat="win32"))
    assert finding.severity == "warning" and "PAC" in finding.title_zh
    assert "wpad.example.local/proxy.pac" in finding.detail_zh
    assert finding.data["windows"]["proxy_server"] == "10.1.2.3:8080"


def test_an_edge_policy_set_for_the_machine_counts(reg):
    reg._key("HKLM", None, webportal.EDGE_POLICY, create=True)[
        "InternetExplorerIntegrationLevel"] = (1, 4)
    states = {s.setting.id: s for s in webportal.check(HOST, reg)}
    assert states["edge.ie_mode"].ok and not states["edge.site_list"].ok
    assert "edge.ie_mode" not in webportal.apply(HOST, reg).changed


def test_the_report_carries_both_programs_logs():
    from hy_client import config
    from hy_client.diagnostics import read_log_tail

    config.log_dir().mkdir(parents=True, exist_ok=True)
    Path(logs.log_path("gui")).write_text("gui: 驱动加载失败\n", "utf-8")
    Path(logs.log_path("cli")).write_text("cli: doctor\n", "utf-8")
    tail = read_log_tail()
    assert "===== hy-client-gui.log =====\ngui: 驱动加载失败" in tail
    assert "===== hy-client.log =====\ncli: doctor" in tail
