"""One-click repair (一键修复): the diagnostics findings the client can fix by itself.

``plan_repairs(report)`` turns a diagnostics report into repairs keyed by finding id, in a safe
order (a corrupt config is reset first, since every other fix writes the config). Findings the
client cannot fix become ``advice`` entries carrying the finding's exact advice and the support
phone number. ``apply(repair)`` performs one repair and never raises for an expected failure: a
``RepairResult`` says what happened. ``run_repair`` does the whole round (diagnose, repair,
diagnose again) and tells for each repair whether its finding is gone.

What is fixed here: a driver on disk that the program does not load (registered), a configured
module path that is gone or does not load (removed from the settings), a stored session the
platform refuses (dropped from the keyring), a corrupt config (reset to defaults, the old file
kept as ``config.toml.bak-<UTC time>``), an expired or unusable driver catalogue (refreshed).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import requests

from . import config, errors
from .credentials import CredentialStore
from .diagnostics import Finding, Report, Severity, run_diagnostics
from .errors import SUPPORT_PHONE, HyError
from .net import VerifiedSession

if TYPE_CHECKING:
    from .api.client import PlatformClient
    from .diagnostics import Progress as DiagnosticsProgress
    from .registry import Registry
    from .token.service import TokenService

log = logging.getLogger(__name__)

Action = Literal["reset_config", "remove_module", "register_module", "drop_session",
                 "refresh_catalogue", "web_portal", "advice"]
# Order of application: the config first (the others write to it), the catalogue last.
ACTIONS: tuple[Action, ...] = ("reset_config", "remove_module", "register_module",
                               "drop_session", "refresh_catalogue", "web_portal", "advice")
_MODULE_ERRORS = {e.code for e in (errors.MODULE_NOT_FOUND, errors.MODULE_NOT_PKCS11,
                                   errors.MODULE_WRONG_ARCH, errors.MODULE_MISSING_DEPENDENCY,
                                   errors.MODULE_LOAD_FAILED, errors.MODULE_PATH_NOT_ABSOLUTE)}
_CATALOGUE_ERRORS = {e.code for e in (errors.CATALOGUE_SIGNATURE, errors.CATALOGUE_ROLLBACK,
                                      errors.CATALOGUE_EXPIRED, errors.CATALOGUE_MALFORMED)}
CALL_SUPPORT = f"如仍无法解决，请致电技术支持 {SUPPORT_PHONE}。"
BACKUP_PREFIX = config.CONFIG_FILE + ".bak-"


@dataclass(frozen=True)
class Repair:
    """One planned repair (or, for ``advice``, what the user must do)."""

    finding_id: str
    action: Action
    title_zh: str  # the problem, as the finding names it
    what_zh: str  # automatic: what the repair will do; advice: the exact advice and phone
    severity: Severity
    code: str = ""
    params: dict[str, str] = field(default_factory=dict)  # path, origin

    @property
    def automatic(self) -> bool:
        return self.action != "advice"

    @property
    def section(self) -> str:
        return self.finding_id.split(".", 1)[0]

    def to_json(self) -> dict[str, Any]:
        return {"finding_id": self.finding_id, "action": self.action,
                "automatic": self.automatic, "title": self.title_zh, "what": self.what_zh,
                "severity": self.severity, "code": self.code, "params": dict(self.params)}


@dataclass(frozen=True)
class RepairResult:
    repair: Repair
    ok: bool
    message_zh: str
    code: str = ""  # the catalogue code when it failed
    changed: bool = False  # False when there was nothing left to change
    backup: str = ""  # reset_config: where the old file went
    restart_tokens: bool = False  # module paths changed (run_repair applies it to the service)
    cleared: bool | None = None  # after run_repair: the finding is gone (None: not checked)

    def to_json(self) -> dict[str, Any]:
        return {"repair": self.repair.to_json(), "ok": self.ok, "message": self.message_zh,
                "code": self.code, "changed": self.changed, "backup": self.backup,
                "restart_tokens": self.restart_tokens, "cleared": self.cleared}


@dataclass(frozen=True)
class RepairProgress:
    """Repair ``index`` of ``total`` is done (for a progress bar)."""

    index: int
    total: int
    result: RepairResult


# --- planning -----------------------------------------------------------------------------

def _with_phone(advice: str) -> str:
    if SUPPORT_PHONE in advice:
        return advice
    if not advice:
        return f"请致电技术支持 {SUPPORT_PHONE}，并提供诊断报告。"
    return f"{advice}{'' if advice.endswith(('。', '！', '）')) else '。'}{CALL_SUPPORT}"


def _automatic(f: Finding) -> Repair | None:
    """The repair for a finding the client can fix, or None."""
    def make(action: Action, what: str, **params: str) -> Repair:
        return Repair(f.id, action, f.title_zh, what, f.severity, f.code, params)

    data = f.data
    if f.id == "local.config" and f.code == errors.CONFIG_INVALID.code:
        return make("reset_config", "恢复默认设置，原设置文件另存为备份",
                    path=str(data.get("path", "")))
    if (f.id.startswith("modules.module.") and data.get("source") == "config"
            and f.code in _MODULE_ERRORS and data.get("path")):
        return make("remove_module", f"从设置中删除无法使用的驱动路径：{data['path']}",
                    path=str(data["path"]))
    if f.id.startswith("modules.unregistered.") and data.get("path"):
        return make("register_module", f"将驱动登记到设置中：{data['path']}",
                    path=str(data["path"]))
    if f.id == "platform.session" and data.get("stale") is True:
        return make("drop_session", "清除已失效的登录状态（下次需要重新登录）",
                    origin=str(data.get("origin", "")))
    if f.id == "modules.catalogue_expired" or (
            f.id == "modules.catalogue" and f.code in _CATALOGUE_ERRORS):
        return make("refresh_catalogue", "从交易平台更新驱动目录")
    if f.id == "local.web_portal" and data.get("missing") and data.get("host"):
        return make("web_portal", "为当前用户设置受信任站点、ActiveX 与 Edge IE 模式（可撤销）",
                    host=str(data["host"]))
    return None


def plan_repairs(report: Report) -> list[Repair]:
    """Every automatic repair the report calls for, then advice for the other problems."""
    planned: dict[tuple[str, tuple[tuple[str, str], ...]], Repair] = {}
    for f in report.findings:
        repair = _automatic(f)
        key: tuple[str, tuple[tuple[str, str], ...]]
        if repair is None:
            if f.severity not in ("warning", "error"):
                continue
            repair = Repair(f.id, "advice", f.title_zh, _with_phone(f.advice_zh), f.severity,
                            f.code, {})
            # the same problem seen at two layers (TCP and health) is said once
            key = ("advice:" + (f.code or f.id), (("what", repair.what_zh),))
        else:
            key = (repair.action, tuple(sorted(repair.params.items())))
        planned.setdefault(key, repair)  # one catalogue refresh for two catalogue findings
    return sorted(planned.values(), key=lambda r: ACTIONS.index(r.action))


# --- applying -----------------------------------------------------------------------------

SessionFactory = Callable[[config.Settings], requests.Session]


def _http_session(settings: config.Settings) -> requests.Session:
    return VerifiedSession(settings.active_platform.ca_bundle, settings.http_timeouts)


def apply(repair: Repair, *, session_factory: SessionFactory = _http_session,
          registry: Registry | None = None) -> RepairResult:
    """Perform one repair. Expected failures come back as ``ok=False`` with a catalogue code.
    ``registry``: the Windows registry to use (default the system's; tests pass a recorded one).
    """
    if not repair.automatic:
        return RepairResult(repair, False, repair.what_zh, repair.code)
    try:
        if repair.action == "web_portal":
            return _web_portal(repair, registry)
        return _APPLY[repair.action](repair, session_factory)
    except HyError as exc:
        log.warning("repair %s for %s failed: %s", repair.action, repair.finding_id, exc.code)
        return RepairResult(repair, False, f"{exc.info.zh}：{_with_phone(exc.info.advice_zh)}",
                            exc.code)
    except OSError as exc:
        log.warning("repair %s for %s failed: %s", repair.action, repair.finding_id,
                    type(exc).__name__)
        return RepairResult(repair, False, f"无法写入文件（{type(exc).__name__}）。{CALL_SUPPORT}",
                            errors.INTERNAL.code)


def backup_path(path: Path, now: datetime | None = None) -> Path:
    """``config.toml.bak-<UTC time>``, never overwriting an earlier backup."""
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    candidate = path.with_name(f"{BACKUP_PREFIX}{stamp}")
    n = 1
    while candidate.exists():
        candidate = path.with_name(f"{BACKUP_PREFIX}{stamp}-{n}")
        n += 1
    return candidate


def _reset_config(repair: Repair, _: SessionFactory) -> RepairResult:
    path = config.config_path()
    try:
        config.load()
    except HyError:
        pass
    else:
        return RepairResult(repair, True, "设置文件已可正常读取，无需恢复")
    backup = backup_path(path)
    os.replace(path, backup)
    config.save(config.Settings())
    log.info("config reset to defaults; the old file is kept as %s", backup.name)
    return RepairResult(repair, True, f"已恢复默认设置，原设置文件已备份为 {backup}",
                        changed=True, backup=str(backup))


def _remove_module(repair: Repair, _: SessionFactory) -> RepairResult:
    path = repair.params["path"]
    settings = config.load()
    kept = tuple(p for p in settings.pkcs11_modules if p != path)
    if kept == settings.pkcs11_modules:
        return RepairResult(repair, True, "该驱动路径已不在设置中")
    config.update(pkcs11_modules=kept)
    return RepairResult(repair, True, f"已从设置中删除驱动路径 {path}", changed=True,
                        restart_tokens=True)


def _register_module(repair: Repair, _: SessionFactory) -> RepairResult:
    from .drivers.install import register_modules
    from .token.modules import diagnose_module_file_detail

    path = repair.params["path"]
    problem, detail = diagnose_module_file_detail(path)
    if problem is not None:  # it changed since the diagnosis: never register a broken module
        raise HyError(problem, detail)
    if path in config.load().pkcs11_modules:
        return RepairResult(repair, True, "该驱动已在设置中")
    register_modules((path,))
    return RepairResult(repair, True, f"已将驱动 {path} 登记到设置中", changed=True,
                        restart_tokens=True)


def _drop_session(repair: Repair, _: SessionFactory) -> RepairResult:
    origin = repair.params.get("origin") or config.load().active_platform.origin
    store = CredentialStore(origin)
    if store.session_token() is None:
        return RepairResult(repair, True, "已保存的登录状态已清除")
    store.clear_session_token()
    return RepairResult(repair, True, "已清除失效的登录状态，请重新登录", changed=True)


def _web_portal(repair: Repair, registry: Registry | None = None) -> RepairResult:
    from . import webportal
    from .registry import system_registry

    reg = registry if registry is not None else system_registry()
    if reg is None:
        return RepairResult(repair, False, "仅 Windows 需要此设置", "")
    result = webportal.apply(repair.params["host"], reg)
    text = f"已设置 {len(result.changed)} 项（可撤销：hy-client webportal undo）"
    if result.denied:
        text += f"；{len(result.denied)} 项需要管理员或单位 IT 设置（Edge 策略）"
    return RepairResult(repair, not result.denied, text, changed=bool(result.changed))


def _refresh_catalogue(repair: Repair, factory: SessionFactory) -> RepairResult:
    from .drivers.store import catalogue_url_for, default_store

    settings = config.load()
    url = settings.catalogue_url or catalogue_url_for(settings.active_platform.url)
    store = default_store(settings.catalogue_keys)
    with factory(settings) as session:
        catalogue = store.refresh(session, url, timeout=settings.http_timeout)
    if catalogue.out_of_date():
        raise HyError(errors.CATALOGUE_EXPIRED, f"version {catalogue.version}")
    return RepairResult(repair, True, f"驱动目录已更新到版本 {catalogue.version}", changed=True)


_APPLY: dict[str, Callable[[Repair, SessionFactory], RepairResult]] = {
    "reset_config": _reset_config, "remove_module": _remove_module,
    "register_module": _register_module, "drop_session": _drop_session,
    "refresh_catalogue": _refresh_catalogue,
}


def apply_all(repairs: Iterable[Repair], *, progress: Callable[[RepairProgress], None] | None
              = None, session_factory: SessionFactory = _http_session) -> list[RepairResult]:
    """Apply the automatic repairs in plan order; advice entries are skipped."""
    todo = sorted((r for r in repairs if r.automatic), key=lambda r: ACTIONS.index(r.action))
    results = []
    for index, repair in enumerate(todo):
        result = apply(repair, session_factory=session_factory)
        results.append(result)
        if progress is not None:
            try:
                progress(RepairProgress(index + 1, len(todo), result))
            except Exception:
                log.exception("repair progress callback failed")
    return results


# --- the whole round ----------------------------------------------------------------------

@dataclass(frozen=True)
class RepairRun:
    before: Report
    plan: tuple[Repair, ...]
    results: tuple[RepairResult, ...]
    after: Report | None  # None for a dry run or when nothing was applied

    @property
    def advice(self) -> list[Repair]:
        return [r for r in self.plan if not r.automatic]

    @property
    def fixed_all(self) -> bool:
        """Every automatic repair worked and its finding is gone."""
        return all(r.ok and r.cleared is not False for r in self.results)

    def to_json(self) -> dict[str, Any]:
        return {"format": "hy-client-repair/1", "plan": [r.to_json() for r in self.plan],
                "results": [r.to_json() for r in self.results],
                "advice": [r.to_json() for r in self.advice], "fixed_all": self.fixed_all}


def still_present(repair: Repair, report: Report) -> bool:
    """Whether the problem a repair addressed shows again in ``report``."""
    for f in report.findings:
        if f.id.startswith("modules.module.") and repair.action == "remove_module":
            if f.data.get("path") == repair.params.get("path") and f.severity != "ok":
                return True
        elif f.id == repair.finding_id and (f.severity in ("warning", "error")
                                            or f.id == "modules.catalogue_expired"):
            return True
    return False


def _apply_modules(service: TokenService, results: Iterable[RepairResult],
                   timeout: float) -> bool:
    """Add/drop the module paths the repairs registered/removed in the running service."""
    from .token.modules import module_key

    paths = list(service.module_paths)
    for r in results:
        path = r.repair.params.get("path")
        if not (r.ok and r.restart_tokens and path):
            continue
        if r.repair.action == "remove_module":
            paths = [p for p in paths if module_key(p) != module_key(path)]
        elif r.repair.action == "register_module":
            paths.append(path)
    try:
        service.set_modules(paths).result(max(timeout, 60.0))
    except HyError as exc:
        log.info("modules not changed in the running service: %s", exc.code)
        return False
    return True


def run_repair(*, dry_run: bool = False, sections: Iterable[str] | None = None,
               token_service: TokenService | None = None, client: PlatformClient | None = None,
               progress: Callable[[RepairProgress], None] | None = None,
               diagnostics_progress: DiagnosticsProgress | None = None,
               session_factory: SessionFactory = _http_session,
               timeout: float = 5.0) -> RepairRun:
    """Diagnose, repair, diagnose again (the sections that were repaired) and mark each result
    ``cleared``. The settings are read afresh for each diagnosis: a repair may have changed
    them. A module path a repair added or removed (``restart_tokens``) is applied to the
    program's own ``token_service`` while it runs (``set_modules``): no restart. Should that be
    refused (a key on a dropped module is logged in), the check after uses a fresh service."""
    wanted = tuple(sections) if sections is not None else None
    before = run_diagnostics(sections=wanted, token_service=token_service, client=client,
                             progress=diagnostics_progress, timeout=timeout)
    plan = tuple(plan_repairs(before))
    if dry_run or not any(r.automatic for r in plan):
        return RepairRun(before, plan, (), None)
    results = apply_all(plan, progress=progress, session_factory=session_factory)
    touched = {r.repair.section for r in results}
    live = token_service
    if token_service is not None and any(r.restart_tokens for r in results):
        live = token_service if _apply_modules(token_service, results, timeout) else None
    after = run_diagnostics(sections=[s for s in (wanted or touched) if s in touched],
                            token_service=live, client=client, timeout=timeout)
    checked = tuple(replace(r, cleared=not still_present(r.repair, after)) for r in results)
    return RepairRun(before, plan, checked, after)
