"""The shape of an import's report."""
from __future__ import annotations

from typing import Annotated, Any, Literal, NotRequired

from pydantic import Field

from makernet.services.shapes import TypedDict


class ImportProblem(TypedDict):
    """A bad row (or header) of an imported file."""

    line: Annotated[int, Field(description="the file's line (the header is 1)")]
    code: Annotated[str, Field(description="what is wrong, as a stable code", examples=["import.columns_missing"])]
    params: NotRequired[Annotated[dict[str, Any], Field(description="the values the reason names")]]
    reason: Annotated[str, Field(description="what is wrong, in the caller's language")]


class ImportReport(TypedDict):
    """What an import found (a dry run) or wrote."""

    kind: Annotated[Literal["places", "machines", "stock"], Field(description="what the file holds")]
    dry_run: Annotated[bool, Field(description="only checked: nothing written")]
    rows: Annotated[int, Field(description="rows read")]
    valid: Annotated[int, Field(description="rows without a problem")]
    errors: Annotated[list[ImportProblem], Field(description="the problems, by line")]
    imported: Annotated[int, Field(description="rows written (0 on a dry run)")]
