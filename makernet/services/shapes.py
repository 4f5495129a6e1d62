"""How the plain data the use cases return is typed: each area's views declare their rows as TypedDicts of these
pieces, and the API documents its answers from those same declarations (never a second description).

A TypedDict here only describes: the views still build plain dicts. pydantic reads the descriptions and examples
(`Annotated[..., Field(...)]`) to write each answer's JSON schema.
"""
from __future__ import annotations

from typing import Annotated

from pydantic import Field
from typing_extensions import TypedDict  # pydantic reads TypedDicts from typing_extensions on Python < 3.12

Id = Annotated[int, Field(ge=1, examples=[12])]
Count = Annotated[int, Field(examples=[40])]
Stamp = Annotated[str, Field(json_schema_extra={"format": "date-time"}, examples=["2026-11-29T08:30:00+00:00"])]
Day = Annotated[str, Field(json_schema_extra={"format": "date"}, examples=["2026-12-04"])]
Departement = Annotated[str, Field(description="the département's code, as the post writes it", examples=["17"])]

__all__ = ["Count", "Day", "Departement", "Id", "Stamp", "TypedDict"]
