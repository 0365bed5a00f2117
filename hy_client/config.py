"""The one settings object, stored as TOML in the user's config dir.

Environment overrides (for support, scripting and tests):
``HY_PLATFORM_URL`` (the platform base URL), ``HY_PKCS11_MODULE`` (a module path tried first),
``HY_CONFIG_DIR`` / ``HY_DATA_DIR`` / ``HY_LOG_DIR`` (where files live).
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import tomli_w

from . import errors
from .dirs import APP_NAME as APP_NAME
from .dirs import config_dir as config_dir
from .dirs import data_dir as data_dir
from .dirs import log_dir as log_dir

CONFIG_FILE = "config.toml"
SANDBOX_PORT = 8765


def origin_of(url: str) -> str:
    """``scheme://host[:port]`` of a URL: the origin the login challenge is bound to."""
    parts = urlsplit(url)
    if not parts.scheme or not parts.hostname:
        raise errors.HyError(errors.CONFIG_INVALID, f"not a URL: {url!r}")
    host = parts.hostname
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    default_port = {"http": 80, "https": 443}.get(parts.scheme)
    port = f":{parts.port}" if parts.port and parts.port != default_port else ""
    return f"{parts.scheme}://{host}{port}"


def is_loopback_host(host: str | None) -> bool:
    return host in {"127.0.0.1", "localhost", "::1"} or bool(host and host.startswith("127."))


@dataclass(frozen=True)
class PlatformProfile:
    """Where one trading platform lives. ``url`` is the API base; the origin derives from it."""

    name: str
    url: str
    title: str = ""
    ca_bundle: str = ""  # extra trusted CAs (PEM file), on top of the OS trust store

    @property
    def origin(self) -> str:
        return origin_of(self.url)


DEFAULT_PLATFORMS: dict[str, PlatformProfile] = {
    "sandbox": PlatformProfile("sandbox", f"http://127.0.0.1:{SANDBOX_PORT}", "本机测试平台"),
    "hengyang": PlatformProfile(
        "hengyang", "https://ggzy.hengyang.gov.cn", "衡阳市公共资源交易系统"),
}


def sandbox_included() -> bool:
    """Whether this build has the local sandbox (a bidder's bundle does not)."""
    import importlib.util

    try:
        return importlib.util.find_spec("hy_client.sandbox") is not None
    except (ImportError, ValueError):
        return False


def default_platform() -> str:
    """The sandbox in a development install; the real platform where there is no sandbox."""
    return "sandbox" if sandbox_included() else "hengyang"


@dataclass(frozen=True)
class Settings:
    platform: str = field(default_factory=default_platform)
    platforms: dict[str, PlatformProfile] = field(default_factory=lambda: dict(DEFAULT_PLATFORMS))
    pkcs11_modules: tuple[str, ...] = ()
    renewal_thresholds: tuple[int, int, int] = (90, 30, 7)
    bid_reminder_hours: tuple[int, ...] = (48, 2)
    catalogue_keys: tuple[str, ...] = ()  # pinned Ed25519 public keys, hex
    catalogue_url: str = ""  # empty: the platform's /api/v1/drivers/catalogue
    # Seconds. Connect: a reachable platform completes the TCP/TLS handshake in well under a
    # second even on a poor line; 5 s allows two lost SYNs (1 s + 2 s back-off) before "无法连接".
    # Read: the longest the platform may stay silent on one socket read; its slowest answers
    # (a submit under load) come in a few seconds, so 20 s means "frozen", not "slow".
    http_connect_timeout: float = 5.0
    http_timeout: float = 20.0
    # An upload whose bytes stop moving for this long fails (the draft is kept).
    upload_stall_seconds: float = 20.0
    token_poll_seconds: float = 0.75  # hot-plug: a key pulled or plugged shows within 2 s
    autostart: bool = False
    # No usable OS keyring: keep the session in a file only the user can read (with a warning).
    session_file_fallback: bool = True

    @property
    def active_platform(self) -> PlatformProfile:
        url = os.environ.get("HY_PLATFORM_URL")
        if url:
            return PlatformProfile("env", url.rstrip("/"), url)
        try:
            return self.platforms[self.platform]
        except KeyError:
            raise errors.HyError(errors.PLATFORM_UNKNOWN, self.platform) from None

    def platform_named(self, name_or_url: str) -> PlatformProfile:
        """A profile by name, or an ad-hoc one for a URL (``--platform``)."""
        if "://" in name_or_url:
            return PlatformProfile("url", name_or_url.rstrip("/"), name_or_url)
        try:
            return self.platforms[name_or_url]
        except KeyError:
            raise errors.HyError(errors.PLATFORM_UNKNOWN, name_or_url) from None

    @property
    def http_timeouts(self) -> tuple[float, float]:
        """(connect, read) for every request."""
        return (self.http_connect_timeout, self.http_timeout)

    @property
    def module_overrides(self) -> tuple[str, ...]:
        env = os.environ.get("HY_PKCS11_MODULE")
        return (env,) if env else ()

    def to_toml(self) -> dict[str, Any]:
        out = asdict(self)
        out["platforms"] = {k: {kk: vv for kk, vv in asdict(v).items() if kk != "name"}
                            for k, v in self.platforms.items()}
        return {k: list(v) if isinstance(v, tuple) else v for k, v in out.items()}

    @classmethod
    def from_toml(cls, data: dict[str, Any]) -> Settings:
        known = {f.name: f for f in fields(cls)}
        kwargs: dict[str, Any] = {}
        for key, value in data.items():
            if key not in known:
                continue  # tolerate keys from newer versions
            if key == "platforms":
                platforms = dict(DEFAULT_PLATFORMS)
                for name, spec in value.items():
                    if not isinstance(spec, dict) or "url" not in spec:
                        raise errors.HyError(errors.CONFIG_INVALID, f"platforms.{name}")
                    platforms[name] = PlatformProfile(name=name, **{
                        k: str(v) for k, v in spec.items() if k in ("url", "title", "ca_bundle")})
                value = platforms
            elif isinstance(value, list):
                value = tuple(value)
            kwargs[key] = value
        try:
            settings = cls(**kwargs)
        except TypeError as exc:
            raise errors.HyError(errors.CONFIG_INVALID, str(exc)) from None
        _check_types(settings)
        return settings


def _check_types(settings: Settings) -> None:
    default = Settings()
    for f in fields(Settings):
        value, expected = getattr(settings, f.name), getattr(default, f.name)
        if isinstance(expected, bool) and not isinstance(value, bool):
            raise errors.HyError(errors.CONFIG_INVALID, f.name)
        if isinstance(expected, float) and not isinstance(value, int | float):
            raise errors.HyError(errors.CONFIG_INVALID, f.name)
        if isinstance(expected, str | tuple | dict) and not isinstance(value, type(expected)):
            raise errors.HyError(errors.CONFIG_INVALID, f.name)


def config_path() -> Path:
    return config_dir() / CONFIG_FILE


def _read(path: Path) -> dict[str, Any]:
    """The config file's TOML ({} when there is none); CONFIG_INVALID when it is bad."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise errors.HyError(errors.CONFIG_INVALID, type(exc).__name__) from None
    try:
        return tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise errors.HyError(errors.CONFIG_INVALID, str(exc)) from None


def load() -> Settings:
    """The settings from disk; defaults when there is no file; CONFIG_INVALID when it is bad."""
    return Settings.from_toml(_read(config_path()))


def save(settings: Settings) -> Path:
    """Write atomically, so a crash never leaves half a config."""
    from .private import write_private

    path = config_path()
    write_private(path, tomli_w.dumps(settings.to_toml()))
    return path


@dataclass(frozen=True)
class Effective:
    """One effective setting and where it came from."""

    name: str
    value: Any
    source: str  # "default", "file", "env:HY_…", "default (no sandbox in this build)"


_DIR_ENV = {"config_dir": ("HY_CONFIG_DIR", config_dir), "data_dir": ("HY_DATA_DIR", data_dir),
            "log_dir": ("HY_LOG_DIR", log_dir)}


def effective() -> list[Effective]:
    """Every setting as the program uses it now, with its origin (``config show``)."""
    path = config_path()
    raw = _read(path)
    settings = Settings.from_toml(raw)
    out = []
    for f in fields(Settings):
        value = getattr(settings, f.name)
        if f.name == "platforms":
            value = {k: asdict(v) for k, v in value.items()}
        elif isinstance(value, tuple):
            value = list(value)
        source = "file" if f.name in raw else "default"
        if f.name == "platform" and source == "default" and not sandbox_included():
            source = "default (no sandbox in this build)"
        out.append(Effective(f.name, value, source))
    url = os.environ.get("HY_PLATFORM_URL")
    active = settings.active_platform
    out.append(Effective("platform_url", active.url,
                         "env:HY_PLATFORM_URL" if url else f"platforms.{active.name}"))
    out.append(Effective("platform_origin", active.origin, "platform_url"))
    if settings.module_overrides:
        out.append(Effective("module_override", settings.module_overrides[0],
                             "env:HY_PKCS11_MODULE"))
    for name, (env, where) in _DIR_ENV.items():
        out.append(Effective(name, str(where()), f"env:{env}" if os.environ.get(env)
                             else "default"))
    out.append(Effective("config_file", str(path), "file" if path.exists() else "default"))
    return out


def update(**changes: Any) -> Settings:
    settings = replace(load(), **changes)
    save(settings)
    return settings
