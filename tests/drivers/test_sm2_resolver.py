"""Which catalogue entry describes a loaded module's SM2 mechanisms (drivers/sm2.py)."""

from __future__ import annotations

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from hy_client.drivers import catalogue as cat
from hy_client.drivers.sm2 import resolver

KEY = Ed25519PrivateKey.generate()
SM2 = {"sign": [{"mechanism": "0x80008100", "input": "message", "output": "der"}]}


def _catalogue(*entries):
    drivers = [{"id": f"d{i}", "vendor": {"zh": "厂商", "en": "vendor"}, "os": ["linux"],
                "arch": ["x86_64"], "version": "1", **e} for i, e in enumerate(entries)]
    body, sig = cat.sign_catalogue({"format": cat.FORMAT, "version": 3,
                                    "expires": "2099-01-01T00:00:00Z", "drivers": drivers}, KEY)
    return cat.load_catalogue(body, sig, [cat.public_key_hex(KEY)])


def test_absolute_path_relative_archive_path_and_token_hints(tmp_path):
    module = tmp_path / "vendor" / "libgm.so"
    module.parent.mkdir()
    module.write_bytes(b"")
    resolve = resolver([_catalogue(
        {"modules": {"linux": [str(module)]}, "sm2": SM2},
        {"modules": {"linux": ["lib/libarchive-gm.so"]},
         "sm2": {"sign": [{"mechanism": "0x80000B22", "input": "message", "output": "raw"}]}},
        {"token_hints": {"manufacturer": ["GM Corp"], "model": ["Key 3000"]},
         "sm2": {"sign": [{"mechanism": "0x80000B21", "input": "digest", "output": "raw"}]}},
        {"modules": {"linux": ["/opt/plain/libplain.so"]}},  # no sm2: never an answer
    )])
    first = resolve(str(module), "", "")
    assert first is not None and first.sign[0].mechanism == 0x80008100
    assert first.sign[0].output == "der"
    installed = resolve("/home/u/.local/share/hy/drivers/d1/1/lib/libarchive-gm.so", "x", "y")
    assert installed is not None and installed.sign[0].mechanism == 0x80000B22
    by_hint = resolve("/somewhere/else.so", "GM Corp", "Key 3000")
    assert by_hint is not None and by_hint.sign[0].input == "digest"
    assert resolve("/somewhere/else.so", "GM Corp", "Other") is None
    assert resolve("/opt/plain/libplain.so", "", "") is None
    assert resolver([])(str(module), "", "") is None
