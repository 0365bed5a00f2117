"""The SM2 test token's own tests: the PKCS#11 ABI as python-pkcs11 sees it."""

from tests.sm2_fixtures import *  # noqa: F403
