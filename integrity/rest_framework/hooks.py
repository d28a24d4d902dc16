"""
drf-spectacular postprocessing hooks: what the generated document cannot know.

- ``document_batches``: a batch body (a JSON array) holds 1 to 1,000 rows; and
  drf-standardized-errors names a row's field ``INDEX.<field>`` where the API
  answers ``3.<field>``: the attr becomes a pattern.
- ``describe_error_codes``: each error code's description is its message.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any, TypeVar

from django.core.validators import ProhibitNullCharactersValidator
from drf_standardized_errors.settings import package_settings
from rest_framework.exceptions import APIException
from rest_framework.fields import Field
from rest_framework.validators import ProhibitSurrogateCharactersValidator

from integrity.batches import MAX_BATCH_ROWS
from integrity.rest_framework.serializers import UNKNOWN_FIELD
from integrity.rules import rule_table

T = TypeVar("T")

_ROW = package_settings.LIST_INDEX_IN_API_SCHEMA
_INDEX = _ROW + package_settings.NESTED_FIELD_SEPARATOR


def document_batches(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    for path in result.get("paths", {}).values():
        for operation in path.values():
            content = (
                operation.get("requestBody", {}).get("content", {})
                if isinstance(operation, dict)
                else {}
            )
            for media in content.values():
                if media.get("schema", {}).get("type") == "array":
                    media["schema"].update(minItems=1, maxItems=MAX_BATCH_ROWS)
    schemas = result.get("components", {}).get("schemas", {})
    for component in schemas.values():
        attr = component.get("properties", {}).get("attr", {})
        names = attr.get("enum", [])
        if len(names) == 1 and names[0].startswith(_INDEX):
            field = names[0].removeprefix(_INDEX)
            attr.clear()
            attr.update(
                type="string",
                pattern=rf"^[0-9]+\.{re.escape(field)}$",
                description=f"The row's index in the batch, then `.{field}`.",
            )
        elif names == [_ROW]:
            attr.clear()
            attr.update(type="string", pattern="^[0-9]+$", description="The row's index.")
    for component in schemas.values():
        mapping = component.get("discriminator", {}).get("mapping", {})
        if any(name == _ROW or name.startswith(_INDEX) for name in mapping):
            # No value of the attr to dispatch on any more: a client tries each,
            # and the variants need not exclude each other.
            del component["discriminator"]
            component["anyOf"] = component.pop("oneOf")
    return result


def _subclasses(cls: type[T]) -> Iterator[type[T]]:
    for subclass in cls.__subclasses__():
        yield subclass
        yield from _subclasses(subclass)


def _readable(message: object) -> str:
    # A message template's placeholders read as what they stand for.
    return re.sub(r"\{(\w+)(:[^}]*)?\}", r"<\1>", str(message))


def error_messages(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """
    Every error code's message: each rule's, each DRF exception's and field
    error's, where one code has one message (``invalid`` has one per field
    type, so it keeps none) or DRF's base ``Field`` gives it one; then ``extra``.
    """
    found: dict[str, set[str]] = {}
    exceptions: list[type[APIException]] = [APIException, *_subclasses(APIException)]
    for exception in exceptions:
        if isinstance(exception.default_code, str):
            found.setdefault(exception.default_code, set()).add(_readable(exception.default_detail))
    for field in (Field, *_subclasses(Field)):
        for code, message in getattr(field, "default_error_messages", {}).items():
            found.setdefault(code, set()).add(_readable(message))
    rules: dict[str, set[str]] = {}
    for model_rules in rule_table().by_model.values():
        for rule in model_rules:
            rules.setdefault(rule.code, set()).add(str(rule.message))
    messages = {code: texts.pop() for code, texts in found.items() if len(texts) == 1}
    # What every field says, unless a field type says otherwise (a file's "required").
    messages.update((code, _readable(text)) for code, text in Field.default_error_messages.items())
    for validator in (ProhibitNullCharactersValidator, ProhibitSurrogateCharactersValidator):
        messages[validator.code] = _readable(validator.message)
    messages[UNKNOWN_FIELD] = "Unknown field: <name>."
    # A rule's own code (a constraint's name) has its one message; a code many
    # rules share (does_not_exist, unique) is said per rule in each error's detail.
    messages.update((code, texts.pop()) for code, texts in rules.items() if len(texts) == 1)
    messages.update(extra or {})
    return messages


def describe_error_codes(
    result: dict[str, Any], extra: Mapping[str, str] | None = None, **kwargs: Any
) -> dict[str, Any]:
    """Each error ``code`` enum lists what each code says: its message, not the code again."""
    messages = error_messages(extra)
    for name, component in result.get("components", {}).get("schemas", {}).items():
        # An error's code inline, or an enum of codes of its own (ErrorCode401Enum).
        code = component if name.startswith("ErrorCode") else component.get("properties", {})
        code = code if code is component else code.get("code", {})
        values = code.get("enum")
        if not values:
            continue
        labels = dict(_LABEL.findall(code.get("description", "")))
        lines = []
        for value in values:
            label = labels.get(value, value)
            if label.lower().replace(" ", "_") == value:  # the code again, not a message
                label = messages.get(value, label)
            lines.append(f"* `{value}` - {label}")
        code["description"] = "\n".join(lines)
    return result


_LABEL = re.compile(r"^\* `([^`]+)` - (.*)$", re.MULTILINE)
