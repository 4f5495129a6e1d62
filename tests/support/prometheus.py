"""A strict reader of the Prometheus text exposition format 0.0.4, to read /metrics back in tests.

Written from the format's specification, independently of the code that writes it: every sample
must follow its family's # HELP and # TYPE lines, names and labels must be well formed, a family
appears once, and a histogram's buckets are cumulative and end with le="+Inf" equal to its _count.
"""
from __future__ import annotations

import math
import re

NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
SAMPLE = re.compile(rf"^({NAME})(?:\{{(.*)\}})? (\S+)(?: (-?\d+))?$")
LABEL = re.compile(r'\s*([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"\s*(,|$)')
TYPES = ("counter", "gauge", "histogram", "summary", "untyped")
SUFFIXES = {"histogram": ("_bucket", "_sum", "_count"), "summary": ("_sum", "_count", "")}


class Exposition:
    """The families read from a text: types, helps and samples as (name, labels) -> value."""

    def __init__(self, text: str) -> None:
        self.types: dict[str, str] = {}
        self.helps: dict[str, str] = {}
        self.samples: dict[tuple[str, frozenset], float] = {}
        assert text.endswith("\n"), "the exposition must end with a newline"
        current: str | None = None
        for number, line in enumerate(text[:-1].split("\n"), 1):
            where = f"line {number}: {line!r}"
            if line.startswith("# HELP "):
                name = line.split(" ", 3)[2]
                assert re.fullmatch(NAME, name) and name not in self.helps, where
                self.helps[name] = line.split(" ", 3)[3] if line.count(" ") >= 3 else ""
                current = name
            elif line.startswith("# TYPE "):
                _hash, _type, name, kind = line.split(" ")
                assert name == current and name not in self.types and kind in TYPES, where
                self.types[name] = kind
            elif line.startswith("#") or not line.strip():
                continue
            else:
                match = SAMPLE.match(line)
                assert match, where
                name, labels, value = match[1], _labels(match[2] or "", where), _value(match[3], where)
                assert current is not None and current in self.types, f"{where}: no # TYPE before"
                kind = self.types[current]
                assert name in [current + suffix for suffix in SUFFIXES.get(kind, ("",))], f"{where}: not in {current}"
                key = (name, frozenset(labels.items()))
                assert key not in self.samples, f"{where}: repeated"
                self.samples[key] = value
        for name, kind in self.types.items():
            if kind == "histogram":
                self._check_histogram(name)

    def value(self, name: str, **labels: str) -> float | None:
        """The value of one sample, or None when it is not there."""
        return self.samples.get((name, frozenset(labels.items())))

    def series(self, name: str) -> dict[frozenset, float]:
        """Every sample of that exact name, by its labels."""
        return {labels: value for (sample, labels), value in self.samples.items() if sample == name}

    def _check_histogram(self, name: str) -> None:
        groups: dict[frozenset, list[tuple[float, float]]] = {}
        for labels, value in self.series(name + "_bucket").items():
            rest = frozenset((k, v) for k, v in labels if k != "le")
            groups.setdefault(rest, []).append((float(dict(labels)["le"]), value))
        for rest, buckets in groups.items():
            buckets.sort()
            counts = [count for _bound, count in buckets]
            assert counts == sorted(counts), f"{name}{dict(rest)}: buckets are not cumulative"
            assert buckets[-1][0] == math.inf, f"{name}{dict(rest)}: no +Inf bucket"
            assert self.samples[(name + "_count", rest)] == buckets[-1][1], f"{name}{dict(rest)}: +Inf != _count"
            assert (name + "_sum", rest) in self.samples, f"{name}{dict(rest)}: no _sum"


def _labels(text: str, where: str) -> dict[str, str]:
    labels: dict[str, str] = {}
    position = 0
    while position < len(text):
        match = LABEL.match(text, position)
        assert match and match.end() > position, f"{where}: bad labels"
        assert match[1] not in labels, f"{where}: label {match[1]} twice"
        labels[match[1]] = re.sub(r"\\(.)", lambda m: "\n" if m[1] == "n" else m[1], match[2])
        position = match.end()
    return labels


def _value(text: str, where: str) -> float:
    if text in ("+Inf", "-Inf", "NaN"):
        return float(text.replace("Inf", "inf").replace("NaN", "nan"))
    assert re.fullmatch(r"-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?", text), f"{where}: bad value"
    return float(text)
