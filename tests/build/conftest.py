"""The bundle: built once per run from build.spec (about a minute), or taken from HY_BUNDLE_DIR
(and its work dir from HY_BUNDLE_WORK: what ``make release-check`` passes after its own build),
then run as a user would run it."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.softhsm_fixtures import softhsm_module, test_ca  # noqa: F401 (fixtures)

ROOT = Path(__file__).resolve().parents[2]
EXE = ".exe" if sys.platform.startswith("win") else ""


def _release_check():
    """scripts/ is not a package: load the one build function the release check also uses."""
    spec = importlib.util.spec_from_file_location("release_check",
                                                  ROOT / "scripts" / "release_check.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


release_check = _release_check()
BUNDLE_NAME: str = release_check.BUNDLE_NAME


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "build: needs the PyInstaller bundle (built once per run)")


@dataclass(frozen=True)
class Bundle:
    root: Path  # dist/hy-client
    work: Path | None  # PyInstaller's work dir when built here

    @property
    def cli(self) -> Path:
        return self.root / f"{BUNDLE_NAME}{EXE}"

    @property
    def gui(self) -> Path:
        return self.root / f"{BUNDLE_NAME}-gui{EXE}"

    @property
    def internal(self) -> Path:
        return self.root / "_internal"


@pytest.fixture(scope="session")
def bundle():
    existing = os.environ.get("HY_BUNDLE_DIR")
    if existing:
        work = os.environ.get("HY_BUNDLE_WORK")
        yield Bundle(Path(existing), Path(work) if work else None)
        return
    pytest.importorskip("PyInstaller")
    base = Path(tempfile.mkdtemp(prefix="hy-bundle-"))
    try:
        try:
            release_check.build(base / "dist", base / "work", capture=True)
        except subprocess.CalledProcessError as exc:
            pytest.fail(f"pyinstaller build.spec failed:\n{(exc.stderr or '')[-4000:]}")
        yield Bundle(base / "dist" / BUNDLE_NAME, base / "work")
    finally:
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def run_frozen(bundle, isolated_dirs):
    """Run the frozen console program with this test's config/data/log dirs."""

    def run(*args: str, env: dict[str, str] | None = None,
            program: Path | None = None) -> subprocess.CompletedProcess[str]:
        full_env = {**os.environ, **(env or {})}
        return subprocess.run([str(program or bundle.cli), *args], capture_output=True,
                              text=True, encoding="utf-8", env=full_env, timeout=120,
                              check=False)

    return run
