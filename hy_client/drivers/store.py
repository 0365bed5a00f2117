"""Where the catalogue comes from: network refresh, the local cache, the bundled copy.

The cache keeps the last verified bytes and signature (verified again on every load: the data
dir is not trusted more than the network). ``state.json`` remembers the highest version ever
accepted; a refresh that offers less is a rollback and is refused.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Sequence
from pathlib import Path

import requests

from .. import errors
from ..paths import bundled_drivers_dir
from .catalogue import MAX_CATALOGUE_BYTES, Catalogue, check_download_url, load_catalogue

log = logging.getLogger(__name__)

CATALOGUE_NAME = "catalogue.json"
SIGNATURE_NAME = "catalogue.json.sig"
STATE_NAME = "state.json"


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

    def __init__(self, root: Path, keys: Sequence[str], bundled_dir: Path | None = None) -> None:
        self.root = root
        self.keys = tuple(keys)
        self.bundled_dir = bundled_dir if bundled_dir is not None else bundled_drivers_dir()

    # -- rollback floor --
    @property
    def highest_seen(self) -> int:
        try:
            value = json.loads((self.root / STATE_NAME).read_text("utf-8")).get("highest_version")
        except (OSError, ValueError, AttributeError):
            return 0
        return value if isinstance(value, int) else 0

    def _write(self, name: str, data: bytes) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        tmp = self.root / (name + ".tmp")
        tmp.write_bytes(data)
        os.replace(tmp, self.root / name)

    def _remember(self, version: int) -> None:
        if version > self.highest_seen:
            self._write(STATE_NAME, json.dumps({"highest_version": version}).encode())

    # -- sources --
    def accept(self, body: bytes, signature: bytes, source: str = "network") -> Catalogue:
        """Verify new bytes against the pinned keys and the floor; cache them when good."""
        catalogue = load_catalogue(body, signature, self.keys, min_version=self.highest_seen,
                                   source=source)
        self._write(SIGNATURE_NAME, signature)
        self._write(CATALOGUE_NAME, body)
        self._remember(catalogue.version)
        return catalogue

    def refresh(self, session: requests.Session, url: str, timeout: float = 15.0) -> Catalogue:
        """Fetch the catalogue and its ``.sig`` from the platform (``drivers update``)."""
        body = fetch_bounded(session, url, MAX_CATALOGUE_BYTES, timeout)
        signature = fetch_bounded(session, url + ".sig", 1024, timeout)
        return self.accept(body, signature)

    def _load_dir(self, folder: Path, source: str, floor: int) -> Catalogue | None:
        try:
            body = (folder / CATALOGUE_NAME).read_bytes()
            signature = (folder / SIGNATURE_NAME).read_bytes()
        except OSError:
            return None
        try:
            return load_catalogue(body, signature, self.keys, min_version=floor, source=source)
        except errors.HyError as exc:
            log.warning("%s driver catalogue refused: %s", source, exc.code)
            return None

    def current(self) -> Catalogue:
        """The best catalogue we hold: the cache, else the bundled offline copy.

        The bundled copy ships with the program, so it is used even below the floor (it is
        the fallback after the cache was lost); it never lowers the floor.
        """
        cached = self._load_dir(self.root, "cache", self.highest_seen)
        bundled = self._load_dir(self.bundled_dir, "bundled", 0)
        best = max((c for c in (cached, bundled) if c is not None),
                   key=lambda c: c.version, default=None)
        if best is None:
            raise errors.HyError(errors.CATALOGUE_SIGNATURE, "no usable catalogue")
        return best
