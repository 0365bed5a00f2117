"""The browser settings of the manual's chapter 1.1, for bidders who still use the web portal.

The manual asks for the platform's host among the trusted sites, the trusted zone's ActiveX
settings enabled, and (IE being gone from Windows 11) Edge's Internet Explorer mode. All of it is
current-user registry (HKCU): no administrator, no other user touched.

- Trusted site: ``ZoneMap\\Domains\\<domain>\\<rest of host>`` values ``http`` and ``https`` =
  2 (zone 2 is Trusted sites; 0 local, 1 intranet, 3 internet, 4 restricted).
- Zone 2's URL actions (0 enable, 1 prompt, 3 disable): 1001 download signed ActiveX, 1004
  download unsigned ActiveX, 1200 run ActiveX controls and plug-ins, 1201 initialise and script
  ActiveX not marked safe, 1405 script ActiveX marked safe.
- Edge: the ``InternetExplorerIntegrationLevel`` policy = 1 (IE mode) and
  ``InternetExplorerIntegrationSiteList`` = a site list we write that opens the host in IE11
  mode, under ``HKCU\\SOFTWARE\\Policies\\Microsoft\\Edge``. Windows often lets only
  administrators write there: then that part is reported, never half-done silently.

``apply`` records every value it changes (the previous value, or that there was none) in a
journal; ``undo`` (撤销) puts each one back and removes the journal.
"""

from __future__ import annotations

import base64
import ipaddress
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import quoteattr

from . import config
from .net import INTERNET_SETTINGS
from .private import write_private
from .registry import REG_BINARY, REG_DWORD, REG_SZ, Registry, RegistryDenied
from .winsupport import is_windows

DOMAINS = INTERNET_SETTINGS + r"\ZoneMap\Domains"
TRUSTED_ZONE = INTERNET_SETTINGS + r"\Zones\2"
EDGE_POLICY = r"SOFTWARE\Policies\Microsoft\Edge"
TRUSTED = 2
ENABLE = 0
ACTIVEX_ACTIONS = {
    "1001": "下载已签名的 ActiveX 控件",
    "1004": "下载未签名的 ActiveX 控件",
    "1200": "运行 ActiveX 控件和插件",
    "1201": "对未标记为可安全执行脚本的 ActiveX 控件初始化并执行脚本",
    "1405": "对标记为可安全执行脚本的 ActiveX 控件执行脚本",
}
IE_MODE = 1
# Second-level suffixes under which a registrable domain has three labels.
_CN_SUFFIXES = ("gov.cn", "com.cn", "net.cn", "org.cn", "edu.cn", "ac.cn")


@dataclass(frozen=True)
class Setting:
    """One registry value the manual needs, and the value it needs."""

    id: str
    title_zh: str
    path: str
    name: str
    kind: int
    wanted: Any


@dataclass(frozen=True)
class SettingState:
    setting: Setting
    current: Any  # None: not set

    @property
    def ok(self) -> bool:
        return self.current == self.setting.wanted


@dataclass(frozen=True)
class ApplyResult:
    changed: tuple[str, ...]  # setting ids written
    denied: tuple[str, ...]  # setting ids Windows refused (policy keys need an administrator)


def journal_path() -> Path:
    return config.data_dir() / "web-portal-settings.json"


def site_list_path() -> Path:
    return config.data_dir() / "edge-ie-mode-sites.xml"


def zone_key(host: str) -> tuple[str, str] | None:
    """(domain key, subkey or "") of ``host`` under ZoneMap\\Domains; None for an IP address or
    a name without a dot (those go elsewhere and are not what the platform uses)."""
    host = host.strip(".").lower()
    try:
        ipaddress.ip_address(host)
        return None
    except ValueError:
        pass
    labels = host.split(".")
    if len(labels) < 2:
        return None
    size = 3 if ".".join(labels[-2:]) in _CN_SUFFIXES and len(labels) >= 3 else 2
    return ".".join(labels[-size:]), ".".join(labels[:-size])


def required(host: str) -> list[Setting]:
    """Every value the web portal needs for ``host`` (empty when it cannot be a trusted site)."""
    key = zone_key(host)
    if key is None:
        return []
    domain, sub = key
    site = f"{DOMAINS}\\{domain}" + (f"\\{sub}" if sub else "")
    out = [Setting(f"zonemap.{scheme}", f"受信任站点（{scheme}://{host}）", site, scheme,
                   REG_DWORD, TRUSTED) for scheme in ("http", "https")]
    out += [Setting(f"zone2.{action}", f"受信任站点区域：{title}", TRUSTED_ZONE, action,
                    REG_DWORD, ENABLE) for action, title in ACTIVEX_ACTIONS.items()]
    out += [
        Setting("edge.ie_mode", "Edge 浏览器 Internet Explorer 模式", EDGE_POLICY,
                "InternetExplorerIntegrationLevel", REG_DWORD, IE_MODE),
        Setting("edge.site_list", "Edge IE 模式站点列表（交易平台以 IE 模式打开）", EDGE_POLICY,
                "InternetExplorerIntegrationSiteList", REG_SZ, site_list_path().as_uri()),
    ]
    return out


def check(host: str, reg: Registry) -> list[SettingState]:
    """Each required value as it is now. An Edge policy the IT department set for the machine
    (HKLM) wins over the user's, so it is read first and counts when present."""
    out = []
    for setting in required(host):
        value = reg.get("HKLM", setting.path, setting.name) if setting.path == EDGE_POLICY \
            else None
        if value is None:
            value = reg.get("HKCU", setting.path, setting.name)
        out.append(SettingState(setting, value[0] if value is not None else None))
    return out


def site_list_xml(host: str) -> str:
    """An Enterprise Mode site list (schema v2) that opens ``host`` in IE11 mode."""
    return ("<site-list version=\"1\">\n"
            f"  <site url={quoteattr(host)}>\n"
            "    <compat-mode>Default</compat-mode>\n"
            "    <open-in>IE11</open-in>\n"
            "  </site>\n"
            "</site-list>\n")


def _encode(value: tuple[Any, int] | None) -> Any:
    if value is None:
        return None
    data, kind = value
    return [base64.b64encode(data).decode() if kind == REG_BINARY else data, kind]


def _decode(item: Any) -> tuple[Any, int] | None:
    if item is None:
        return None
    data, kind = item
    return (base64.b64decode(data) if kind == REG_BINARY else data, int(kind))


def _read_journal() -> list[dict[str, Any]]:
    try:
        data = json.loads(journal_path().read_text("utf-8"))
    except (OSError, ValueError):
        return []
    return data if isinstance(data, list) else []


def _write_journal(entries: list[dict[str, Any]]) -> None:
    write_private(journal_path(), json.dumps(entries, ensure_ascii=False, indent=1))


def apply(host: str, reg: Registry) -> ApplyResult:
    """Set every value that is not yet right, recording the previous one first. The first
    recorded previous value of a setting is kept across repeated runs, so ``undo`` returns to
    the state before the program ever touched it."""
    journal = _read_journal()
    recorded = {(e["path"].casefold(), e["name"].casefold()) for e in journal}
    changed, denied = [], []
    for state in check(host, reg):
        s = state.setting
        if state.ok:
            continue
        if s.id == "edge.site_list":
            site_list_path().parent.mkdir(parents=True, exist_ok=True)
            site_list_path().write_text(site_list_xml(host), "utf-8")
        previous = reg.get("HKCU", s.path, s.name)
        key = (s.path.casefold(), s.name.casefold())
        if key not in recorded:
            journal.append({"id": s.id, "path": s.path, "name": s.name,
                            "previous": _encode(previous)})
            recorded.add(key)
            _write_journal(journal)  # recorded before the write: a crash loses nothing
        try:
            reg.set("HKCU", s.path, s.name, s.wanted, s.kind)
        except RegistryDenied:
            denied.append(s.id)
            continue
        changed.append(s.id)
    return ApplyResult(tuple(changed), tuple(denied))


def can_undo() -> bool:
    return bool(_read_journal())


def undo(reg: Registry) -> list[str]:
    """Put back every recorded value (撤销); the ids restored. The journal is removed once all
    are back; a value Windows refuses stays in it for the next try."""
    left = []
    restored = []
    for entry in reversed(_read_journal()):
        previous = _decode(entry.get("previous"))
        try:
            if previous is None:
                reg.delete("HKCU", entry["path"], entry["name"])
            else:
                reg.set("HKCU", entry["path"], entry["name"], previous[0], previous[1])
        except RegistryDenied:
            left.append(entry)
            continue
        restored.append(str(entry["id"]))
    if left:
        _write_journal(list(reversed(left)))
    else:
        journal_path().unlink(missing_ok=True)
        site_list_path().unlink(missing_ok=True)
    return restored


def applicable(plat: str = sys.platform) -> bool:
    return is_windows(plat)

