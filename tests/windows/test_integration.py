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
    """Records the three kernel32 calls in order; it exists because the Windows loader does not
    exist here. ``refuse`` makes one call fail as an old Windows 7 without KB2533623 would."""

    def __init__(self, refuse: str = "") -> None:
        self.calls: list[tuple[str, object]] = []
        self.refuse = refuse

    def SetDefaultDllDirectories(self, flags: int) -> int:
        self.calls.append(("SetDefaultDllDirectories", flags))
        return 0 if self.refuse == "SetDefaultDllDirectories" else 1

    def AddDllDirectory(self, path: str) -> int:
        self.calls.append(("AddDllDirectory", path))
        return 0 if self.refuse == "AddDllDirectory" else 0xC00C1E

    def RemoveDllDirectory(self, cookie: object) -> int:
        self.calls.append(("RemoveDllDirectory", cookie))
        return 1


VENDOR_DLL = r"C:\Program Files\Vendor CA\x64\vendor_p11.dll"


def test_vendor_folder_is_added_only_for_the_load():
    k32 = RecordingKernel32()

    def loader(path: str) -> str:
        k32.calls.append(("load", path))
        return "handle"

    assert winsupport.load_library_safely(VENDOR_DLL, loader, plat="win32", kernel32=k32) \
        == "handle"
    assert k32.calls == [
        ("SetDefaultDllDirectories", winsupport.LOAD_LIBRARY_SEARCH_DEFAULT_DIRS),
        ("AddDllDirectory", r"C:\Program Files\Vendor CA\x64"),
        ("load", VENDOR_DLL),
        ("RemoveDllDirectory", 0xC00C1E),
    ]


def test_the_cookie_is_removed_when_the_load_fails():
    k32 = RecordingKernel32()

    def loader(path: str) -> None:
        raise OSError("[WinError 126] The specified module could not be found")

    with pytest.raises(OSError):
        winsupport.load_library_safely(VENDOR_DLL, loader, plat="win32", kernel32=k32)
    assert k32.calls[-1] == ("RemoveDllDirectory", 0xC00C1E)


@pytest.mark.parametrize("refused", ["SetDefaultDllDirectories", "AddDllDirectory"])
def test_no_unsafe_fallback_when_windows_refuses(refused):
    k32 = RecordingKernel32(refuse=refused)
    loaded: list[str] = []
    with pytest.raises(errors.HyError) as caught:
        winsupport.load_library_safely(VENDOR_DLL, loaded.append, plat="win32", kernel32=k32)
    assert caught.value.info is errors.MODULE_LOAD_FAILED and refused in caught.value.detail
    assert loaded == []


@pytest.mark.parametrize("path", ["vendor_p11.dll", r"x64\vendor_p11.dll", r"\vendor_p11.dll",
                                  "C:vendor_p11.dll"])
def test_windows_refuses_paths_that_are_not_absolute(path):
    k32 = RecordingKernel32()
    with pytest.raises(errors.HyError) as caught:
        winsupport.load_library_safely(path, lambda p: p, plat="win32", kernel32=k32)
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
