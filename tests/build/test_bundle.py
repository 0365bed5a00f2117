"""The frozen bundle from build.spec, run as support and bidders run it (one build per run)."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from hy_client import __version__
from hy_client.cli import GROUPS
from hy_client.sandbox import softhsm

pytestmark = pytest.mark.build

ROOT = Path(__file__).resolve().parents[2]
LABEL = "hy-bundle"
PIN = "314159"
CN = "投标人 冻结包测试"


@pytest.fixture(scope="session")
def smoke_token(tmp_path_factory, softhsm_module, test_ca) -> dict[str, str]:
    """A private SoftHSM2 token dir with one token (EC P-256 key and certificate), made only with
    external tools and passed to the frozen program by environment: this process's PKCS#11 state
    and SOFTHSM2_CONF stay as the other tests left them. Returns the program's extra env."""
    if shutil.which("pkcs11-tool") is None:
        pytest.skip("OpenSC's pkcs11-tool is not installed")
    env = softhsm.SoftHSMEnv.create(tmp_path_factory.mktemp("bundle-softhsm"))
    env.init_token(LABEL, "so-12345678", PIN)
    key = ec.generate_private_key(ec.SECP256R1())
    cert = test_ca.issue(key.public_key(), cn=CN, organization="衡阳市某某建设工程有限公司")
    softhsm.pkcs11_tool_write(env, softhsm_module, LABEL, PIN, key, cert, b"\x01", "bundle")
    return {"SOFTHSM2_CONF": str(env.conf), "HY_PKCS11_MODULE": softhsm_module}


def _tokens(document: dict) -> list[dict]:
    return [slot["token"] for module in document["modules"] for slot in module["slots"]
            if slot["token"] is not None]


def test_console_program_reports_its_version(run_frozen):
    result = run_frozen("--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"hy-client {__version__}"


def test_every_command_group_is_in_the_bundle(run_frozen):
    result = run_frozen("--help")  # imports every group's module
    assert result.returncode == 0, result.stderr
    for name in GROUPS:
        assert name in result.stdout


def test_token_list_json_reads_a_softhsm_token(run_frozen, smoke_token):
    module = smoke_token["HY_PKCS11_MODULE"]
    result = run_frozen("token", "list", "--json", "--module", module, env=smoke_token)
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert [m["path"] for m in document["modules"]] == [module]
    assert document["modules"][0]["error"] is None
    token = next(t for t in _tokens(document) if t["label"] == LABEL)
    (cert,) = token["certificates"]
    assert (cert["id"], cert["subject_cn"], cert["key_algorithm"], cert["status"]) == \
        ("01", CN, "EC-P256", "valid")
    assert cert["usable_for_login"] is True


def test_doctor_json_runs_frozen(run_frozen, smoke_token):
    result = run_frozen("doctor", "--json", "--section", "system", "--section", "modules",
                        "--section", "tokens", env=smoke_token)
    assert result.returncode in (0, 1), result.stderr  # 1: a finding, never a crash
    report = json.loads(result.stdout)
    assert report["format"] == "hy-client-diagnostics/1"
    assert report["app_version"] == __version__
    system = next(f for f in report["findings"] if f["id"] == "system.info")
    assert system["data"]["frozen"] is True
    token_findings = [f for f in report["findings"] if f["section"] == "tokens"]
    assert any(LABEL in json.dumps(f, ensure_ascii=False) for f in token_findings)
    assert not any(f["code"] == "G199" for f in report["findings"])


def test_bundled_driver_catalogue_is_found_frozen(run_frozen):
    """importlib.resources finds hy_drivers inside the bundle, and its signature verifies."""
    result = run_frozen("drivers", "list", "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["catalogue"]["source"] == "bundled"


def test_sandbox_is_not_bundled_and_says_so(run_frozen, bundle):
    result = run_frozen("sandbox", "serve")
    assert result.returncode == 1
    assert "[S104]" in result.stderr and "Traceback" not in result.stderr
    assert not (bundle.internal / "fastapi").exists()
    assert not (bundle.internal / "uvicorn").exists()


@pytest.mark.skipif(sys.platform.startswith("win"), reason="a windowed program has no stdout")
def test_gui_program_imports_qt_and_the_app(run_frozen, bundle):
    result = run_frozen("--help", program=bundle.gui, env={"QT_QPA_PLATFORM": "offscreen"})
    assert result.returncode == 0, result.stderr
    assert "hy-client-gui" in result.stdout


def test_bundled_data_layout(bundle):
    resources = bundle.internal / "hy_resources"
    for name in ("app.svg", "app.png", "app.ico"):
        assert (resources / "icons" / name).is_file()
    sources = sorted((ROOT / "resources" / "translations").glob("*.ts"))
    for ts in sources:
        assert (resources / "translations" / ts.with_suffix(".qm").name).is_file()
    assert not list(resources.rglob("*.ts"))  # the .qm is used as is, never recompiled
    assert (bundle.internal / "hy_drivers" / "catalogue.json").is_file()
    assert (bundle.internal / "hy_drivers" / "catalogue.json.sig").is_file()
    qt_translations = [bundle.internal / "PySide6" / "Qt" / "translations",  # Linux wheel
                       bundle.internal / "PySide6" / "translations"]  # Windows wheel
    found = [p.name for d in qt_translations if d.is_dir() for p in d.iterdir()]
    assert "qtbase_zh_CN.qm" in found
    assert all("zh_CN" in name or "_en" in name for name in found)


class _Node:
    """Stands in for PyInstaller's version-resource classes (their module needs pefile)."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        self.args, self.kwargs = args, kwargs


def test_windows_version_resource_carries_the_version(bundle):
    if bundle.work is None:
        pytest.skip("bundle built elsewhere: its work dir is not here")
    files = sorted(bundle.work.rglob("version-*.txt"))
    assert [f.name for f in files] == ["version-hy-client-gui.txt", "version-hy-client.txt"]
    names = {n: type(n, (_Node,), {}) for n in (
        "VSVersionInfo", "FixedFileInfo", "StringFileInfo", "StringTable", "StringStruct",
        "VarFileInfo", "VarStruct")}
    major, minor, patch = (int(n) for n in __version__.split(".")[:3])
    for file in files:
        info = eval(file.read_text("utf-8"), {"__builtins__": {}}, names)
        assert info.kwargs["ffi"].kwargs["filevers"] == (major, minor, patch, 0)
        table = info.kwargs["kids"][0].args[0][0]
        strings = {s.args[0]: s.args[1] for s in table.args[1]}
        assert strings["FileVersion"] == strings["ProductVersion"] == __version__
        assert strings["OriginalFilename"] == file.stem.removeprefix("version-") + ".exe"


def test_frozen_doctor_reports_package_versions(run_frozen):
    """Package metadata is bundled: the versions support asks for are there, not "未安装"."""
    result = run_frozen("doctor", "--json", "--section", "system")
    report = json.loads(result.stdout)
    data = next(f for f in report["findings"] if f["id"] == "system.info")["data"]
    assert data["python_pkcs11"] and data["cryptography"] and data["requests"]


def test_a_bundle_without_the_sandbox_defaults_to_the_real_platform(run_frozen):
    result = run_frozen("config", "show", "--json")
    assert result.returncode == 0, result.stderr
    settings = json.loads(result.stdout)
    assert settings["platform"] == {"value": "hengyang",
                                    "source": "default (no sandbox in this build)"}
    assert settings["platform_url"]["value"] == "https://ggzy.hengyang.gov.cn"


@pytest.mark.parametrize("code_page", ["cp936", "cp1252"])
def test_chinese_json_through_a_pipe_is_utf8_on_any_code_page(run_frozen, smoke_token,
                                                              code_page):
    """A pipe gets the ANSI code page on Windows; PYTHONIOENCODING gives the frozen program
    the same stream encoding here. The output must still be UTF-8 (cp1252 cannot even encode
    the certificate's Chinese name, cp936 would write GBK)."""
    module = smoke_token["HY_PKCS11_MODULE"]
    result = run_frozen("token", "list", "--json", "--module", module,
                        env={**smoke_token, "PYTHONIOENCODING": code_page})
    assert result.returncode == 0, result.stderr
    assert CN in result.stdout  # run_frozen decodes the pipe as UTF-8
    shown = run_frozen("config", "show", env={"PYTHONIOENCODING": code_page})
    assert shown.returncode == 0 and "默认值" in shown.stdout, shown.stderr
