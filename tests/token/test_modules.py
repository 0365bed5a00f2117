"""Module discovery order and the reasons a module does not load."""

from __future__ import annotations

import ctypes.util
import shutil
import struct
import subprocess

import pytest

from hy_client import config, errors
from hy_client.token import modules
from hy_client.token.modules import diagnose_module_file, discover_modules


def test_order_explicit_env_config_then_system(monkeypatch, tmp_path, softhsm_module):
    a, b = tmp_path / "a.so", tmp_path / "b.so"
    monkeypatch.setenv("HY_PKCS11_MODULE", str(a))
    found = discover_modules(config.Settings(pkcs11_modules=(str(b), softhsm_module)))
    assert [(c.path, c.source) for c in found[:3]] == [
        (str(a), "explicit"), (str(b), "config"), (softhsm_module, "config")]
    # the same library through p11-kit or the usual paths is not listed twice
    import os
    real = [os.path.realpath(c.path) for c in found if os.path.exists(c.path)]
    assert len(real) == len(set(real))
    # explicit --module: only that one
    only = discover_modules(config.Settings(pkcs11_modules=(str(b),)), [softhsm_module])
    assert [c.path for c in only] == [softhsm_module]


def test_windows_refuses_relative_paths():
    found = discover_modules(config.Settings(pkcs11_modules=("vendor.dll",
                                                             r"C:\Vendor\p11.dll")),
                             plat="win32", include_system=False)
    assert found[0].error is errors.MODULE_PATH_NOT_ABSOLUTE
    assert found[1].error is None


def test_p11kit_registry(tmp_path):
    (tmp_path / "a.module").write_text("# c\nmodule: /opt/x/libvendor.so\n", "utf-8")
    (tmp_path / "b.module").write_text("module: opensc-pkcs11.so\n", "utf-8")
    (tmp_path / "t.module").write_text("module: p11-kit-trust.so\n", "utf-8")
    found = modules.p11kit_modules([str(tmp_path)])
    assert found[0] == "/opt/x/libvendor.so"
    assert found[1].endswith("/pkcs11/opensc-pkcs11.so") and len(found) == 2


def test_diagnose_missing_and_not_a_library(tmp_path, softhsm_module):
    assert diagnose_module_file(str(tmp_path / "nope.so")) is errors.MODULE_NOT_FOUND
    text = tmp_path / "readme.so"
    text.write_text("hello", "utf-8")
    assert diagnose_module_file(str(text)) is errors.MODULE_NOT_PKCS11
    assert diagnose_module_file(softhsm_module) is None


def _load_exception(path: str) -> BaseException:
    """What python-pkcs11 itself raises for this file (the token thread's loader)."""
    import pkcs11

    try:
        pkcs11.lib(path)
    except Exception as exc:
        return exc
    raise AssertionError(f"{path} loaded")


def test_diagnose_shared_library_without_pkcs11_entry():
    libz = ctypes.util.find_library("z")
    path = next((p for p in (f"/lib/x86_64-linux-gnu/{libz}", f"/usr/lib/x86_64-linux-gnu/{libz}")
                 if libz and __import__("os").path.exists(p)), None)
    if path is None:
        pytest.skip("no libz to load")
    assert diagnose_module_file(path) is None  # a fine library file: only a load tells
    assert modules.load_error(path, _load_exception(path))[0] is errors.MODULE_NOT_PKCS11


def _elf_header(elf_class: int, machine: int) -> bytes:
    head = b"\x7fELF" + bytes([elf_class, 1, 1]) + b"\0" * 9
    return head + struct.pack("<HH", 3, machine) + b"\0" * 100


def test_diagnose_wrong_architecture(tmp_path):
    other = (3 if modules.process_arch() == "x86_64" else 62)
    path = tmp_path / "lib32.so"
    path.write_bytes(_elf_header(1, other))
    assert diagnose_module_file(str(path)) is errors.MODULE_WRONG_ARCH


def test_pe_header_architecture():
    pe = bytearray(b"MZ" + b"\0" * 200)
    pe[60:64] = struct.pack("<I", 128)
    pe[128:134] = b"PE\0\0" + struct.pack("<H", 0x14C)
    assert modules.binary_arch(bytes(pe)) == ("pe", "x86")


@pytest.mark.skipif(shutil.which("cc") is None, reason="no C compiler")
def test_diagnose_missing_dependency(tmp_path):
    (tmp_path / "dep.c").write_text("int dep(void){return 1;}\n")
    (tmp_path / "mod.c").write_text(
        "int dep(void);\nint C_GetFunctionList(void **p){*p=0;return dep();}\n")
    subprocess.run(["cc", "-shared", "-fPIC", "-o", tmp_path / "libhydep.so",
                    tmp_path / "dep.c"], check=True)
    subprocess.run(["cc", "-shared", "-fPIC", "-o", tmp_path / "mod.so", tmp_path / "mod.c",
                    f"-L{tmp_path}", "-lhydep"], check=True)
    (tmp_path / "libhydep.so").unlink()
    path = str(tmp_path / "mod.so")
    assert modules.diagnose_module_file_detail(path) == (None, "")  # the file alone is fine
    info, detail = modules.load_error(path, _load_exception(path))
    assert info is errors.MODULE_MISSING_DEPENDENCY and "libhydep.so" in detail


def test_catalogue_modules_tolerates_absence():
    assert isinstance(modules.catalogue_modules(), list)
