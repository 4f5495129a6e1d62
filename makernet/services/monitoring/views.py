"""Figures as the Prometheus text exposition format, version 0.0.4.

One family per metric: its # HELP and # TYPE lines, then its samples, each on one line
as `name{label="value",...} value`. Label values escape backslash, double quote and newline.
"""
from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


@dataclass
class Family:
    """One metric: its name, its type (counter, gauge, histogram), its help and its samples."""

    name: str
    kind: str
    help: str
    samples: list[tuple[str, dict[str, str], float]] = field(default_factory=list)  # (name, labels, value)

    def add(self, value: float, suffix: str = "", **labels: str) -> None:
        """Add one sample; `suffix` names a histogram's _bucket, _sum or _count."""
        self.samples.append((self.name + suffix, labels, value))


def labels_text(labels: Mapping[str, str]) -> str:
    """Labels as written between braces, in the given order: a="1",b="2"."""
    return ",".join(f'{key}="{escape(str(value))}"' for key, value in labels.items())


def parse_labels(text: str) -> dict[str, str]:
    """The labels of a stored series back as a mapping (the inverse of labels_text)."""
    return {key: unescape(value) for key, value in LABEL.findall(text)}


def escape(value: str) -> str:
    """A label value as the format writes it."""
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def unescape(value: str) -> str:
    """A label value as it was before escape()."""
    return re.sub(r"\\(.)", lambda m: "\n" if m[1] == "n" else m[1], value)


def number(value: float) -> str:
    """A sample value: integers without a decimal point, +Inf, -Inf and NaN as the format spells them."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    return str(int(value)) if float(value).is_integer() and abs(value) < 2**53 else repr(float(value))


def help_text(text: str) -> str:
    """A HELP line's text: backslash and newline escaped."""
    return text.replace("\\", "\\\\").replace("\n", "\\n")


def render(families: Iterable[Family]) -> str:
    """The whole exposition, ending with a newline."""
    lines: list[str] = []
    for family in families:
        lines.append(f"# HELP {family.name} {help_text(family.help)}")
        lines.append(f"# TYPE {family.name} {family.kind}")
        for name, labels, value in family.samples:
            lines.append(f"{name}{{{labels_text(labels)}}} {number(value)}" if labels else f"{name} {number(value)}")
    return "\n".join(lines) + "\n"
