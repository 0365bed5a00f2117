"""`python -m hy_client.sandbox.launch` (`make demo`): the sandbox platform, a demo key, the app.

Everything lives under the user data dir (``sandbox/``), so a second run reuses the same accounts,
CA and key. The sandbox is started as a child process unless one already answers on its port, and
is stopped again when the app closes. Without a display the demo prints the key listing and the
commands to try instead of opening a window. The app and the CLI run as child processes: the
sandbox never imports the GUI, and none of this ships in the release bundle.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import requests

from .. import config
from . import provision

DEMO_LABEL = "HY-DEMO"
DEMO_PIN = "123456"  # the sandbox's documented demo PIN; the app suggests changing it
SANDBOX_URL = f"http://127.0.0.1:{config.SANDBOX_PORT}"


def sandbox_data() -> Path:
    return config.data_dir() / "sandbox"


def _healthy(url: str) -> bool:
    try:
        return requests.get(f"{url}/api/v1/health", timeout=1).status_code == 200
    except requests.RequestException:
        return False


def start_sandbox(data: Path, timeout: float = 60.0) -> subprocess.Popen[bytes] | None:
    """A running sandbox on the default port: ours (returned, to stop later) or one already up."""
    if _healthy(SANDBOX_URL):
        return None
    data.mkdir(parents=True, exist_ok=True)
    log = (data / "serve.log").open("ab")
    proc = subprocess.Popen(
        [sys.executable, "-m", "hy_client.cli", "sandbox", "serve", "--data", str(data)],
        stdout=log, stderr=subprocess.STDOUT)
    log.close()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"测试平台启动失败，请查看 {data / 'serve.log'}")
        if _healthy(SANDBOX_URL):
            return proc
        time.sleep(0.2)
    proc.terminate()
    raise SystemExit("测试平台启动超时")


def _announce(kind: str, result: provision.ProvisionResult) -> None:
    """The one line a trainer sees when a demo key is made (only the first start makes one)."""
    print(f"已创建{kind}「{result.label}」：{result.subject_cn}，证书有效期至 "
          f"{result.not_after:%Y-%m-%d}")


def ensure_sm2_demo_token(data: Path) -> str:
    """The 国密 variant (``HY_DEMO_KEY=sm2``): an SM2 key on the SM2 test token."""
    from . import sm2token

    os.environ.setdefault(sm2token.ENV_DIR, str(provision.sm2_token_root(data)))
    root = Path(os.environ[sm2token.ENV_DIR])
    if not any(root.glob("*/token.conf")):
        _announce("国密演示CA锁", provision.provision_sm2_token(
            data, label=DEMO_LABEL + "-SM2", pin=DEMO_PIN))
    module = sm2token.module_path()
    if module is None:
        raise SystemExit("未找到国密测试CA锁模块：请运行 make sm2token。")
    return module


def ensure_demo_token(data: Path) -> str:
    """Provision the bound demo key once; returns the PKCS#11 module path."""
    if os.environ.get("HY_DEMO_KEY", "rsa").lower() == "sm2":
        return ensure_sm2_demo_token(data)
    env = provision.softhsm_env(data)
    env.activate()  # SOFTHSM2_CONF for this process and the app
    try:
        env.serial_of(DEMO_LABEL)
    except LookupError:
        _announce("演示CA锁", provision.provision_token(
            data, label=DEMO_LABEL, pin=DEMO_PIN, key_type="rsa"))
    from . import softhsm

    module = softhsm.softhsm_module()
    if module is None:
        raise SystemExit("未安装 SoftHSM2：请运行 make demo（会自动安装）。")
    return module


def configure(data: Path, module: str) -> None:
    """Point the app at the sandbox, the demo key's module and the sandbox's driver catalogue."""
    settings = config.load()
    keys = list(settings.catalogue_keys)
    pub = data / "driver-repo" / "catalogue.pub"
    if pub.exists() and (key := pub.read_text("utf-8").strip()) not in keys:
        keys.append(key)
    modules = list(settings.pkcs11_modules)
    if module not in modules:
        modules.append(module)
    config.update(platform="sandbox", pkcs11_modules=tuple(modules), catalogue_keys=tuple(keys))


def has_display() -> bool:
    return sys.platform == "win32" or bool(
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def main() -> int:
    data = sandbox_data()
    server = start_sandbox(data)
    try:
        module = ensure_demo_token(data)
        configure(data, module)
        label = DEMO_LABEL + ("-SM2" if os.environ.get("HY_DEMO_KEY", "").lower() == "sm2"
                              else "")
        print(f"测试平台：{SANDBOX_URL}　演示账号 demo_bidder / Bidder2024　"
              f"演示CA锁 {label}，PIN码 {DEMO_PIN}（仅用于本机演示）")
        if has_display():
            return subprocess.call([sys.executable, "-m", "ui.app", "--platform", "sandbox"])
        print("\n没有图形显示环境，以下为CA锁信息；可尝试：.venv/bin/hy-client login --ca\n",
              flush=True)
        return subprocess.call([sys.executable, "-m", "hy_client.cli", "token", "list"])
    finally:
        if server is not None:
            server.terminate()
            server.wait(10)


if __name__ == "__main__":
    sys.exit(main())
