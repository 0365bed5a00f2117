"""Windows integration, with the parts that run here: the DLL search order around a module load,
the 32/64-bit report, the Credential Manager size limit and the autostart entry."""

from __future__ import annotations

import configparser
import shlex
import struct
import sys

import pytest

from hy_client import autostart, config, credentials, errors, winsupport
from hy_client.token import modules


class RecordingKernel32:
    """Records the kernel32 calls in order; it exists because the Windows loader does not exist
    here. ``fail_load`` is the GetLastError of a refused LoadLibraryExW; ``refuse`` makes
    AddDllDirectory fail as Windows 7 without KB2533623 would."""

    def __init__(self, fail_load: int = 0, refuse: str = "") -> None:
        self.calls: list[tuple[str, object]] = []
        self.fail_load = fail_load
        self.refuse = refuse
        self.error = 0

    def LoadLibraryExW(self, path: str, file: object, flags: int) -> int:
        self.calls.append(("LoadLibraryExW", (path, flags)))
        if self.fail_load:
            self.error = self.fail_load
            return 0
        return 0x7FF800000000

    def AddDllDirectory(self, path: str) -> int:
        self.calls.append(("AddDllDirectory", path))
        if self.refuse == "AddDllDirectory":
            self.error = 127
            return 0
        return 0xC00C1E

    def RemoveDllDirectory(self, cookie: object) -> int:
        self.calls.append(("RemoveDllDirectory", cookie))
        return 1

    def last_error(self) -> int:
        return self.error


VENDOR_DLL = r"C:\Program Files\Vendor CA\x64\vendor_p11.dll"


def test_module_is_preloaded_with_the_safe_flags_and_its_folder_kept():
    k32 = RecordingKernel32()
    loads = winsupport.vendor_loads(k32)

    def loader(path: str) -> str:
        k32.calls.append(("load", path))
        return "handle"

    assert winsupport.load_library_safely(VENDOR_DLL, loader, plat="win32", loads=loads) \
        == "handle"
    assert k32.calls == [
        ("AddDllDirectory", r"C:\Program Files\Vendor CA\x64"),
        ("LoadLibraryExW", (VENDOR_DLL, 0x100 | 0x1000)),  # DLL_LOAD_DIR | DEFAULT_DIRS
        ("load", VENDOR_DLL),
    ]
    # The folder stays added while the module is loaded: reinitialize() and delay loads at
    # C_Login/C_Sign come later. Nothing process-wide was changed.
    assert loads.folders() == [r"c:\program files\vendor ca\x64"]
    assert not any(name == "SetDefaultDllDirectories" for name, _ in k32.calls)
    # A second load of the same file (the raw entry points) preloads nothing again.
    winsupport.load_library_safely(VENDOR_DLL.upper(), loader, plat="win32", loads=loads)
    assert [c for c in k32.calls if c[0] == "LoadLibraryExW"] == [k32.calls[1]]


@pytest.mark.parametrize(("code", "info"), [
    (126, errors.MODULE_MISSING_DEPENDENCY), (127, errors.MODULE_ENTRY_POINT_MISSING),
    (1114, errors.MODULE_INIT_FAILED), (193, errors.MODULE_WRONG_ARCH)])
def test_a_refused_load_is_mapped_with_the_full_path_and_the_folder_removed(code, info):
    k32 = RecordingKernel32(fail_load=code)
    loaded: list[str] = []
    with pytest.raises(errors.HyError) as caught:
        winsupport.load_library_safely(VENDOR_DLL, loaded.append, plat="win32",
                                       loads=winsupport.vendor_loads(k32))
    assert caught.value.info is info
    assert caught.value.detail == f"WinError {code}: {VENDOR_DLL}"  # not cut at "C:"
    assert loaded == [] and k32.calls[-1] == ("RemoveDllDirectory", 0xC00C1E)


def test_no_unsafe_fallback_when_windows_refuses_add_dll_directory():
    k32 = RecordingKernel32(refuse="AddDllDirectory")
    loaded: list[str] = []
    with pytest.raises(errors.HyError) as caught:
        winsupport.load_library_safely(VENDOR_DLL, loaded.append, plat="win32",
                                       loads=winsupport.vendor_loads(k32))
    assert caught.value.info is errors.MODULE_LOAD_FAILED
    assert "AddDllDirectory" in caught.value.detail
    assert loaded == [] and not any(c[0] == "LoadLibraryExW" for c in k32.calls)


@pytest.mark.parametrize("path", ["vendor_p11.dll", r"x64\vendor_p11.dll", r"\vendor_p11.dll",
                                  "C:vendor_p11.dll"])
def test_windows_refuses_paths_that_are_not_absolute(path):
    k32 = RecordingKernel32()
    with pytest.raises(errors.HyError) as caught:
        winsupport.load_library_safely(path, lambda p: p, plat="win32",
                                       loads=winsupport.vendor_loads(k32))
    assert caught.value.info is errors.MODULE_PATH_NOT_ABSOLUTE
    assert k32.calls == []


def test_loads_a_real_module_by_absolute_path_here(softhsm_module):
    lib = winsupport.load_library_safely(softhsm_module)
    assert hasattr(lib, "C_GetFunctionList")
    with pytest.raises(errors.HyError) as caught:
        winsupport.load_library_safely("libsofthsm2.so")
    assert caught.value.info is errors.MODULE_PATH_NOT_ABSOLUTE


def _pe(machine: int) -> bytes:
    image = bytearray(b"MZ" + b"\0" * 254)
    image[60:64] = struct.pack("<I", 128)
    image[128:134] = b"PE\0\0" + struct.pack("<H", machine)
    return bytes(image)


@pytest.mark.skipif(modules.process_arch() != "x86_64", reason="needs a 64-bit x86 process")
def test_a_32_bit_vendor_dll_is_reported_by_name(tmp_path):
    dll = tmp_path / "vendor_p11.dll"
    dll.write_bytes(_pe(0x14C))
    info, detail = modules.diagnose_module_file_detail(str(dll))
    assert info is errors.MODULE_WRONG_ARCH
    assert detail == "module x86, program x86_64"
    assert modules.binary_arch(_pe(0xAA64)) == ("pe", "arm64")


# --- Windows Credential Manager: 2560 bytes per secret, stored as UTF-16 ----------------------

def test_credential_blob_limit_counts_utf16_bytes():
    assert credentials.blob_size("a" * 1280) == credentials.CRED_MAX_CREDENTIAL_BLOB_SIZE
    assert credentials.blob_size("衡") == 2 and credentials.blob_size("😀") == 4


def test_a_session_token_past_the_limit_is_refused_before_any_write(memory_keyring):
    store = credentials.CredentialStore("https://ggzy.hengyang.gov.cn")
    store.save_session_token("t" * 1280)  # exactly at the limit: kept
    assert store.session_token() == "t" * 1280
    with pytest.raises(errors.HyError) as caught:
        store.save_session_token("t" * 1281)
    assert caught.value.info is errors.CREDENTIAL_TOO_LARGE
    assert "t" * 100 not in str(caught.value)  # never the secret in the message
    assert store.session_token() == "t" * 1280  # the old one is untouched


# --- autostart: off by default; an XDG entry here ---------------------------------------------

@pytest.fixture
def xdg_home(tmp_path, monkeypatch):
    if sys.platform.startswith("win"):
        pytest.skip("the registry side runs only on Windows")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    return tmp_path / "xdg"


def test_autostart_is_off_by_default(xdg_home):
    assert config.load().autostart is False
    assert autostart.apply(config.load()) is False
    assert not autostart.is_enabled()


def test_autostart_writes_and_removes_the_xdg_entry(xdg_home):
    settings = config.update(autostart=True)
    assert autostart.apply(settings) is True
    path = xdg_home / "autostart" / "hy-client.desktop"
    assert autostart.is_enabled() and path.is_file()
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # type: ignore[assignment,method-assign]
    entry.read(path, encoding="utf-8")
    desktop = entry["Desktop Entry"]
    assert desktop["Type"] == "Application" and desktop["Terminal"] == "false"
    assert shlex.split(desktop["Exec"].replace("\\\\", "\\")) == autostart.launch_command()
    assert autostart.launch_command()[-1] == autostart.TRAY_ARG
    autostart.apply(config.update(autostart=False))
    assert not autostart.is_enabled() and not path.exists()
    autostart.disable()  # already off: no error


def test_autostart_quotes_paths_with_spaces_and_percent(xdg_home):
    command = ["/opt/hy client/hy-client-gui", "--tray", "100%"]
    autostart.enable(command)
    text = autostart.desktop_file().read_text("utf-8")
    exec_line = next(line for line in text.splitlines() if line.startswith("Exec="))
    assert exec_line == 'Exec="/opt/hy client/hy-client-gui" --tray 100%%'


def test_autostart_failure_is_a_catalogue_error(xdg_home):
    xdg_home.mkdir(parents=True)
    (xdg_home / "autostart").write_text("a file where the folder should be")
    with pytest.raises(errors.HyError) as caught:
        autostart.enable()
    assert caught.value.info is errors.AUTOSTART_FAILED
