"""The signed catalogue: signature before parsing, rollback, freeze, URL policy, size cap."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from hy_client import errors
from hy_client.drivers.catalogue import (
    DEFAULT_CATALOGUE_KEYS,
    FORMAT,
    MAX_CATALOGUE_BYTES,
    check_download_url,
    load_catalogue,
    public_key_hex,
    sign_catalogue,
    trusted_keys,
)
from hy_client.drivers.store import CATALOGUE_NAME, SIGNATURE_NAME, CatalogueStore
from hy_client.paths import bundled_drivers_dir

SHA = "ab" * 32


def doc(version: int = 1, expires: datetime | None = None, **entry: object) -> dict:
    expires = expires or datetime.now(UTC) + timedelta(days=30)
    driver = {"id": "acme", "vendor": {"zh": "某厂", "en": "Acme"},
              "token_hints": {"usb": ["096E:0001"], "manufacturer": ["Acme"], "model": []},
              "os": ["linux"], "arch": ["x86_64"], "modules": {"linux": ["lib/acme.so"]},
              "version": "1.0", "url": "https://drivers.example.org/acme.tar.gz",
              "size": 10, "sha256": SHA, "install": "archive", **entry}
    return {"format": FORMAT, "version": version,
            "expires": expires.strftime("%Y-%m-%dT%H:%M:%SZ"), "drivers": [driver]}


@pytest.fixture
def key():
    return Ed25519PrivateKey.generate()


def test_signed_catalogue_parses_into_typed_entries(key):
    body, sig = sign_catalogue(doc(), key)
    cat = load_catalogue(body, sig, [public_key_hex(key)])
    entry = cat.get("acme")
    assert entry.token_hints.usb == ("096e:0001",)
    assert entry.modules_for("linux") == ("lib/acme.so",)
    assert entry.downloadable and entry.install == "archive"
    assert not cat.out_of_date()
    with pytest.raises(errors.HyError) as exc:
        cat.get("nope")
    assert exc.value.code == "D111"


def test_tampered_catalogue_refused_before_parsing(key):
    body, sig = sign_catalogue(doc(), key)
    tampered = body.replace(b'"size": 10', b'"size": 99')
    with pytest.raises(errors.HyError) as exc:
        load_catalogue(tampered, sig, [public_key_hex(key)])
    assert exc.value.code == "D101"
    # Garbage that is not even JSON fails on the signature, never reaching the parser.
    with pytest.raises(errors.HyError) as exc:
        load_catalogue(b"\xff{not json", sig, [public_key_hex(key)])
    assert exc.value.code == "D101"


def test_tampered_signature_and_unpinned_key_refused(key):
    body, sig = sign_catalogue(doc(), key)
    bad = bytes([sig[0] ^ 1]) + sig[1:]
    for signature, keys in ((bad, [public_key_hex(key)]), (sig[:-1], [public_key_hex(key)]),
                            (sig, [public_key_hex(Ed25519PrivateKey.generate())]),
                            (sig, ["not-hex"])):
        with pytest.raises(errors.HyError) as exc:
            load_catalogue(body, signature, keys)
        assert exc.value.code == "D101"


def test_signed_but_malformed_is_d104(key):
    broken = doc()
    del broken["drivers"][0]["sha256"]
    body, sig = sign_catalogue(broken, key)
    with pytest.raises(errors.HyError) as exc:
        load_catalogue(body, sig, [public_key_hex(key)])
    assert exc.value.code == "D104"
    body, sig = sign_catalogue({**doc(), "format": "other"}, key)
    with pytest.raises(errors.HyError) as exc:
        load_catalogue(body, sig, [public_key_hex(key)])
    assert exc.value.code == "D104"


def test_oversize_catalogue_refused(key):
    body, sig = sign_catalogue(b" " * (MAX_CATALOGUE_BYTES + 1), key)
    with pytest.raises(errors.HyError) as exc:
        load_catalogue(body, sig, [public_key_hex(key)])
    assert exc.value.code == "D104"


def test_http_url_to_non_loopback_host_refuses_whole_catalogue(key):
    body, sig = sign_catalogue(doc(url="http://drivers.example.org/acme.tar.gz"), key)
    with pytest.raises(errors.HyError) as exc:
        load_catalogue(body, sig, [public_key_hex(key)])
    assert exc.value.code == "D112"
    assert check_download_url("http://127.0.0.1:8765/x") == "http://127.0.0.1:8765/x"
    for url in ("ftp://example.org/x", "file:///etc/passwd", "http://10.0.0.1/x", "https:///x"):
        with pytest.raises(errors.HyError) as exc:
            check_download_url(url)
        assert exc.value.code == "D112"


def test_expired_catalogue_is_refused_freeze_attack(key, tmp_path):
    """TUF's freeze attack: an attacker keeps serving an old, validly signed catalogue. Once
    it expired it is refused, with "目录已过期" and how to update."""
    body, sig = sign_catalogue(doc(expires=datetime.now(UTC) - timedelta(days=1)), key)
    with pytest.raises(errors.HyError) as exc:
        load_catalogue(body, sig, [public_key_hex(key)])
    assert exc.value.code == "D103" and "目录已过期" in exc.value.info.zh
    assert "hy-client drivers update" in exc.value.info.advice_zh
    store = CatalogueStore(tmp_path / "cat", [public_key_hex(key)], bundled_dir=tmp_path / "no")
    with pytest.raises(errors.HyError) as exc:
        store.accept(body, sig)
    assert exc.value.code == "D103"
    # a cache that expired while the program was closed is refused as well
    good = sign_catalogue(doc(version=2, expires=datetime.now(UTC) + timedelta(days=1)), key)
    store.accept(*good)
    later = datetime.now(UTC) + timedelta(days=2)
    with pytest.raises(errors.HyError) as exc:
        load_catalogue(*good, [public_key_hex(key)], now=later)
    assert exc.value.code == "D103"


def test_same_version_with_other_content_is_refused(key, tmp_path):
    keys = [public_key_hex(key)]
    store = CatalogueStore(tmp_path / "cat", keys, bundled_dir=tmp_path / "none")
    first = sign_catalogue(doc(version=5), key)
    store.accept(*first)
    assert store.accept(*first).version == 5  # the very same copy again: fine
    other = sign_catalogue(doc(version=5, url="https://evil.example.org/acme.tar.gz"), key)
    with pytest.raises(errors.HyError) as exc:
        store.accept(*other)
    assert exc.value.code == "D248"
    assert store.current().get("acme").url == "https://drivers.example.org/acme.tar.gz"


@pytest.mark.parametrize("deleted", ["state", "copy"])
def test_floor_survives_deleting_one_file(key, tmp_path, deleted):
    keys = [public_key_hex(key)]
    store = CatalogueStore(tmp_path / "cat", keys, bundled_dir=tmp_path / "none")
    first = sign_catalogue(doc(version=6), key)
    store.accept(*first)
    (tmp_path / "cat" / "state.json" if deleted == "state" else store.floor_copy).unlink()
    again = CatalogueStore(tmp_path / "cat", keys, bundled_dir=tmp_path / "none")
    assert again.highest_seen == 6
    with pytest.raises(errors.HyError) as exc:
        again.accept(*sign_catalogue(doc(version=4), key))
    assert exc.value.code == "D102"
    with pytest.raises(errors.HyError) as exc:
        again.accept(*sign_catalogue(doc(version=6, size=11), key))
    assert exc.value.code == "D248"


def test_rollback_refused_and_floor_persisted(key, tmp_path):
    keys = [public_key_hex(key)]
    store = CatalogueStore(tmp_path / "cat", keys, bundled_dir=tmp_path / "none")
    assert store.accept(*sign_catalogue(doc(version=5), key)).version == 5
    with pytest.raises(errors.HyError) as exc:
        store.accept(*sign_catalogue(doc(version=4), key))
    assert exc.value.code == "D102"
    # The floor survives a new store (a new process) and the refused copy was not cached.
    again = CatalogueStore(tmp_path / "cat", keys, bundled_dir=tmp_path / "none")
    assert again.highest_seen == 5
    assert again.current().version == 5
    assert again.current().version == 5


def test_cache_tampered_on_disk_falls_back_to_bundled(key, tmp_path):
    keys = trusted_keys([public_key_hex(key)])
    store = CatalogueStore(tmp_path / "cat", keys)
    store.accept(*sign_catalogue(doc(version=7), key))
    cached = tmp_path / "cat" / CATALOGUE_NAME
    cached.write_bytes(cached.read_bytes().replace(b"Acme", b"Evil"))
    current = store.current()
    assert current.source == "bundled"
    assert store.highest_seen == 7  # the bundled fallback never lowers the floor


def test_bundled_catalogue_is_signed_and_lists_no_invented_downloads():
    folder = bundled_drivers_dir()
    body = (folder / CATALOGUE_NAME).read_bytes()
    cat = load_catalogue(body, (folder / SIGNATURE_NAME).read_bytes(), DEFAULT_CATALOGUE_KEYS)
    assert cat.drivers and not any(e.downloadable for e in cat.drivers)
    assert "/usr/lib/softhsm/libsofthsm2.so" in cat.get("softhsm2").modules_for("linux")
    assert json.loads(body)["version"] == cat.version


def test_refresh_over_http(sandbox_repo, session, tmp_path):
    server, pub = sandbox_repo
    store = CatalogueStore(tmp_path / "cat", [pub])
    cat = store.refresh(session, f"{server.base_url}/api/v1/drivers/catalogue")
    assert cat.source == "network"
    assert cat.get("hy-test-softhsm").url.startswith(server.base_url)
    assert store.current().version == cat.version
    # An attacker serving a tampered copy: refused, and the good cache stays.
    (server.root / CATALOGUE_NAME).write_bytes(
        (server.root / CATALOGUE_NAME).read_bytes().replace(b"2.6.1", b"9.9.9"))
    with pytest.raises(errors.HyError) as exc:
        store.refresh(session, f"{server.base_url}/api/v1/drivers/catalogue")
    assert exc.value.code == "D101"
    assert store.current().get("hy-test-softhsm").version == "2.6.1"


def test_cache_that_expired_since_is_refused_and_says_so(key, tmp_path):
    keys = trusted_keys([public_key_hex(key)])
    store = CatalogueStore(tmp_path / "cat", keys)
    body, sig = sign_catalogue(doc(version=99, expires=datetime.now(UTC) - timedelta(days=1)),
                               key)
    store.root.mkdir(parents=True)
    (store.root / CATALOGUE_NAME).write_bytes(body)
    (store.root / SIGNATURE_NAME).write_bytes(sig)
    current = store.current()
    assert current.source == "bundled" and current.version != 99
    assert current.cache_expired and current.out_of_date()  # every surface says "update"
    alone = CatalogueStore(tmp_path / "cat", keys, bundled_dir=tmp_path / "none")
    with pytest.raises(errors.HyError) as exc:
        alone.current()
    assert exc.value.code == "D103"
