from tests.softhsm_fixtures import softhsm_module, test_ca  # noqa: F401 (fixtures)
