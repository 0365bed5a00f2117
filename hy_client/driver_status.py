"""The one answer to "is the driver installed, does it load, is my key recognised".

The first-run assistant, the 驱动 page, the login window's CA tab and ``drivers check`` all
render :func:`driver_status` of the same :func:`current_report`, so no two of them can say
驱动已安装 and 未安装 about the same key.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from . import config
from .driver_probe import token_probe
from .drivers import install as inst
from .drivers.catalogue import Catalogue
from .drivers.detect import DriverReport, candidate_paths, detect
from .drivers.store import default_store
from .errors import HyError

if TYPE_CHECKING:
    from .token.models import ModuleInfo
    from .token.service import TokenService

# What the status is decided over when no catalogue can be used: no entries, never expires.
NO_CATALOGUE = Catalogue(0, datetime.max.replace(tzinfo=UTC), (), source="none")

DriverState = Literal["recognised", "no_key", "load_failed", "unprobed", "not_installed"]

_TEXT: dict[str, tuple[str, str, str]] = {  # state: (中文, English, 建议)
    "recognised": ("驱动已安装并正常加载，已识别CA锁：{keys}",
                   "The driver is installed and loads; key recognised: {keys}", ""),
    "no_key": ("驱动已安装并正常加载，未识别到CA锁",
               "The driver is installed and loads; no key recognised",
               "请插入CA锁；如已插入，请换一个USB口或重新插拔。"),
    "load_failed": ("驱动已安装，但无法加载", "The driver is installed but does not load",
                    "请重新安装CA锁驱动；仍不行请致电技术支持。"),
    "unprobed": ("驱动已安装（尚未检测能否加载）", "The driver is installed (not yet loaded)", ""),
    "not_installed": ("未安装CA锁驱动", "No driver for a USB key is installed",
                      "请下载并安装CA机构提供的驱动。"),
}


@dataclass(frozen=True)
class DriverStatus:
    state: DriverState
    installed: bool  # a driver module is there and no check refused it
    loads: bool | None  # one of them loads; None: none was tried
    keys: tuple[str, ...]  # labels of the keys a loaded module lists
    unserved: tuple[str, ...] = ()  # plugged keys (USB ids) whose driver is not installed

    @property
    def summary_zh(self) -> str:
        return _TEXT[self.state][0].format(keys="、".join(self.keys))

    @property
    def summary_en(self) -> str:
        return _TEXT[self.state][1].format(keys=", ".join(self.keys))

    @property
    def advice_zh(self) -> str:
        if self.unserved:
            return "检测到尚未安装驱动的CA锁，请下载并安装其驱动。"
        return _TEXT[self.state][2]

    def text(self, english: bool = False) -> str:
        """The summary in the interface language, with the advice in Chinese."""
        if english:
            return self.summary_en
        return f"{self.summary_zh}。{self.advice_zh}" if self.advice_zh else self.summary_zh

    @property
    def ok(self) -> bool:
        return self.state == "recognised" and not self.unserved

    def to_json(self) -> dict[str, Any]:
        return {"state": self.state, "installed": self.installed, "loads": self.loads,
                "keys": list(self.keys), "unserved": list(self.unserved),
                "summary": self.summary_zh, "advice": self.advice_zh}


def driver_status(report: DriverReport) -> DriverStatus:
    """What the report says, decided once."""
    installed = [m for m in report.modules if m.installed]
    loading = [m for m in installed if m.loads]
    keys = tuple(dict.fromkeys(t.label for m in loading if m.load for t in m.load.tokens))
    unserved = tuple(m.key for m in report.matches if not m.installed)
    loads: bool | None
    if loading:
        loads = True
    elif any(m.loads is False for m in report.modules if m.exists):
        loads = False
    else:
        loads = None
    if keys:
        state: DriverState = "recognised"
    elif loading:
        state = "no_key"
    elif installed and all(m.loads is None for m in installed):
        state = "unprobed"
    elif installed or loads is False:
        state = "load_failed"
    else:
        state = "not_installed"
    return DriverStatus(state, bool(installed), loads, keys, unserved)


def current_report(catalogue: Catalogue | None, configured: Sequence[str],
                   tokens: TokenService | None = None, *, load: bool = True,
                   scanned: Sequence[ModuleInfo] = ()) -> DriverReport:
    """Every known module checked (and loaded through ``tokens`` when given: one service per
    process), the plugged keys and what they need. No ``catalogue`` (none usable here): the
    configured and detected modules still answer. ``scanned``: modules ``tokens`` has just
    scanned, taken as they are."""
    from .token.modules import diagnose_module_file

    if catalogue is None:
        catalogue = NO_CATALOGUE
    probe = None
    if load:
        paths = [p for p, _ in candidate_paths(catalogue, configured, inst.driver_root())]
        probe = token_probe(paths, tokens, scanned=scanned)
    return detect(catalogue, configured, inst.driver_root(), static_check=diagnose_module_file,
                  load_probe=probe)


class StatusInputs(NamedTuple):
    keys: tuple[str, ...]  # the catalogue keys trusted besides the built-in ones
    modules: tuple[str, ...]  # the modules configured


def status_inputs(settings: config.Settings | None = None) -> StatusInputs:
    """What every driver status is decided over: the program's ``settings`` (as it started)
    and the config file as it is now (an install registers its modules there); a config file
    that cannot be read: the program's alone."""
    try:
        now: config.Settings | None = config.load()
    except HyError:
        now = None
    both = [s for s in (settings, now) if s is not None]
    return StatusInputs(tuple(dict.fromkeys(k for s in both for k in s.catalogue_keys)),
                        tuple(dict.fromkeys(m for s in both for m in s.pkcs11_modules)))


def held_catalogue(keys: Sequence[str] = ()) -> Catalogue | None:
    """The catalogue held here (cache, else bundled), for a status without the network; None
    when none can be used."""
    try:
        return default_store(keys).current()
    except HyError:
        return None


def current_status(tokens: TokenService | None, catalogue: Catalogue | None = None, *,
                   settings: config.Settings | None = None,
                   scanned: Sequence[ModuleInfo] = ()) -> DriverStatus:
    """The one driver status as every surface shows it, over :func:`status_inputs`:
    ``catalogue`` (default: the one held here; none usable: the configured and detected modules
    still answer), loaded through ``tokens`` (``scanned``: its modules as just scanned)."""
    keys, modules = status_inputs(settings)
    held = catalogue if catalogue is not None else held_catalogue(keys)
    return driver_status(current_report(held, modules, tokens, scanned=scanned))


def key_name_zh(key: str) -> str:
    """A plugged key as a bidder reads it (``token:厂商/型号/序列号``, ``usb:vid:pid``)."""
    kind, _, rest = key.partition(":")
    if kind == "token":
        manufacturer, _, tail = rest.partition("/")
        model, _, serial = tail.rpartition("/")
        name = model or manufacturer or "CA锁"
        return f"{name}（序列号 {serial}）" if serial else name
    if kind == "usb":
        return f"USB设备 {rest}"
    return key
