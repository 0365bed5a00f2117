"""Against the real sandbox process: refresh, install its test driver, list the token."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from hy_client import config
from hy_client.drivers import install as inst
from hy_client.drivers.store import CatalogueStore, catalogue_url_for
from hy_client.sandbox.driver_repo import TEST_DRIVER_ID
from hy_client.token.modules import diagnose_module_file

from .conftest import pkcs11_tool_probe

_spec = importlib.util.spec_from_file_location(
    "sandbox_fixtures", Path(__file__).parent.parent / "sandbox_fixtures.py")
assert _spec is not None and _spec.loader is not None
_fixtures = sys.modules.setdefault("sandbox_fixtures", importlib.util.module_from_spec(_spec))
if not hasattr(_fixtures, "sandbox_server"):
    _spec.loader.exec_module(_fixtures)
sandbox_server = _fixtures.sandbox_server


def test_install_from_sandbox(sandbox_server, session, softhsm_token):
    pub_file = sandbox_server.data_dir / "driver-repo" / "catalogue.pub"
    if not pub_file.exists():
        pytest.fail("the sandbox did not build its driver repository")
    store = CatalogueStore(inst.catalogue_dir(), [pub_file.read_text().strip()])
    catalogue = store.refresh(session, catalogue_url_for(sandbox_server.url))
    entry = catalogue.get(TEST_DRIVER_ID)
    assert entry.url.startswith(sandbox_server.url)
    result = inst.install(entry, session, static_check=diagnose_module_file,
                          load_probe=pkcs11_tool_probe)
    assert config.load().pkcs11_modules == result.modules
    assert result.load is not None
    assert softhsm_token in [t.label for t in result.load.tokens]
