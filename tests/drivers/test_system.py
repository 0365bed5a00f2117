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
from hy_client.drivers.system import (
    UsbDevice,
    UsbInstanceId,
    p11kit_modules,
    parse_usb_instance_id,
    usb_devices,
    usb_devices_from_instances,
    windows_usb_devices,
)


def test_usb_devices_from_sysfs_tree(tmp_path):
    dev = tmp_path / "1-2"
    dev.mkdir()
    (dev / "idVendor").write_text("096E\n")
    (dev / "idProduct").write_text("0703\n")
    (dev / "manufacturer").write_text("Feitian\n")
    (tmp_path / "1-2:1.0").mkdir()  # an interface: no ids
    assert usb_devices(tmp_path) == [UsbDevice("096e:0703", "Feitian", "")]
    assert usb_devices(tmp_path / "missing") == []


def test_windows_instance_ids_as_setupapi_lists_them():
    assert parse_usb_instance_id("USB\\VID_096E&PID_0703\\5&2A3B1C4D&0&2") == \
        UsbInstanceId("096e:0703", False)
    assert parse_usb_instance_id("USB\\VID_0BDA&PID_8153\\000001000000") == \
        UsbInstanceId("0bda:8153", False)  # a device with its own serial number
    assert parse_usb_instance_id("USB\\VID_1A2C&PID_2124&MI_01\\7&2C2A8E46&0&0001") == \
        UsbInstanceId("1a2c:2124", True)  # one interface of a composite device
    assert parse_usb_instance_id("usb\\vid_096e&pid_0703\\5&2a3b1c4d&0&2") == \
        UsbInstanceId("096e:0703", False)
    assert parse_usb_instance_id(" USB\\VID_1209&PID_0001 ") == UsbInstanceId("1209:0001", False)
    assert parse_usb_instance_id("USB\\VID_1209&PID_0001&REV_0100") == \
        UsbInstanceId("1209:0001", False)  # the hardware-id shape
    for garbage in ("", "USB\\ROOT_HUB30\\4&1B2C3D4E&0&0", "HID\\VID_096E&PID_0703\\7&1&0&0000",
                    "USB\\VID_96E&PID_0703\\1", "USB\\VID_096E&PID_07G3\\1",
                    "USB\\VID_096E\\5&1&0&1", "USBVID_096E&PID_0703", "USB\\VID_096E&PID_07031\\1",
                    "xUSB\\VID_096E&PID_0703\\1", "\x00\ufffd"):
        assert parse_usb_instance_id(garbage) is None, garbage


def test_windows_rows_become_one_device_per_device_node():
    rows = [
        ("USB\\ROOT_HUB30\\4&1B2C3D4E&0&0", "(标准 USB 集线器)", "USB 根集线器(USB 3.0)"),
        ("USB\\VID_1A2C&PID_2124&MI_00\\7&2C2A8E46&0&0000", "(标准系统设备)", "USB 输入设备"),
        ("USB\\VID_1A2C&PID_2124\\6&1D3E&0&3", "(标准 USB 主控制器)", "USB Composite Device "),
        ("USB\\VID_1A2C&PID_2124&MI_01\\7&2C2A8E46&0&0001", "(标准系统设备)", "USB 输入设备"),
        ("USB\\VID_096E&PID_0703&MI_00\\7&9&0&0000", "Feitian", "ePass3003"),  # no parent
        ("USB\\VID_096E&PID_0703&MI_01\\7&9&0&0001", "Feitian", "ePass3003 (2)"),
        ("USB\\VID_1209&PID_0001\\SN0001", "", ""),
        ("USB\\VID_1209&PID_0001\\SN0002", "second", "same model"),
        ("garbage", "x", "y"),
    ]
    assert usb_devices_from_instances(rows) == [
        UsbDevice("1a2c:2124", "(标准 USB 主控制器)", "USB Composite Device"),
        UsbDevice("1209:0001", "", ""),
        UsbDevice("1209:0001", "second", "same model"),  # two keys of one model: both
        UsbDevice("096e:0703", "Feitian", "ePass3003"),
    ]
    assert usb_devices_from_instances([]) == []


def test_windows_device_list_is_empty_elsewhere():
    assert windows_usb_devices() == []


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
