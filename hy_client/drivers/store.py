"""Where the catalogue comes from: network refresh, the local cache, the bundled copy.

The cache keeps the last verified bytes and signature (verified again on every load: the data
dir is not trusted more than the network). The highest version ever accepted, with the SHA-256
of that copy, is kept twice — ``state.json`` beside the cache and a copy in the config dir —
and the floor is the higher of the two, so deleting one file does not re-open rollbacks. A
refresh that offers less is a rollback, another copy of the same version is a replay: both are
refused, as is an expired catalogue.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import logging
import os
from collections.abc import Sequence
from pathlib import Path

import requests

from .. import config, errors
from ..paths import bundled_drivers_dir
from ..private import write_private
from .catalogue import (
    MAX_CATALOGUE_BYTES,
    Catalogue,
    check_download_url,
    load_catalogue,
    trusted_keys,
)

log = logging.getLogger(__name__)

CATALOGUE_NAME = "catalogue.json"
SIGNATURE_NAME = "catalogue.json.sig"
STATE_NAME = "state.json"
FLOOR_COPY_NAME = "driver-catalogue-floor.json"


def catalogue_url_for(platform_url: str) -> str:
    """The platform's catalogue endpoint (used when Settings.catalogue_url is empty)."""
    return platform_url.rstrip("/") + "/api/v1/drivers/catalogue"


def fetch_bounded(session: requests.Session, url: str, limit: int, timeout: float) -> bytes:
    """GET a small file, never reading more than ``limit`` bytes."""
    check_download_url(url)
    try:
        with session.get(url, stream=True, timeout=timeout) as response:
            if response.status_code != 200:
                raise errors.HyError(errors.DOWNLOAD_FAILED, f"HTTP {response.status_code}")
            chunks, total = [], 0
            for chunk in response.iter_content(65536):
                total += len(chunk)
                if total > limit:
                    raise errors.HyError(errors.CATALOGUE_MALFORMED, f"larger than {limit}")
                chunks.append(chunk)
            return b"".join(chunks)
    except requests.exceptions.SSLError:
        raise errors.HyError(errors.TLS_ERROR) from None
    except requests.RequestException as exc:
        raise errors.HyError(errors.DOWNLOAD_FAILED, type(exc).__name__) from None


class CatalogueStore:
    """The catalogue cache and rollback floor under ``root`` (``data_dir()/drivers/catalogue``)."""

    def __init__(self, root: Path, keys: Sequence[str], bundled_dir: Path | None = None,
                 floor_copy: Path | None = None) -> None:
        self.root = root
        self.keys = tuple(keys)
        self.bundled_dir = bundled_dir if bundled_dir is not None else bundled_drivers_dir()
        self.floor_copy = floor_copy if floor_copy is not None else \
            config.config_dir() / FLOOR_COPY_NAME

    # -- rollback floor --
    def _floors(self) -> list[tuple[int, str]]:
        """(version, sha256) from each place the floor is kept."""
        found = []
        with contextlib.suppress(OSError, ValueError):
            found.append(json.loads((self.root / STATE_NAME).read_text("utf-8")))
        with contextlib.suppress(OSError, ValueError, AttributeError):
            found.append(json.loads(self.floor_copy.read_text("utf-8")).get(self._key()))
        out = []
        for item in found:
            if isinstance(item, dict) and isinstance(item.get("highest_version"), int):
                digest = item.get("sha256")
                out.append((item["highest_version"], digest if isinstance(digest, str) else ""))
        return out

    def _key(self) -> str:
        """The copy in the config dir holds one floor per cache folder."""
        return str(self.root.resolve())

    @property
    def highest_seen(self) -> int:
        return max((v for v, _ in self._floors()), default=0)

    def _floor_sha256(self) -> str:
        top = self.highest_seen
        return next((h for v, h in self._floors() if v == top and h), "")

    def _write(self, name: str, data: bytes) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        tmp = self.root / (name + ".tmp")
        tmp.write_bytes(data)
        os.replace(tmp, self.root / name)

    def _remember(self, version: int, body: bytes) -> None:
        if version < self.highest_seen:
            return
        state = {"highest_version": version, "sha256": hashlib.sha256(body).hexdigest()}
        self._write(STATE_NAME, json.dumps(state).encode())
        try:
            copies = json.loads(self.floor_copy.read_text("utf-8"))
            copies = copies if isinstance(copies, dict) else {}
        except (OSError, ValueError):
            copies = {}
        copies[self._key()] = state
        write_private(self.floor_copy, json.dumps(copies, ensure_ascii=False))

    # -- sources --
    def accept(self, body: bytes, signature: bytes, source: str = "network") -> Catalogue:
        """Verify new bytes against the pinned keys and the floor; cache them when good."""
        catalogue = load_catalogue(body, signature, self.keys, min_version=self.highest_seen,
                                   same_version_sha256=self._floor_sha256(), source=source)
        self._write(SIGNATURE_NAME, signature)
        self._write(CATALOGUE_NAME, body)
        self._remember(catalogue.version, body)
        return catalogue

    def refresh(self, session: requests.Session, url: str, timeout: float = 15.0) -> Catalogue:
        """Fetch the catalogue and its ``.sig`` from the platform (``drivers update``)."""
        body = fetch_bounded(session, url, MAX_CATALOGUE_BYTES, timeout)
        signature = fetch_bounded(session, url + ".sig", 1024, timeout)
        return self.accept(body, signature)

    def _load_dir(self, folder: Path, source: str, floor: int, sha256: str,
                  refused: list[errors.HyError]) -> Catalogue | None:
        try:
            body = (folder / CATALOGUE_NAME).read_bytes()
            signature = (folder / SIGNATURE_NAME).read_bytes()
        except OSError:
            return None
        try:
            return load_catalogue(body, signature, self.keys, min_version=floor, source=source,
                                  same_version_sha256=sha256)
        except errors.HyError as exc:
            log.warning("%s driver catalogue refused: %s", source, exc.code)
            refused.append(exc)
            return None

    def current(self) -> Catalogue:
        """The best catalogue we hold: the cache, else the bundled offline copy.

        The bundled copy ships with the program, so it is used even below the floor (it is
        the fallback after the cache was lost); it never lowers the floor. When neither can be
        used because they expired, the answer is CATALOGUE_EXPIRED ("目录已过期" and how to
        update).
        """
        refused: list[errors.HyError] = []
        cached = self._load_dir(self.root, "cache", self.highest_seen, self._floor_sha256(),
                                refused)
        bundled = self._load_dir(self.bundled_dir, "bundled", 0, "", refused)
        best = max((c for c in (cached, bundled) if c is not None),
                   key=lambda c: c.version, default=None)
        expired = next((e for e in refused if e.info is errors.CATALOGUE_EXPIRED), None)
        if best is None:
            if expired is not None:
                raise expired
            raise errors.HyError(errors.CATALOGUE_SIGNATURE, "no usable catalogue")
        if expired is not None and best.source == "bundled":
            return dataclasses.replace(best, cache_expired=True)
        return best


def default_store(keys: Sequence[str] = ()) -> CatalogueStore:
    """This machine's catalogue (``data_dir()/drivers/catalogue``, the bundled copy behind it),
    trusting the configured ``keys`` and the built-in ones."""
    from .install import catalogue_dir

    return CatalogueStore(catalogue_dir(), trusted_keys(keys))
