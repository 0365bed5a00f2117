"""The /drivers endpoints: the signed catalogue, its signature, and files with HTTP Range."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

from fastapi import FastAPI, Header, Response
from fastapi.responses import FileResponse, StreamingResponse

from .. import errors
from .errors_http import error_response
from .runtime import Runtime

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,200}$")
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
_CHUNK = 1 << 16


def _repo_file(rt: Runtime, *parts: str) -> Path:
    if rt.drivers_dir is None:
        raise errors.HyError(errors.NOT_FOUND)
    path = rt.drivers_dir.joinpath(*parts)
    if not path.is_file():
        raise errors.HyError(errors.NOT_FOUND)
    return path


class Unsatisfiable(Exception):
    """A well-formed range that lies outside the file (416)."""


def _chunks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            yield chunk


def parse_range(header: str, size: int) -> tuple[int, int] | None:
    """(first, last) inclusive for one ``bytes=`` range; None when the header is malformed or
    not a single range (RFC 9110: then the whole file is sent); Unsatisfiable for 416."""
    match = _RANGE.match(header.strip())
    if not match:
        return None
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:  # suffix: the last N bytes
        count = int(last)
        if count == 0 or size == 0:
            raise Unsatisfiable
        return max(size - count, 0), size - 1
    start = int(first)
    if last and int(last) < start:
        return None
    if start >= size:
        raise Unsatisfiable
    end = min(int(last), size - 1) if last else size - 1
    return start, end


def add_driver_routes(app: FastAPI, rt: Runtime, api: str, responses: dict[Any, Any]) -> None:
    binary: dict[Any, Any] = {**responses, 200: {"content": {"application/octet-stream": {}},
                                                 "description": "the bytes"}}

    @app.get(f"{api}/drivers/catalogue", tags=["drivers"], response_class=Response,
             responses={**responses, 200: {"content": {"application/json": {}},
                                           "description": "the signed catalogue's exact bytes"}})
    def catalogue() -> Response:
        return FileResponse(_repo_file(rt, "catalogue.json"), media_type="application/json")

    @app.get(f"{api}/drivers/catalogue.sig", tags=["drivers"], responses=binary,
             response_class=Response)
    def catalogue_signature() -> Response:
        return FileResponse(_repo_file(rt, "catalogue.json.sig"),
                            media_type="application/octet-stream")

    app.get(f"{api}/drivers/catalogue.json", include_in_schema=False)(catalogue)
    app.get(f"{api}/drivers/catalogue.json.sig", include_in_schema=False)(catalogue_signature)

    @app.get(f"{api}/drivers/files/{{name}}", tags=["drivers"], response_class=Response,
             responses={**binary, 206: {"content": {"application/octet-stream": {}},
                                        "description": "the requested range"}})
    def driver_file(name: str,
                    range_: Annotated[str | None, Header(alias="Range")] = None) -> Response:
        if not _NAME.match(name):
            raise errors.HyError(errors.NOT_FOUND)
        path = _repo_file(rt, "files", name)
        size = path.stat().st_size
        headers = {"Accept-Ranges": "bytes"}
        try:
            span = parse_range(range_, size) if range_ else None
        except Unsatisfiable:
            return error_response(errors.HyError(errors.RANGE_NOT_SATISFIABLE),
                                  headers={**headers, "Content-Range": f"bytes */{size}"})
        if span is None:  # the whole file (our own Range rules, not the framework's)
            return StreamingResponse(_chunks(path), media_type="application/octet-stream",
                                     headers={**headers, "Content-Length": str(size)})
        first, last = span
        with path.open("rb") as fh:
            fh.seek(first)
            body = fh.read(last - first + 1)
        return Response(body, status_code=206, media_type="application/octet-stream",
                        headers={**headers, "Content-Range": f"bytes {first}-{last}/{size}"})
