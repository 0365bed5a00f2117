"""The first-run assistant without Qt: steps, findings and a state that survives a restart.

Steps: environment → key → driver → certificate → login. Each check returns a ``StepResult``
with one sentence saying what it found, the advice, and the actions the GUI may offer
(``install_driver:<id>``, ``change_pin``, ``activate``, ``repair``). Results and the current
step persist in ``data_dir()/firstrun.json``, so the wizard can be left and resumed.
``should_offer`` tells the GUI to open it whenever no usable key is found.

The key step recognises a plugged-in key before any driver exists, by its USB vendor/product
id matched against the catalogue's token hints (``usb_root`` is injectable: a directory laid
out like ``/sys/bus/usb/devices``).
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import requests

from . import config, errors, renewal
from .drivers.catalogue import Catalogue
from .drivers.detect import entries_for_usb, suitable
from .drivers.system import SYSFS_USB, current_arch, current_os, usb_devices
from .errors import HyError
from .private import write_private

if TYPE_CHECKING:
    from .driver_status import DriverStatus
    from .drivers.download import ProgressCallback
    from .token.models import ModuleInfo, TokenInfo
    from .token.service import TokenService

Step = Literal["environment", "key", "driver", "certificate", "login"]
STEPS: tuple[Step, ...] = ("environment", "key", "driver", "certificate", "login")
STEP_ZH: dict[Step, str] = {"environment": "运行环境", "key": "CA锁", "driver": "驱动",
                            "certificate": "证书", "login": "登录"}
Status = Literal["ok", "attention", "failed"]
STATE_FILE = "firstrun.json"


@dataclass(frozen=True)
class StepResult:
    step: Step
    status: Status
    sentence_zh: str  # one sentence: what this step found
    advice_zh: str = ""
    actions: tuple[str, ...] = ()
    data: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "actions": list(self.actions)}


@dataclass(frozen=True)
class UsbKey:
    """A plugged USB device the catalogue recognises as a key, with the drivers it needs."""

    vid_pid: str
    manufacturer: str
    product: str
    driver_ids: tuple[str, ...]
    vendor_zh: str

    @property
    def describe_zh(self) -> str:
        model = " ".join(x for x in (self.manufacturer, self.product) if x) or "未知型号"
        return f"{self.vendor_zh}的CA锁（{model}，USB {self.vid_pid}）"


def detect_usb_keys(catalogue: Catalogue, usb_root: Path = SYSFS_USB, *,
                    os_name: str | None = None, arch: str | None = None) -> list[UsbKey]:
    """Keys recognised by USB id alone: works before any driver is installed."""
    os_name, arch = os_name or current_os(), arch or current_arch()
    out = []
    for device in usb_devices(usb_root):
        entries = [e for e in entries_for_usb(catalogue, device) if suitable(e, os_name, arch)]
        if entries:
            out.append(UsbKey(device.vid_pid, device.manufacturer, device.product,
                              tuple(e.id for e in entries), entries[0].vendor.zh))
    return out


def usable_tokens(modules: Sequence[ModuleInfo]) -> list[TokenInfo]:
    return [t for m in modules for t in m.tokens
            if any(c.usable_for_login and c.status != "expired" for c in t.certificates)]


@dataclass
class FirstRunState:
    current: Step = "environment"
    results: dict[str, StepResult] = field(default_factory=dict)
    finished: bool = False
    updated_at: str = ""

    @classmethod
    def load(cls, path: Path | None = None) -> FirstRunState:
        try:
            raw = json.loads((path or state_path()).read_text("utf-8"))
            results = {k: StepResult(**{**v, "actions": tuple(v.get("actions", ()))})
                       for k, v in raw.get("results", {}).items()}
            current = raw.get("current", "environment")
            return cls(current if current in STEPS else "environment", results,
                       bool(raw.get("finished")), str(raw.get("updated_at", "")))
        except (OSError, ValueError, TypeError, AttributeError):
            return cls()  # no state or a damaged one: start at the beginning

    def save(self, path: Path | None = None) -> None:
        target = path or state_path()
        self.updated_at = datetime.now(UTC).isoformat()
        body = {"current": self.current, "finished": self.finished,
                "updated_at": self.updated_at,
                "results": {k: v.to_json() for k, v in self.results.items()}}
        write_private(target, json.dumps(body, ensure_ascii=False, indent=1))


def state_path() -> Path:
    return config.data_dir() / STATE_FILE


def should_offer(modules: Sequence[ModuleInfo] | None) -> bool:
    """Open the assistant whenever no usable key (a certificate we can log in with) is found."""
    return not usable_tokens(modules or [])


class FirstRun:
    """The assistant's steps. Every check records its result, saves, and moves on when the
    step is done; none raises for a finding."""

    def __init__(self, *, usb_root: Path = SYSFS_USB, path: Path | None = None,
                 token_service: TokenService | None = None,
                 settings: config.Settings | None = None) -> None:
        self.usb_root = usb_root
        self.settings = settings  # the program's (as it started), beside the config file now
        self.path = path or state_path()
        self.tokens = token_service
        self.state = FirstRunState.load(self.path)

    def _record(self, result: StepResult) -> StepResult:
        self.state.results[result.step] = result
        index = STEPS.index(result.step)
        if result.status != "failed" and STEPS.index(self.state.current) <= index:
            if index + 1 < len(STEPS):
                self.state.current = STEPS[index + 1]
            elif result.status == "ok":  # logged in; activation pending is not the end
                self.state.finished = True
        self.state.save(self.path)
        return result

    def go_to(self, step: Step) -> None:
        self.state.current = step
        self.state.save(self.path)

    # --- 1. environment ---------------------------------------------------------------------
    def check_environment(self, timeout: float = 5.0) -> StepResult:
        from .diagnostics import run_diagnostics
        from .repair import plan_repairs

        report = run_diagnostics(sections=["platform", "local"], timeout=timeout)
        wanted = ("platform.health", "platform.clock", "local.keyring", "local.config")
        findings = [f for f in report.findings if f.id in wanted]
        bad = [f for f in findings if f.severity in ("warning", "error")]
        fixable = any(r.automatic for r in plan_repairs(report))
        data = {"findings": [f.to_json() for f in findings]}
        if not bad:
            return self._record(StepResult("environment", "ok",
                                           "交易平台可以连接，电脑时间准确，系统凭据存储可用。",
                                           data=data))
        worst = max(bad, key=lambda f: f.severity == "error")
        status: Status = "failed" if worst.severity == "error" else "attention"
        return self._record(StepResult("environment", status, f"{worst.title_zh}。",
                                       worst.advice_zh, ("repair",) if fixable else (), data))

    # --- 2. the key -------------------------------------------------------------------------
    def _scan(self) -> list[ModuleInfo]:
        if self.tokens is None:
            return []
        try:
            return self.tokens.scan(refresh=True).result(60)
        except HyError:
            return []

    def check_key(self, catalogue: Catalogue | None) -> StepResult:
        scanned = self._scan()
        tokens = [t for m in scanned for t in m.tokens]
        if tokens:
            t = tokens[0]
            status = self.driver_status(catalogue, scanned=scanned)
            return self._record(StepResult(
                "key", "ok",
                f"已检测到CA锁“{t.label}”（{t.manufacturer} {t.model}）。{status.summary_zh}。",
                data={"serial": t.serial, "driver_needed": False,
                      "driver_state": status.state}))
        keys = detect_usb_keys(catalogue, self.usb_root) if catalogue else []
        if keys:
            k = keys[0]
            return self._record(StepResult(
                "key", "attention", f"检测到{k.describe_zh}，但尚未安装它的驱动。",
                "请在下一步安装推荐的驱动。", tuple(f"install_driver:{i}" for i in k.driver_ids),
                {"usb": asdict(k), "driver_needed": True}))
        return self._record(StepResult(
            "key", "failed", "未检测到CA锁。",
            "请插入CA锁；如已插入，请换一个USB口。仍无法识别请致电技术支持 "
            f"{errors.SUPPORT_PHONE}。"))

    # --- 3. the driver ----------------------------------------------------------------------
    def install_driver(self, catalogue: Catalogue, driver_id: str,
                       session: requests.Session, *,
                       progress: ProgressCallback | None = None) -> StepResult:
        """The verified download and install, then prove the module loads and the key shows.

        With the program's TokenService the new modules are probed and then join it (no
        restart); a second service would re-initialise a library the program shares and end
        its key login. Without one (the CLI) a short-lived service checks them.
        """
        from .drivers import install as inst
        from .token.modules import diagnose_module_file

        try:
            entry = catalogue.get(driver_id)
            result = inst.install(entry, session, progress=progress,
                                  static_check=diagnose_module_file)
            modules = self._check_modules(list(result.modules))
        except HyError as exc:
            return self._record(StepResult("driver", "failed", f"驱动安装失败：{exc.info.zh}。",
                                           exc.info.advice_zh, (f"install_driver:{driver_id}",),
                                           {"code": exc.code}))
        loaded = [m for m in modules if m.error is None]
        tokens = [t for m in loaded for t in m.tokens]
        # The message is the one driver status every surface shows, not this probe's own view.
        status = self.driver_status(catalogue)
        data = {"driver_id": driver_id, "modules": list(result.modules),
                "tokens": [t.serial for t in tokens], "driver_state": status.state}
        if not loaded:
            return self._record(StepResult("driver", "failed", "驱动已安装，但无法加载。",
                                           errors.MODULE_LOAD_FAILED.advice_zh, data=data))
        if status.state != "recognised":
            return self._record(StepResult("driver", "attention",
                                           f"已安装{entry.vendor.zh}驱动。{status.summary_zh}。",
                                           status.advice_zh or errors.NO_TOKEN.advice_zh,
                                           data=data))
        return self._record(StepResult(
            "driver", "ok", f"已安装{entry.vendor.zh}驱动 {entry.version}。{status.summary_zh}。",
            data=data))

    def _check_modules(self, paths: list[str]) -> list[ModuleInfo]:
        from .driver_probe import token_service_for

        if self.tokens is None:
            with token_service_for(paths) as service:
                return service.scan(refresh=True).result(60)
        modules = self.tokens.probe(paths).result(60)
        loaded = [m.path for m in modules if m.error is None]
        if loaded:
            self.tokens.set_modules([*self.tokens.module_paths, *loaded]).result(60)
        return modules

    def skip_driver(self, catalogue: Catalogue | None = None) -> StepResult:
        """No driver to install: say what the one driver status says."""
        status = self.driver_status(catalogue)
        if status.state == "recognised":
            return self._record(StepResult("driver", "ok", f"{status.summary_zh}，无需操作。",
                                           data={"driver_state": status.state}))
        return self._record(StepResult("driver", "attention", f"{status.summary_zh}。",
                                       status.advice_zh, data={"driver_state": status.state}))

    def driver_status(self, catalogue: Catalogue | None, *,
                      scanned: Sequence[ModuleInfo] = ()) -> DriverStatus:
        """The one driver status (as the 驱动 page, login window and ``drivers check`` show).
        No usable catalogue: the configured and detected modules still answer. ``scanned``:
        the service's modules as just scanned (not scanned again)."""
        from .driver_status import current_status

        return current_status(self.tokens, catalogue, settings=self.settings, scanned=scanned)

    # --- 4. the certificate -----------------------------------------------------------------
    def check_certificate(self, token: TokenInfo, cert_id: str | None = None, *,
                          bids: Sequence[Any] | None = None, now: datetime | None = None,
                          thresholds: Sequence[int] = renewal.DEFAULT_THRESHOLDS) -> StepResult:
        """Holder, organisation, 统一社会信用代码 and validity of ``cert_id`` (default: the
        login certificate valid longest), renewal advice, and whether the PIN must change.
        ``bids`` None: not known (no session yet) — the advice then never says "renew now"."""
        now = now or datetime.now(UTC)
        certs = sorted((c for c in token.certificates if c.usable_for_login
                        and (cert_id is None or c.id == cert_id)),
                       key=lambda c: (c.status in ("valid", "expiring"),
                                      c.not_after or datetime.min.replace(tzinfo=UTC)),
                       reverse=True)
        if not certs:
            warned = [c.warning for c in token.certificates if c.warning is not None]
            if warned:  # e.g. an SM2 key whose driver's mechanism is not known (T280)
                info = warned[0][0]
                return self._record(StepResult("certificate", "failed", f"{info.zh}。",
                                               info.advice_zh, data={"code": info.code}))
            return self._record(StepResult("certificate", "failed", "CA锁中没有可用于登录的证书。",
                                           errors.CERT_NOT_FOUND.advice_zh))
        cert = certs[0]
        actions: list[str] = []
        advice = ""
        if token.flags.user_pin_to_be_changed:
            actions.append("change_pin")
            advice = "CA锁提示需要修改PIN码（初始PIN或已过期），建议现在修改。"
        status: Status = "ok"
        level = "ok"
        renewal_json = None
        if cert.not_after is not None:
            tip = renewal.advise_certificate(cert, bids or (), now=now, thresholds=thresholds,
                                             bids_known=bids is not None)
            level, renewal_json = tip.level, tip.to_json()
            if tip.level != "ok" or tip.window is not None:
                advice = " ".join(x for x in (tip.message_zh, advice) if x)
            if tip.level != "ok":
                status = "failed" if tip.reason_code == "expired" else "attention"
        until = f"，有效期至{cert.not_after.astimezone(renewal.CHINA_TZ):%Y-%m-%d}" \
            if cert.not_after else ""
        org = f"，单位 {cert.organization}" if cert.organization else ""
        uscc = f"，统一社会信用代码 {cert.uscc}" if cert.uscc else ""
        return self._record(StepResult(
            "certificate", "attention" if actions and status == "ok" else status,
            f"证书持有人 {cert.subject_cn}{org}{uscc}{until}。", advice, tuple(actions),
            {"serial": token.serial, "cert_id": cert.id, "renewal": level,
             "advice": renewal_json}))

    @staticmethod
    def offer_pin_change(pin: str) -> bool:
        """Whether the PIN just typed at login is a default or weak one (123456 and the like)
        worth changing now, by the same rule a new PIN must pass. Never stored."""
        from .token.pin import new_pin_problem

        weak = new_pin_problem(pin) is not None
        del pin
        return weak

    # --- 5. login ---------------------------------------------------------------------------
    def record_login(self, error: HyError | None = None, username: str = "") -> StepResult:
        """The GUI logs in (SignIn.ca_login) and tells the outcome; activation is offered when
        the certificate is not yet bound to an account."""
        if error is None:
            who = f"：{username}" if username else ""
            return self._record(StepResult("login", "ok", f"已使用CA锁登录{who}。"))
        if error.info is errors.CERT_NOT_ACTIVATED:
            return self._record(StepResult("login", "attention", f"{error.info.zh}。",
                                           error.info.advice_zh, ("activate",)))
        return self._record(StepResult("login", "failed", f"登录失败：{error.info.zh}。",
                                       error.info.advice_zh))

    def reset(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()
        self.state = FirstRunState()
