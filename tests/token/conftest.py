"""The token tests use real SoftHSM2 tokens (tests/softhsm_fixtures.py)."""

from tests.softhsm_fixtures import *  # noqa: F403
