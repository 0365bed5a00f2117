"""Which catalogue entry describes a loaded module's SM2 mechanisms.

A module is matched to a driver entry by its file (an absolute path the entry lists for this OS,
or the entry's relative path at the end of an installed archive's path), else by the token's
manufacturer and model from the entry's token hints. Only a verified catalogue is asked.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence

from .. import config, errors
from ..sm2_conventions import Sm2Convention, Sm2Resolver
from .catalogue import Catalogue, DriverEntry
from .store import default_store
from .system import current_os

log = logging.getLogger(__name__)


def _norm(path: str) -> str:
    return os.path.normcase(os.path.realpath(path)) if os.path.isabs(path) else path


def _file_matches(entry: DriverEntry, module: str, os_name: str) -> bool:
    wanted = _norm(module)
    for listed in entry.modules_for(os_name):
        expanded = os.path.expandvars(listed)
        if os.path.isabs(expanded):
            if _norm(expanded) == wanted:
                return True
        else:
            tail = os.path.normcase(expanded.replace("\\", "/"))
            if os.path.normcase(module.replace("\\", "/")).endswith("/" + tail):
                return True
    return False


def resolver(catalogues: Sequence[Catalogue], os_name: str | None = None) -> Sm2Resolver:
    """The resolver TokenService asks: first a file match, then a token-hint match."""
    entries = [e for c in catalogues for e in c.drivers if e.sm2 is not None]
    os_name = os_name or current_os()

    def resolve(module: str, manufacturer: str, model: str) -> Sm2Convention | None:
        for entry in entries:
            if _file_matches(entry, module, os_name):
                return entry.sm2
        for entry in entries:
            hints = entry.token_hints
            if manufacturer and manufacturer in hints.manufacturer and (
                    not hints.model or model in hints.model):
                return entry.sm2
        return None
    return resolve


def catalogue_resolver(settings: config.Settings | None = None) -> Sm2Resolver:
    """Over the best catalogue this machine holds (cache, else bundled); none: nothing known."""
    settings = settings if settings is not None else config.load()
    try:
        catalogue = default_store(settings.catalogue_keys).current()
    except errors.HyError as exc:
        log.info("no driver catalogue for SM2 conventions: %s", exc.info.code)
        return resolver([])
    return resolver([catalogue])
