"""The Windows workflow file is a valid GitHub Actions workflow (SchemaStore's schema, vendored
by check-jsonschema, so this runs offline) and runs what the Windows test path promises."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
WORKFLOW = ROOT / ".github" / "workflows" / "windows.yml"


def test_workflow_matches_the_schema():
    # a dev dependency: missing, this fails (a skip would hide a broken set-up)
    tool = shutil.which("check-jsonschema") or str(Path(sys.executable).parent / "check-jsonschema")
    done = subprocess.run([tool, "--builtin-schema", "vendor.github-workflows", str(WORKFLOW)],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def test_workflow_runs_the_promised_steps():
    flow = yaml.safe_load(WORKFLOW.read_text("utf-8"))
    (job,) = flow["jobs"].values()
    assert all(os.startswith("windows-") for os in job["strategy"]["matrix"]["os"])
    script = "\n".join(step.get("run", "") for step in job["steps"])
    assert "-m windows" in script and "pyinstaller build.spec" in script
    for needed in ("--help", "chcp 936", "chcp 1252", "token list --json", "config show"):
        assert needed in script, needed


def test_the_smoke_checker(tmp_path):
    checker = [sys.executable, str(ROOT / "scripts" / "check_utf8.py")]
    good = tmp_path / "good.json"
    good.write_text('{"platform": {"value": "hengyang"}, "t": "衡阳"}', "utf-8")
    gbk = tmp_path / "gbk.json"
    gbk.write_bytes('{"t": "衡阳"}'.encode("gbk"))
    run = lambda *a: subprocess.run([*checker, *a], capture_output=True, check=False)  # noqa: E731
    assert run(str(good), "--json", "--expect", "platform.value=hengyang",
               "--contains", "衡阳").returncode == 0
    assert run(str(good), "--expect", "platform.value=sandbox").returncode == 1
    assert run(str(gbk), "--json").returncode == 1
