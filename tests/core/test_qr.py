"""标证通 payloads and QR rendering; decoded with zbarimg when it is installed."""

from __future__ import annotations

import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from hy_client.errors import HyError
from hy_client.qr import (
    QrPayload,
    make_payload,
    parse_payload,
    qr_matrix,
    qr_svg,
    qr_terminal,
)

TOKEN = "Zm9vYmFyLWxvZ2luLWNvZGUtMDAx"
PAYLOAD = f"hyapp:1:login:{TOKEN}"


def test_make_and_parse_roundtrip() -> None:
    assert make_payload("login", TOKEN) == PAYLOAD
    assert parse_payload(PAYLOAD) == QrPayload("login", TOKEN)
    assert parse_payload(make_payload("bind", TOKEN)).kind == "bind"
    assert str(parse_payload(PAYLOAD)) == PAYLOAD


@pytest.mark.parametrize("text", [
    "", "hyapp:1:login", f"hyapp:2:login:{TOKEN}", f"HYAPP:1:login:{TOKEN}",
    f"hyapp:1:pay:{TOKEN}", "hyapp:1:login:short", f"hyapp:1:login:{TOKEN}=",
    f"hyapp:1:login:{TOKEN}:x", f"hyapp:1:login:{'a' * 129}", f"https://x/?{TOKEN}",
    f"hyapp:1:login:{TOKEN} ", "hyapp:1:login:" + "a" * 100_000,
])
def test_parse_refuses_anything_else(text: str) -> None:
    with pytest.raises(HyError) as info:
        parse_payload(text)
    assert info.value.code == "A118"


@pytest.mark.parametrize(("kind", "token"), [("pay", TOKEN), ("login", "short"),
                                             ("login", TOKEN + "/")])
def test_make_refuses_bad_parts(kind: str, token: str) -> None:
    with pytest.raises(ValueError):
        make_payload(kind, token)  # type: ignore[arg-type]


def test_matrix_shape_and_finder_patterns() -> None:
    m = qr_matrix(PAYLOAD, border=4)
    n = len(m)
    assert all(len(row) == n for row in m)
    assert (n - 8 - 21) % 4 == 0  # version v is 17 + 4v modules wide, plus the quiet zone
    assert not any(m[0]) and not any(row[0] for row in m)  # quiet zone
    finder = [row[4:11] for row in m[4:11]]
    assert finder[0] == [True] * 7 and finder[1] == [True] + [False] * 5 + [True]
    assert finder[3] == [True, False, True, True, True, False, True]


def _from_terminal(text: str, dark_background: bool) -> list[list[bool]]:
    top = {" ": False, "▀": True, "▄": False, "█": True}
    bottom = {" ": False, "▀": False, "▄": True, "█": True}
    rows: list[list[bool]] = []
    for line in text.splitlines():
        rows.append([top[c] != dark_background for c in line])
        rows.append([bottom[c] != dark_background for c in line])
    return rows


@pytest.mark.parametrize("dark_background", [True, False])
def test_terminal_rendering_is_the_matrix(dark_background: bool) -> None:
    text = qr_terminal(PAYLOAD, dark_background=dark_background, border=2)
    m = qr_matrix(PAYLOAD, border=2)
    back = _from_terminal(text, dark_background)
    assert back[:len(m)] == m
    assert all(not any(row) for row in back[len(m):])  # the padding row, if any, is light
    assert set(text) <= {" ", "▀", "▄", "█", "\n"}


def test_svg_is_standalone_and_draws_the_dark_modules() -> None:
    svg = qr_svg(PAYLOAD, border=4)
    root = ET.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    assert root.tag == f"{ns}svg"
    n = len(qr_matrix(PAYLOAD, border=4))
    assert root.get("viewBox") == f"0 0 {n} {n}"
    assert root.find(f"{ns}rect").get("fill") == "white"
    path = root.find(f"{ns}path").get("d")
    dark = sum(sum(row) for row in qr_matrix(PAYLOAD, border=4))
    assert path.count("z") == dark


def _write_pgm(matrix: list[list[bool]], path: Path, scale: int = 6) -> None:
    rows = [bytes(0 if dark else 255 for dark in row for _ in range(scale))
            for row in matrix for _ in range(scale)]
    path.write_bytes(f"P5 {len(rows[0])} {len(rows)} 255\n".encode() + b"".join(rows))


@pytest.mark.skipif(shutil.which("zbarimg") is None, reason="zbarimg (zbar-tools) not installed")
@pytest.mark.parametrize("payload", [PAYLOAD, make_payload("bind", "x" * 128)])
def test_a_real_decoder_reads_the_payload_back(payload: str, tmp_path: Path) -> None:
    image = tmp_path / "qr.pgm"
    _write_pgm(qr_matrix(payload), image)
    out = subprocess.run(["zbarimg", "--raw", "-q", str(image)], capture_output=True,
                         text=True, timeout=30, check=True).stdout
    assert out.strip() == payload
