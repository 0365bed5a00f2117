"""The one way to find shipped data (resources/, drivers/) in a checkout, a wheel or a bundle."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def resources_dir() -> Path:
    return Path(str(files("hy_resources")))


def bundled_drivers_dir() -> Path:
    return Path(str(files("hy_drivers")))
