"""Support diagnostics (``hy-client doctor`` and the 诊断 page): probes that never raise.

``run_diagnostics`` runs the probes of the chosen sections in order, on the calling thread
(the GUI calls it from a worker), reports each probe's findings through ``progress`` as soon as
it finishes, and returns the whole ``Report``. Every text and value is redacted before it
leaves the run: progress, report and log tail alike.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from .. import __version__, config, errors
from ..credentials import CredentialStore
from ..errors import HyError
from ..logs import LOG_FILES, log_path
from . import local, modules, platform, system, tokens
from .model import (
    SECTIONS,
    SEVERITIES,
    SEVERITY_ZH,
    Context,
    Finding,
    Probe,
    ProbeDone,
    Progress,
    Report,
    Severity,
)
from .redact import Redactor

if TYPE_CHECKING:
    from ..api.client import PlatformClient
    from ..token.service import TokenService

__all__ = ["PROBES", "SECTIONS", "SEVERITIES", "SEVERITY_ZH", "Finding", "Probe", "ProbeDone",
           "Progress", "Report", "Severity", "run_diagnostics"]

log = logging.getLogger(__name__)
PROBES: tuple[Probe, ...] = (*system.PROBES, *modules.PROBES, *tokens.PROBES,
                             *platform.PROBES, *local.PROBES)
LOG_TAIL_BYTES = 256 * 1024
_TOKEN_SECTIONS = {"modules", "tokens"}


def run_diagnostics(settings: config.Settings | None = None, *,
                    sections: Iterable[str] | None = None, pin: str | None = None,
                    token: str | None = None, progress: Progress | None = None,
                    token_service: TokenService | None = None,
                    client: PlatformClient | None = None,
                    cancel: threading.Event | None = None, timeout: float = 5.0) -> Report:
    """Run the checks. ``pin`` enables the self-test on ``token`` (serial or label; needed when
    several keys are plugged in). Pass the program's own ``token_service``/``client`` when it
    has them (one TokenService per process); otherwise temporary ones are made and closed.
    ``cancel`` stops between probes. Never raises for a failed check.
    """
    if settings is None:
        try:
            settings = config.load()
        except HyError:  # reported by the config probe; the other checks use defaults
            settings = config.Settings()
    wanted = tuple(s for s in SECTIONS if sections is None or s in set(sections))
    chosen = [p for p in PROBES if p.section in wanted]
    redactor = Redactor([pin, *_stored_session_tokens(settings)])
    ctx = Context(settings, pin=pin, token_serial=token, client=client,
                  token_service=token_service, cancel=cancel or threading.Event(),
                  timeout=timeout)
    del pin
    own_service = None
    if ctx.token_service is None and _TOKEN_SECTIONS & set(wanted):
        own_service = ctx.token_service = _new_token_service(settings)
    found: list[Finding] = []
    cancelled = False
    try:
        for index, probe in enumerate(chosen):
            if ctx.cancel.is_set():
                cancelled = True
                break
            batch = tuple(_redacted(f, redactor) for f in _run_probe(probe, ctx))
            found.extend(batch)
            if progress is not None:
                try:
                    progress(ProbeDone(index + 1, len(chosen), probe.section, probe.id,
                                       probe.title_zh, batch))
                except Exception:
                    log.exception("diagnostics progress callback failed")
    finally:
        ctx.pin = None
        if own_service is not None:
            try:
                own_service.close()
            except Exception:
                log.exception("closing the diagnostics token service")
    return Report(tuple(found), datetime.now(UTC), __version__, wanted,
                  redactor.text(read_log_tail()), cancelled)


def _run_probe(probe: Probe, ctx: Context) -> list[Finding]:
    """The last guard: a probe that raises becomes one G101 finding, never a lost report."""
    try:
        return list(probe.run(ctx))
    except Exception as exc:
        log.warning("diagnostic %s failed: %s", probe.id, type(exc).__name__, exc_info=True)
        return [Finding.from_error(probe.id, probe.section, errors.DIAGNOSTIC_FAILED,
                                   f"{probe.title_zh}：{type(exc).__name__}")]


def _redacted(finding: Finding, redactor: Redactor) -> Finding:
    return Finding(finding.id, finding.section, finding.severity,
                   redactor.text(finding.title_zh), redactor.text(finding.detail_zh),
                   redactor.text(finding.advice_zh), redactor.data(finding.data), finding.code)


def _stored_session_tokens(settings: config.Settings) -> list[str]:
    """Session tokens in the keyring, so their values are scrubbed wherever they appear."""
    origins = {profile.origin for profile in settings.platforms.values()}
    with contextlib.suppress(HyError):
        origins.add(settings.active_platform.origin)
    out: list[str] = []
    for origin in origins:
        value = None
        with contextlib.suppress(Exception):  # no usable keyring: nothing stored to leak
            value = CredentialStore(origin).session_token()
        if value:
            out.append(value)
    return out


def _new_token_service(settings: config.Settings) -> TokenService:
    from ..driver_probe import token_service_for
    from ..token.modules import module_paths

    return token_service_for(module_paths(settings), settings)


def read_log_tail(path: str | None = None, limit: int = LOG_TAIL_BYTES) -> str:
    """The last ``limit`` bytes of a log, from a line start (empty when there is none). Without
    ``path``: both programs' logs (the app's and the console program's), half each, each under
    its name — the problem support hears of usually happened in the app, the report is often
    made with the console program."""
    if path is not None:
        return _tail(Path(path), limit)
    parts = []
    for program in ("gui", "cli"):
        text = _tail(Path(log_path(program)), limit // 2)
        if text:
            parts.append(f"===== {LOG_FILES[program]} =====\n{text}")
    return "\n".join(parts)


def _tail(file: Path, limit: int) -> str:
    try:
        with file.open("rb") as fh:
            size = fh.seek(0, 2)
            fh.seek(max(0, size - limit))
            raw = fh.read()
    except OSError:
        return ""
    text = raw.decode("utf-8", "replace")
    if len(raw) >= limit and "\n" in text:
        text = text.split("\n", 1)[1]
    return text


def sections_of(names: Sequence[str]) -> tuple[str, ...]:
    """Validated section names (for ``--section``)."""
    bad = [n for n in names if n not in SECTIONS]
    if bad:
        raise HyError(errors.DIAGNOSTIC_FAILED, f"unknown section {bad[0]}")
    return tuple(names)
