"""标证通 QR payloads, and QR rendering without Pillow (a module matrix, terminal text, SVG).

Payload format, shared by the platform (which issues codes), the app and this client::

    hyapp:1:<kind>:<token>

``hyapp`` names the scheme and ``1`` its version; ``kind`` is ``bind`` (bind the app to the
account) or ``login`` (scan login), as ``api.models.QrKind``; ``token`` is the one-time code id,
16-128 characters of URL-safe base64 (``A-Z a-z 0-9 - _``, no padding). Anything else is
refused with QR_INVALID, so the app never acts on a code it does not understand.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import get_args

import qrcode
import qrcode.constants
from qrcode.image.svg import SvgPathFillImage

from . import errors
from .api.models import QrKind

SCHEME = "hyapp"
VERSION = "1"
KINDS: tuple[str, ...] = get_args(QrKind)
_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,128}")
MAX_PAYLOAD = 160  # fits a version-6 code at level M: quick to scan from a screen


@dataclass(frozen=True)
class QrPayload:
    kind: QrKind
    token: str

    def __str__(self) -> str:
        return f"{SCHEME}:{VERSION}:{self.kind}:{self.token}"


def make_payload(kind: QrKind, token: str) -> str:
    if kind not in KINDS or not _TOKEN.fullmatch(token):
        raise ValueError("bad QR kind or token")
    return str(QrPayload(kind, token))


def parse_payload(text: str) -> QrPayload:
    """The kind and token of a scanned payload; QR_INVALID for anything not in the format."""
    parts = text.split(":") if len(text) <= MAX_PAYLOAD else []
    if (len(parts) != 4 or parts[0] != SCHEME or parts[1] != VERSION or parts[2] not in KINDS
            or not _TOKEN.fullmatch(parts[3])):
        raise errors.HyError(errors.QR_INVALID, "not a hyapp:1 payload")
    return QrPayload(parts[2], parts[3])  # type: ignore[arg-type]  # kind checked against KINDS


def _code(payload: str, border: int) -> qrcode.QRCode:
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=border)
    code.add_data(payload)
    code.make(fit=True)
    return code


def qr_matrix(payload: str, *, border: int = 4) -> list[list[bool]]:
    """Rows of modules, True = dark, with a ``border``-module quiet zone (what a painter needs)."""
    return [list(row) for row in _code(payload, border).get_matrix()]


# Upper and lower half of one character cell: (top dark, bottom dark) -> character.
_HALF_BLOCKS = {(False, False): " ", (True, False): "▀", (False, True): "▄", (True, True): "█"}


def qr_terminal(payload: str, *, dark_background: bool = True, border: int = 2) -> str:
    """The code as text, two module rows per line (half blocks), for ``hy-client login --qr``.

    On a dark terminal the light modules are the ones drawn, so the code reads dark-on-light
    to the phone's camera either way.
    """
    rows = qr_matrix(payload, border=border)
    if len(rows) % 2:
        rows.append([False] * len(rows[0]))
    lines = []
    for top, bottom in zip(rows[::2], rows[1::2], strict=True):
        lines.append("".join(_HALF_BLOCKS[(t != dark_background, b != dark_background)]
                             for t, b in zip(top, bottom, strict=True)))
    return "\n".join(lines) + "\n"


def qr_svg(payload: str, *, border: int = 4) -> bytes:
    """A standalone SVG (dark path on a white background), e.g. for QSvgRenderer or a file."""
    code = _code(payload, border)
    image = code.make_image(image_factory=SvgPathFillImage)
    data: bytes = image.to_string(encoding="utf-8")
    return data
