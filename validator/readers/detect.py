"""Which container a file is: by extension first, then by sniffing its first bytes."""

from __future__ import annotations

import csv
import os

__all__ = ["FORMATS", "detect_format", "format_from_extension"]

#: Container formats tunelint reads, by the name used in reports and ``--format-in``.
FORMATS: tuple[str, ...] = ("jsonl", "json", "csv", "tsv")

_EXTENSIONS = {
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".jsonlines": "jsonl",
    ".json": "json",
    ".csv": "csv",
    ".tsv": "tsv",
    ".tab": "tsv",
}


def format_from_extension(path: str) -> str | None:
    """The format a file's extension names, or ``None``."""
    return _EXTENSIONS.get(os.path.splitext(path)[1].lower())


def detect_format(path: str, head: bytes) -> str:
    """The container format of a file: ``.json`` files that hold one object per line are JSONL (a
    common mislabel); other known extensions are trusted; unknown ones are sniffed."""
    by_ext = format_from_extension(path)
    if by_ext not in (None, "json"):
        return by_ext  # type: ignore[return-value]
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff \t\r\n")
    if text.startswith("["):
        return "json"
    if text.startswith("{"):
        return "jsonl" if _looks_like_jsonl(text) else "json"
    if by_ext == "json":
        return "json"
    try:
        dialect = csv.Sniffer().sniff(text[:8192], delimiters=",\t;|")
    except csv.Error:
        return "csv"
    return "tsv" if dialect.delimiter == "\t" else "csv"


def _looks_like_jsonl(text: str) -> bool:
    """Two or more lines that each hold a complete JSON object."""
    import orjson

    lines = [line for line in text.splitlines()[:3] if line.strip()]
    if len(lines) < 2:
        return False
    try:
        return all(isinstance(orjson.loads(line), dict) for line in lines[:2])
    except orjson.JSONDecodeError:
        return False
