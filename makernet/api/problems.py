"""What pydantic finds wrong in a body, as the catalogue's codes and their values (one per problem)."""
from __future__ import annotations

import re

from pydantic_core import ErrorDetails

from makernet.messages import render

# pydantic's error types -> (code, the context value the sentence names as `limit` or under its own name)
PROBLEMS: dict[str, tuple[str, str | None]] = {
    "missing": ("body.missing", None), "extra_forbidden": ("body.extra", None),
    "int_type": ("body.not_integer", None), "int_parsing": ("body.not_integer", None),
    "int_from_float": ("body.not_integer", None), "int_parsing_size": ("body.not_integer", None),
    "float_type": ("body.not_number", None), "float_parsing": ("body.not_number", None),
    "decimal_type": ("body.not_number", None), "decimal_parsing": ("body.not_number", None),
    "finite_number": ("body.not_number", None), "string_type": ("body.not_text", None),
    "bool_type": ("body.not_boolean", None), "bool_parsing": ("body.not_boolean", None),
    "list_type": ("body.not_list", None), "tuple_type": ("body.not_list", None), "set_type": ("body.not_list", None),
    "dict_type": ("body.not_object", None), "model_type": ("body.not_object", None),
    "model_attributes_type": ("body.not_object", None),
    "date_type": ("body.not_date", None), "date_parsing": ("body.not_date", None),
    "date_from_datetime_parsing": ("body.not_date", None), "date_from_datetime_inexact": ("body.not_date", None),
    "datetime_type": ("body.not_datetime", None), "datetime_parsing": ("body.not_datetime", None),
    "datetime_from_date_parsing": ("body.not_datetime", None),
    "greater_than_equal": ("body.at_least", "ge"), "greater_than": ("body.above", "gt"),
    "less_than_equal": ("body.at_most", "le"), "less_than": ("body.below", "lt"),
    "string_too_short": ("body.text_too_short", "min_length"), "string_too_long": ("body.text_too_long", "max_length"),
    "too_short": ("body.list_too_short", "min_length"), "too_long": ("body.list_too_long", "max_length"),
    "literal_error": ("body.not_expected", "expected"), "enum": ("body.not_expected", "expected"),
    "string_pattern_mismatch": ("body.pattern", "pattern"), "json_invalid": ("body.json_invalid", None),
}
NAMED = ("expected", "pattern")
QUOTED = re.compile(r"'([^']*)'")  # context values the sentence names as they are; the others are its `limit`


def problem(error: ErrorDetails) -> dict:
    """One problem of a body: the field (dotted path), its code, its values and its message."""
    code, key = PROBLEMS.get(error["type"], ("body.invalid_value", None))
    context = error.get("ctx") or {}
    params = {} if key is None or key not in context else {key if key in NAMED else "limit": context[key]}
    if key == "expected" and "expected" in context:   # pydantic says "'a', 'b' or 'c'" in English: the values alone
        params["expected"] = QUOTED.findall(str(context["expected"])) or str(context["expected"])
    found = {"field": ".".join(str(p) for p in error["loc"]), "code": code, "message": render(code, params)}
    return found | {"params": params} if params else found
