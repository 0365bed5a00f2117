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
