"""The signed driver catalogue and its files, with HTTP Range, as the driver client fetches them."""

from __future__ import annotations

import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from hy_client.sandbox.drivers_http import Unsatisfiable, parse_range
from tests.sandbox.helpers import Api, code_of


@pytest.fixture(scope="module")
def package(shared_sandbox):
    api = Api(shared_sandbox.api)
    body = api.call("GET", "/drivers/catalogue").content
    signature = api.call("GET", "/drivers/catalogue.sig").content
    public = (shared_sandbox.data_dir / "driver-repo" / "catalogue.pub").read_text().strip()
    Ed25519PublicKey.from_public_bytes(bytes.fromhex(public)).verify(signature, body)
    entry = json.loads(body)["drivers"][0]
    return entry["url"].rsplit("/", 1)[1], entry["size"]


def test_catalogue_urls_point_at_this_sandbox(shared_sandbox):
    body = Api(shared_sandbox.api).call("GET", "/drivers/catalogue").json()
    assert body["drivers"][0]["url"].startswith(shared_sandbox.url + "/api/v1/drivers/files/")


def test_ranges(shared_sandbox, package):
    name, size = package
    api = Api(shared_sandbox.api)
    whole = api.call("GET", f"/drivers/files/{name}")
    assert whole.status_code == 200 and len(whole.content) == size
    part = api.call("GET", f"/drivers/files/{name}", headers={"Range": "bytes=100-"})
    assert part.status_code == 206
    assert part.headers["Content-Range"] == f"bytes 100-{size - 1}/{size}"
    assert part.content == whole.content[100:]
    tail = api.call("GET", f"/drivers/files/{name}", headers={"Range": "bytes=-10"})
    assert tail.content == whole.content[-10:]
    beyond = api.call("GET", f"/drivers/files/{name}", headers={"Range": f"bytes={size}-"})
    assert beyond.status_code == 416 and beyond.headers["Content-Range"] == f"bytes */{size}"
    assert code_of(beyond) == "P114"
    odd = api.call("GET", f"/drivers/files/{name}", headers={"Range": "pages=1-2"})
    assert odd.status_code == 200 and len(odd.content) == size


@pytest.mark.parametrize("name", ["../sandbox.sqlite3", "..%2Fsandbox.sqlite3", ".hidden", "x"])
def test_no_escape_from_the_repository(shared_sandbox, name):
    r = Api(shared_sandbox.api).call("GET", f"/drivers/files/{name}")
    assert r.status_code == 404


def test_parse_range_edges():
    assert parse_range("bytes=0-0", 10) == (0, 0)
    assert parse_range("bytes=5-100", 10) == (5, 9)
    assert parse_range("bytes=5-4", 10) is None
    assert parse_range("bytes=0-1,3-4", 10) is None
    with pytest.raises(Unsatisfiable):
        parse_range("bytes=10-", 10)
    with pytest.raises(Unsatisfiable):
        parse_range("bytes=-0", 10)
