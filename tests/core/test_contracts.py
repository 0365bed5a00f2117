"""The import contracts (pyproject.toml, checked by lint-imports in make lint) cover the whole
core: a new core module must be named in the "no sandbox" contract, or it would go unchecked."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_core_module_is_under_the_no_sandbox_contract():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    contract = next(c for c in config["tool"]["importlinter"]["contracts"]
                    if c["id"] == "core-no-sandbox")
    core = ROOT / "hy_client"
    modules = {f"hy_client.{p.stem}" for p in core.glob("*.py") if p.stem != "__init__"}
    modules |= {f"hy_client.{p.parent.name}" for p in core.glob("*/__init__.py")}
    assert modules - {"hy_client.sandbox"} == set(contract["source_modules"])


def test_every_package_is_in_the_hand_written_package_list():
    """pyproject lists packages by hand (resources ship under other names): one left out is
    missing from a wheel, while the editable install used here would not show it."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    listed = set(config["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(ROOT).parts)
             for top in ("hy_client", "ui") for p in (ROOT / top).rglob("__init__.py")}
    assert found <= listed, sorted(found - listed)
