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
        return by_ext
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
    """A first line that holds a complete JSON object, with more text after it: a JSON document
    cannot go on after a complete object, so the lines are records. (The second line is not parsed:
    it may not fit in the head.) Lines end at ``\\n`` only; JSON strings may hold U+2028 and the other
    characters ``str.splitlines`` also breaks on."""
    import orjson

    lines = [line for line in text.split("\n") if line.strip()]
    if len(lines) < 2:
        return False
    try:
        return isinstance(orjson.loads(lines[0]), dict)
    except orjson.JSONDecodeError:
        return False
