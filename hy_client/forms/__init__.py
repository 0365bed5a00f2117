"""Form specs and validators: ``validate`` and ``payload`` by spec name.

The client (before a save or submit) and the sandbox server (on every write) call the same
functions, so the two can never disagree about what is valid.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from ..errors import FieldError, ValidationError
from .spec import DateAfter, Field, FieldKind, FormSpec, Rule, SameAs
from .specs import SPECS

if TYPE_CHECKING:
    from ..api.models import ReferenceLists

__all__ = [
    "SPECS", "DateAfter", "Field", "FieldError", "FieldKind", "FormSpec", "Rule", "SameAs",
    "ensure_valid", "get_spec", "payload", "validate",
]


def get_spec(name: str) -> FormSpec:
    try:
        return SPECS[name]
    except KeyError:
        raise KeyError(f"no form spec named {name!r}") from None


def validate(spec_name: str, data: Mapping[str, str], *, partial: bool = False,
             references: ReferenceLists | None = None) -> list[FieldError]:
    """Every invalid field with its Chinese reason; ``partial`` skips empty fields (drafts)."""
    return get_spec(spec_name).validate(data, partial=partial, references=references)


def ensure_valid(spec_name: str, data: Mapping[str, str], *, partial: bool = False,
                 references: ReferenceLists | None = None) -> dict[str, str]:
    """The payload, or ValidationError (catalogue F101) listing every invalid field."""
    found = validate(spec_name, data, partial=partial, references=references)
    if found:
        raise ValidationError(found)
    return payload(spec_name, data)


def payload(spec_name: str, data: Mapping[str, str]) -> dict[str, str]:
    """What is sent: known, non-empty fields, trimmed and normalised (USCC/ID in capitals)."""
    return get_spec(spec_name).payload(data)
