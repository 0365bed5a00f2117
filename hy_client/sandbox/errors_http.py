"""Catalogue errors as HTTP answers: ``{"error": {"code", "message"[, "fields"]}}``."""

from __future__ import annotations

from typing import Any

from fastapi.responses import JSONResponse

from .. import errors


def error_response(exc: errors.HyError, fields: list[errors.FieldError] | None = None,
                   headers: dict[str, str] | None = None) -> JSONResponse:
    body: dict[str, Any] = {"code": exc.code, "message": exc.info.zh}
    if fields:
        body["fields"] = [{"field": f.field, "message": f.message} for f in fields]
    return JSONResponse({"error": body}, status_code=exc.info.http_status, headers=headers)
