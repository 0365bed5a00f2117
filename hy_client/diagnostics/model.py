"""What diagnostics produce: findings, the report, and the context probes share.

A probe never raises: its failures are findings. The runner still guards every probe, so a bug
in one check costs that check (a G101 finding), never the report.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal

from .. import config, errors
from ..errors import ErrorInfo

if TYPE_CHECKING:
    from ..api.client import PlatformClient
    from ..registry import Registry
    from ..token.models import ModuleInfo
    from ..token.service import TokenService

Severity = Literal["ok", "info", "warning", "error"]
SEVERITIES: tuple[Severity, ...] = ("ok", "info", "warning", "error")
SEVERITY_ZH: dict[Severity, str] = {"ok": "正常", "info": "提示", "warning": "警告",
                                     "error": "错误"}

# Sections in report order, with the headings the report and the 诊断 page show.
SECTIONS: dict[str, str] = {
    "system": "系统环境",
    "modules": "驱动与模块",
    "tokens": "CA锁与证书",
    "platform": "交易平台连接",
    "local": "本机设置",
}


@dataclass(frozen=True)
class Finding:
    """One result. ``id`` is stable (``tokens.pin_flags``, with a suffix per token or cert)."""

    id: str
    section: str
    severity: Severity
    title_zh: str
    detail_zh: str = ""
    advice_zh: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    code: str = ""  # the catalogue code when the finding is a known error

    @classmethod
    def from_error(cls, id: str, section: str, info: ErrorInfo, detail: str = "", *,
                   severity: Severity = "error", data: dict[str, Any] | None = None
                   ) -> Finding:
        return cls(id, section, severity, info.zh, detail, info.advice_zh, data or {}, info.code)

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "section": self.section, "severity": self.severity,
                "code": self.code, "title": self.title_zh, "detail": self.detail_zh,
                "advice": self.advice_zh, "data": self.data}


@dataclass(frozen=True)
class ProbeDone:
    """Progress: probe ``index`` of ``total`` finished with these (already redacted) findings."""

    index: int
    total: int
    section: str
    probe: str
    title_zh: str
    findings: tuple[Finding, ...]


Progress = Callable[[ProbeDone], None]


@dataclass(frozen=True)
class Report:
    findings: tuple[Finding, ...]
    generated_at: datetime
    app_version: str
    sections: tuple[str, ...]
    log_tail: str = ""  # the end of the log file, redacted like everything else
    cancelled: bool = False

    @property
    def worst(self) -> Severity:
        ranks = [SEVERITIES.index(f.severity) for f in self.findings]
        return SEVERITIES[max(ranks, default=0)]

    @property
    def exit_code(self) -> int:
        """1 when any finding is an error (the CLI's exit code), else 0."""
        return 1 if self.worst == "error" else 0

    def counts(self) -> dict[Severity, int]:
        return {s: sum(f.severity == s for f in self.findings) for s in SEVERITIES}

    def in_section(self, section: str) -> list[Finding]:
        return [f for f in self.findings if f.section == section]


@dataclass
class Context:
    """What probes share in one run. Holds the PIN only until the run ends."""

    settings: config.Settings
    pin: str | None = None
    token_serial: str | None = None  # which key the self-test uses (by serial or label)
    token_service: TokenService | None = None
    client: PlatformClient | None = None
    now: datetime = field(default_factory=lambda: datetime.now(UTC))
    cancel: threading.Event = field(default_factory=threading.Event)
    timeout: float = 5.0
    registry: Registry | None = None  # None: the system's (Windows); tests pass a recorded one
    plat: str = field(default_factory=lambda: sys.platform)
    # Filled by probes for later probes:
    modules: list[ModuleInfo] | None = None
    scan_error: errors.HyError | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def platform(self) -> config.PlatformProfile:
        return self.settings.active_platform


@dataclass(frozen=True)
class Probe:
    id: str
    section: str
    title_zh: str
    run: Callable[[Context], list[Finding]]
