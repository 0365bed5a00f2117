"""``--set 字段=值``: fields named by key or Chinese label, choices by code or Chinese name."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import errors
from ..forms import get_spec

if TYPE_CHECKING:
    from ..api.models import ReferenceLists


def parse_assignments(items: list[str]) -> dict[str, str]:
    """``key=value`` pairs from ``--set``; a bad one is a usage error naming it."""
    out: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise errors.ValidationError([errors.FieldError(item[:40], "应为 字段=值")])
        out[key.strip()] = value
    return out



def resolve_assignments(references: ReferenceLists | None, spec_name: str,
                        items: list[str]) -> dict[str, str]:
    """``--set`` pairs with fields named by key or label and choices by code or name."""
    spec = get_spec(spec_name)
    out: dict[str, str] = {}
    unknown: list[errors.FieldError] = []
    for name, value in parse_assignments(items).items():
        key = spec.key_for(name)
        if key is None:
            unknown.append(unknown_field(spec_name, name))
            continue
        field = spec.field(key)
        out[key] = field.code_for(value, references)
    if unknown:
        raise errors.ValidationError(unknown)
    return out


def unknown_field(spec_name: str, name: str) -> errors.FieldError:
    labels = "、".join(f.label_zh for f in get_spec(spec_name).fields)
    return errors.FieldError(name[:40], f"没有这个字段，可用：{labels}")
