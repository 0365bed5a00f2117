"""The one way to find shipped data (resources/, drivers/) in a checkout, a wheel or a bundle.

Both are regular packages (``hy_resources``, ``hy_drivers``) installed as directories, so the
package's own folder is the answer; ``importlib.resources`` (several ms to import) is not needed
on the way to the first window.
"""

from __future__ import annotations

import importlib
from pathlib import Path


def _package_dir(name: str) -> Path:
    return Path(next(iter(importlib.import_module(name).__path__)))


def resources_dir() -> Path:
    return _package_dir("hy_resources")


def bundled_drivers_dir() -> Path:
    return _package_dir("hy_drivers")
