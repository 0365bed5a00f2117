"""Reading the platform's answers: bodies validated into ``models`` and error bodies mapped to the
catalogue, so a caller meets an ``ApiError`` with a code, never a KeyError or a pydantic text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar, overload

import requests
from pydantic import BaseModel, TypeAdapter
from pydantic import ValidationError as PydanticValidationError

from .. import errors

M = TypeVar("M", bound=BaseModel)


class ApiError(errors.HyError):
    """A catalogue error that came from (or about) the platform's answer; ``status`` is HTTP's."""

    def __init__(self, info: errors.ErrorInfo, detail: str = "", *, status: int | None = None,
                 **data: Any) -> None:
        super().__init__(info, detail, **data)
        self.status = status


_ADAPTERS: dict[Any, TypeAdapter[Any]] = {}


def _adapter(answer: Any) -> TypeAdapter[Any]:
    adapter = _ADAPTERS.get(answer)
    if adapter is None:
        adapter = _ADAPTERS[answer] = TypeAdapter(answer)
    return adapter


@overload
def parse(resp: requests.Response, answer: type[M]) -> M: ...
@overload
def parse(resp: requests.Response, answer: Any) -> Any: ...
def parse(resp: requests.Response, answer: Any) -> Any:
    """The body as ``answer`` (a model or ``list[Model]``), or API_BAD_RESPONSE saying why."""
    ctype = resp.headers.get("Content-Type", "")
    if "json" not in ctype:
        raise ApiError(errors.API_BAD_RESPONSE, f"content-type {ctype[:40]!r}",
                       status=resp.status_code)
    try:
        return _adapter(answer).validate_json(resp.content)
    except PydanticValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "body"
        raise ApiError(errors.API_BAD_RESPONSE, f"{where}: {first['type']}",
                       status=resp.status_code) from None
    except ValueError:
        raise ApiError(errors.API_BAD_RESPONSE, "body", status=resp.status_code) from None


@dataclass(frozen=True)
class _ErrorBody:
    code: str
    fields: list[errors.FieldError]


def error_body(resp: requests.Response) -> _ErrorBody | None:
    """``{"error": {"code", "message", "fields"?}}`` leniently: None when it is not one."""
    if "json" not in resp.headers.get("Content-Type", ""):
        return None
    try:
        data = resp.json()
    except ValueError:
        return None
    err = data.get("error") if isinstance(data, dict) else None
    if not isinstance(err, dict) or not isinstance(err.get("code"), str):
        return None
    return _ErrorBody(err["code"], _field_errors(err.get("fields")))


def _field_errors(raw: Any) -> list[errors.FieldError]:
    """Field errors as a list of ``{"field", "message", "label"?}`` or a ``{field: message}``."""
    out: list[errors.FieldError] = []
    if isinstance(raw, dict):
        raw = [{"field": k, "message": v} for k, v in raw.items()]
    if isinstance(raw, list):
        for item in raw:
            if (isinstance(item, dict) and isinstance(item.get("field"), str)
                    and isinstance(item.get("message"), str)):
                label = item.get("label")
                out.append(errors.FieldError(item["field"][:64], item["message"][:200],
                                             label[:64] if isinstance(label, str) else ""))
    return out


def as_api_error(err: errors.ValidationError, status: int) -> ApiError:
    """A ValidationError that is also an ApiError, so one ``except`` catches platform errors."""
    api = _ApiValidationError(err.errors)
    api.status = status
    return api


class _ApiValidationError(errors.ValidationError, ApiError):
    status: int | None = None

    def __init__(self, field_errors: list[errors.FieldError]) -> None:
        errors.ValidationError.__init__(self, field_errors)
