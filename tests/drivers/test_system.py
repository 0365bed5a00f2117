"""Reading the machine: sysfs USB ids, the p11-kit registry, token-to-driver matching."""

from __future__ import annotations

from datetime import UTC, datetime

from hy_client.drivers.catalogue import Catalogue, DriverEntry, TokenHints, Vendor
from hy_client.drivers.detect import (
    TokenSeen,
    entries_for_token,
    entries_for_usb,
    is_older,
    suitable,
)
from hy_client.drivers.system import UsbDevice, p11kit_modules, usb_devices


def test_usb_devices_from_sysfs_tree(tmp_path):
    dev = tmp_path / "1-2"
    dev.mkdir()
    (dev / "idVendor").write_text("096E\n")
    (dev / "idProduct").write_text("0703\n")
    (dev / "manufacturer").write_text("Feitian\n")
    (tmp_path / "1-2:1.0").mkdir()  # an interface: no ids
    assert usb_devices(tmp_path) == [UsbDevice("096e:0703", "Feitian", "")]
    assert usb_devices(tmp_path / "missing") == []


def test_p11kit_registry(tmp_path):
    etc, share = tmp_path / "etc", tmp_path / "share"
    etc.mkdir()
    share.mkdir()
    (share / "a.module").write_text("# comment\nmodule: /opt/a/liba.so\n")
    (share / "b.module").write_text("module: /opt/b/libb.so\n")
    (etc / "b.module").write_text("module: /opt/b2/libb.so\n")  # /etc overrides by name
    assert p11kit_modules((etc, share)) == [("b", "/opt/b2/libb.so"), ("a", "/opt/a/liba.so")]


def _entry(**kw: object) -> DriverEntry:
    base: dict = {"id": "x", "vendor": Vendor("某", "X"), "token_hints": TokenHints(),
                  "os": ("linux",), "arch": ("x86_64",), "modules": {}, "version": "1.2"}
    return DriverEntry(**{**base, **kw})


def test_matching_tokens_and_usb_ids():
    a = _entry(id="a", token_hints=TokenHints(usb=("096e:0703",), manufacturer=("Acme Ltd",)))
    b = _entry(id="b", token_hints=TokenHints(model=("ePass3003",)), os=("windows",))
    cat = Catalogue(1, datetime(2030, 1, 1, tzinfo=UTC), (a, b))
    padded = TokenSeen("L", "  acme   ltd ", "other", "1")
    assert entries_for_token(cat, padded) == [a]
    assert entries_for_token(cat, TokenSeen("L", "?", "EPASS3003", "2")) == [b]
    assert entries_for_usb(cat, UsbDevice("096e:0703")) == [a]
    assert suitable(a, "linux", "x86_64") and not suitable(b, "linux", "x86_64")
    assert is_older("2.5.0", "2.6.1") and not is_older("2.6.1", "2.6.1")
    assert not is_older("", "1.0")
