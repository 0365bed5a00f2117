"""A driver's modules answered through the token layer: the one composition of ``drivers``
(which never imports ``token``) and ``token`` that the CLI's commands and the GUI share —
a TokenService that knows the driver catalogue's SM2 mechanisms, and the driver checks.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from . import config, errors
from .drivers.detect import LoadProbe, ModuleLoad, tokens_from

if TYPE_CHECKING:
    from .token.models import ModuleInfo
    from .token.service import TokenService

__all__ = ["SCAN_TIMEOUT", "command_token_service", "token_probe", "token_service_for"]

SCAN_TIMEOUT = 120.0


def token_service_for(paths: Sequence[str], settings: config.Settings | None = None
                      ) -> TokenService:
    """A TokenService over ``paths`` with the SM2 mechanisms the driver catalogue held here
    describes (``settings`` default: the config file)."""
    from .drivers.sm2 import catalogue_resolver
    from .token.service import TokenService

    return TokenService(list(paths), sm2=catalogue_resolver(settings))


def command_token_service(explicit: Sequence[str] | None = None,
                          settings: config.Settings | None = None) -> TokenService:
    """``token.service.token_service`` (the discovered modules, or only ``explicit`` ones;
    NO_MODULE when none) with the catalogue's SM2 mechanisms, as the commands use it."""
    from .drivers.sm2 import catalogue_resolver
    from .token.service import token_service

    return token_service(explicit, settings, sm2=catalogue_resolver(settings))


def token_probe(paths: Sequence[str], service: TokenService | None = None, *,
                scanned: Sequence[ModuleInfo] = ()) -> LoadProbe:
    """Answer per path from one look at ``paths`` through the token layer.

    ``scanned``: modules the caller has just scanned; they answer as they are, and only the
    other paths are looked at (no second scan right after the caller's).

    With the program's own ``service`` (one TokenService per process: a second one would load
    and re-initialise the same libraries under it) its modules answer from its scan and the
    others are probed on its thread; without one, a short-lived service is made and closed.
    Paths are matched by file, so a symlink or a second name for a module answers too.
    """
    from .token.modules import module_key

    infos = {module_key(m.path): m for m in scanned}
    rest = [p for p in paths if module_key(p) not in infos]
    looked: list[ModuleInfo] = []
    if rest and service is not None:
        looked = service.probe(rest).result(timeout=SCAN_TIMEOUT)
    elif rest:
        with token_service_for(rest) as own:
            looked = own.scan(refresh=True).result(timeout=SCAN_TIMEOUT)
    infos.update((module_key(m.path), m) for m in looked)

    def probe(path: str) -> ModuleLoad:
        info = infos.get(module_key(path))
        if info is None:
            raise errors.HyError(errors.MODULE_LOAD_FAILED, "not scanned")
        if info.error is not None:
            raise errors.HyError(info.error, info.error_detail)
        return ModuleLoad(info.library_version, info.manufacturer, tokens_from(info.tokens))
    return probe
