"""``tunelint fix``: write a repaired copy of a dataset without losing a record unreported.

:func:`fix_file` reads the input with tunelint's own readers (never writing it), applies the repairs
asked for (re-encoding to UTF-8 always; ``strip`` T004, ``dedupe`` D001, ``drop_invalid`` F002/S001/S002,
container and shape conversion, a leakage-free split), and writes the result atomically. Every record
that is dropped is reported with its line; a record that cannot be kept exactly makes the fix refuse
(:class:`FixRefused`) instead: unparsable records (without ``drop_invalid``), an object that repeats
a key (:mod:`~validator.fix.rawjson`), a CSV header naming a column twice
(:mod:`~validator.fix.columns`), arrays beside the records of a JSON object
(:mod:`~validator.fix.wrapped`), a number JSON cannot write (``1e999``). The output is never the
input (not through a link either), and is refused before the input is read when it cannot be
written (:func:`validator.atomic.check_target`).

>>> from validator.fix import fix_file
>>> result = fix_file("data.csv", "data.jsonl", dedupe=True)  # doctest: +SKIP
>>> [c.code for c in result.changes]  # doctest: +SKIP
['D001']
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

from validator.errors import UsageError
from validator.fix import columns, rawjson, transforms, wrapped
from validator.fix.io import check_output_paths, write_files_atomic
from validator.fix.load import Item, Loaded, load
from validator.fix.result import Change, FixRefused, FixResult, line_list
from validator.fix.split import parse_split, split_items, validation_path
from validator.fix.writers import WRITE_FORMATS, can_write, check_tabular, serialize
from validator.readers import FORMATS, format_from_extension
from validator.readers.jsonl import CR_ONLY
from validator.schemas import MAPPED

__all__ = ["TARGET_SHAPES", "WRITE_FORMATS", "Change", "FixRefused", "FixResult", "fix_file"]

TARGET_SHAPES = transforms.TARGET_SHAPES

_INVALID_NAMES = {"F002": "unparsable", "S001": "incomplete", "S002": "wrongly typed"}


def fix_file(
    source: str | os.PathLike[str],
    output: str | os.PathLike[str],
    *,
    to: str | None = None,
    to_shape: str | None = None,
    dedupe: bool = False,
    strip: bool = False,
    drop_invalid: bool = False,
    split: str | float | None = None,
    seed: int = 0,
    force: bool = False,
    input_field: str | None = None,
    output_field: str | None = None,
    format_in: str | None = None,
) -> FixResult:
    """Write a repaired copy of ``source`` to ``output`` and return what changed.

    ``to`` is the container to write (``jsonl``, ``json``, ``csv``, ``tsv``; default: ``output``'s
    extension, else the input's container). ``to_shape`` converts single-turn records to ``gemini``,
    ``vertex-gemini`` or ``openai-chat``. ``split`` (``"validation=0.1"`` or ``0.1``) also writes a
    validation file beside ``output`` (see :func:`validator.fix.split.validation_path`), shuffled with
    ``seed``. Raises :class:`~validator.errors.UsageError` (and subclasses) for tool errors, and
    :class:`FixRefused` when records would be lost unreported; in both cases nothing is written.
    """
    src, out = os.fspath(source), os.fspath(output)
    if to is not None and to not in WRITE_FORMATS:
        raise UsageError(f"--to {to!r}: choose one of {', '.join(WRITE_FORMATS)}")
    if format_in is not None and format_in not in FORMATS:
        raise UsageError(f"--format-in {format_in!r}: choose one of {', '.join(FORMATS)}")
    if to_shape is not None and to_shape not in TARGET_SHAPES:
        raise UsageError(f"--to-shape {to_shape!r}: supported shapes are {', '.join(TARGET_SHAPES)}")
    share = parse_split(str(split)) if split is not None else None
    _check_extension(out, to)
    validation, naming = validation_path(out) if share is not None else (None, None)
    check_output_paths(src, [out] + ([validation] if validation else []), force=force)
    if os.path.exists(src) and not os.path.isfile(src):
        # A pipe or a device can be read once; fix reads its input again to check what the records
        # cannot show (repeated keys, a CSV header, what a JSON object holds beside its records).
        raise UsageError(f"{src}: is not a regular file; save the data to a file and fix that")

    loaded = load(src, format_in, input_field, output_field)
    _refuse_broken(loaded)
    fmt = to or format_from_extension(out) or loaded.format
    if loaded.facts.tuning is not None:
        raise UsageError(f"{src}: is a tuning-job request body; fix writes dataset records only")
    # Checked before any transform: they change the record values in place.
    wrapper = _raw_checks(src, loaded)
    header = _header_changes(src, loaded)
    changes = _encoding_changes(loaded) + header + _line_end_changes(loaded)
    items = _drop_invalid(loaded, drop_invalid, changes)
    if strip:
        _require_texts(loaded, "--strip")
        count, lines = transforms.strip(items)
        if count:
            changes.append(
                Change("T004", f"stripped whitespace in {count} texts (lines {line_list(lines)})", count, tuple(lines))
            )
    if dedupe:
        _require_texts(loaded, "--dedupe")
        items, dropped = transforms.dedupe(items)
        if dropped:
            changes.append(
                Change(
                    "D001",
                    f"dropped {len(dropped)} duplicate records (lines {line_list(dropped)})",
                    len(dropped),
                    tuple(dropped),
                )
            )
    in_shape = loaded.shape.name if loaded.shape is not None else None
    out_shape = in_shape
    if to_shape is not None:
        changes.append(_convert(loaded, items, to_shape))
        out_shape = to_shape
    if fmt in ("csv", "tsv") and out_shape is not None and transforms.is_chat(out_shape):
        raise UsageError(f"--to {fmt}: {out_shape} records are conversations; CSV holds single-turn records only")
    if fmt != loaded.format:
        message = f"container {loaded.format} -> {fmt}" + wrapped.describe(wrapper or [])
        changes.append(Change("convert", message, len(items)))
    elif wrapper is not None:
        message = "the records of the JSON object were written as a JSON array" + wrapped.describe(wrapper)
        changes.append(Change("convert", message, len(items)))

    train, held_out = split_items(items, share, seed) if share is not None else (items, [])
    files = [(out, _text(train, fmt))]
    if validation is not None:
        files.append((validation, _text(held_out, fmt)))
        changes.append(
            Change(
                "split",
                f"{len(train)} training records -> {out}, {len(held_out)} validation "
                f"records -> {validation} (named by {naming}; seed {seed})",
                len(held_out),
            )
        )
    write_files_atomic(files)
    return FixResult(
        input=src,
        output=out,
        input_format=loaded.format,
        output_format=fmt,
        input_shape=in_shape,
        output_shape=out_shape,
        records_in=len(loaded.items),
        records_out=len(train),
        validation=validation,
        validation_records=len(held_out),
        validation_naming=naming,
        changes=changes,
    )


def _check_extension(out: str, to: str | None) -> None:
    by_ext = format_from_extension(out)
    if to is None or by_ext is None or by_ext == to or (by_ext == "json" and to == "jsonl"):
        return
    raise UsageError(f"--to {to} but {out} has a {by_ext} extension; name the output *.{to}")


def _refuse_broken(loaded: Loaded) -> None:
    """A file the readers could not read to its end cannot be fixed without losing what follows the
    fault (``--drop-invalid`` drops records, not the rest of a file)."""
    broken = loaded.broken
    if broken is None:
        return
    raise FixRefused(
        f"{loaded.path}: line {broken.line}: {broken.problem}; nothing after it can be read as records, so a "
        "fixed file would lose it. Repair the file first",
        (broken.line,),
    )


def _line_end_changes(loaded: Loaded) -> list[Change]:
    """CR-only line ends (a notice, not a record) are repaired by writing the file with LF ends."""
    if _cr_only(loaded):
        return [Change("F002", "line ends CR -> LF (every record kept)", 0, (1,))]
    return []


def _cr_only(loaded: Loaded) -> bool:
    return any(notice.problem == CR_ONLY for notice in loaded.notices)


def _encoding_changes(loaded: Loaded) -> list[Change]:
    facts = loaded.facts
    changes: list[Change] = []
    if facts.encoding_issue is not None:
        bad = [item.line for item in loaded.items if item.code is None and _has_replacement(item.value)]
        if bad:
            raise FixRefused(
                f"decoding {loaded.path} as {facts.encoding} replaced undecodable bytes (U+FFFD) on lines "
                f"{line_list(bad)}; convert the file's encoding by hand, fix would lose those characters",
                tuple(bad),
            )
        line, detected = facts.encoding_issue
        changes.append(
            Change(
                "F003",
                f"re-encoded from {facts.encoding} (detected {detected} from line {line}) to UTF-8",
                len(loaded.items),
            )
        )
    if facts.bom:
        changes.append(Change("F004", "removed the byte-order mark", 1))
    if loaded.blank_lines:
        n = len(loaded.blank_lines)
        changes.append(
            Change(
                "F006", f"removed {n} blank lines (lines {line_list(loaded.blank_lines)})", n, tuple(loaded.blank_lines)
            )
        )
    return changes


def _has_replacement(value: Any) -> bool:
    if isinstance(value, str):
        return "\ufffd" in value
    if isinstance(value, dict):
        return any(_has_replacement(k) or _has_replacement(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_replacement(v) for v in value)
    return False


def _drop_invalid(loaded: Loaded, drop: bool, changes: list[Change]) -> list[Item]:
    """Unparsable records refuse the fix unless ``drop``; with ``drop`` every invalid record (F002,
    S001, S002) is dropped and reported per code."""
    bad = [item for item in loaded.items if item.code is not None]
    unparsable = [item for item in bad if item.code == "F002"]
    if unparsable and not drop:
        details = "; ".join(f"line {i.line}: {i.problem}" for i in unparsable[:5])
        raise FixRefused(
            f"{len(unparsable)} record(s) do not parse (lines {line_list([i.line for i in unparsable])}): {details}. "
            "Repair them, or pass --drop-invalid to drop (and list) them",
            tuple(i.line for i in unparsable),
        )
    if not drop:
        return list(loaded.items)
    for code in ("F002", "S001", "S002"):
        lines = [i.line for i in bad if i.code == code]
        if lines:
            changes.append(
                Change(
                    code,
                    f"dropped {len(lines)} {_INVALID_NAMES[code]} records (lines {line_list(lines)})",
                    len(lines),
                    tuple(lines),
                )
            )
    return [item for item in loaded.items if item.code is None]


def _require_texts(loaded: Loaded, option: str) -> None:
    if loaded.shape is None:
        raise UsageError(
            f"{option}: the records of {loaded.path} match no known shape; name the text fields with "
            "--input-field/--output-field"
        )


def _convert(loaded: Loaded, items: list[Item], target: str) -> Change:
    source = loaded.shape
    stray = [i.line for i in items if i.texts is None or i.shape is None or i.shape.name not in transforms.CONVERTIBLE]
    if stray and source is not None and source.name in transforms.CONVERTIBLE:
        raise FixRefused(
            f"{len(stray)} record(s) cannot be converted to {target} (lines {line_list(stray)}); "
            "pass --drop-invalid to drop records that do not fit the shape",
            tuple(stray),
        )
    left_out = transforms.convert(items, source, target)
    name = "mapped fields" if source is not None and source.name == MAPPED else (source.name if source else "?")
    message = f"shape {name} -> {target} ({len(items)} records)"
    if left_out:
        fields = ", ".join(f"{k} ({n} records)" for k, n in left_out.items())
        message += f"; fields not carried over: {fields}"
    return Change("convert", message, len(items))


def _wrapped(path: str) -> bool:
    """True when a JSON file starts with an object (records wrapped in an object, or columns)."""
    with open(path, "rb") as fh:
        head = fh.read(4096)
    return head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{")


def _raw_checks(src: str, loaded: Loaded) -> list[str] | None:
    """Refuse a JSON or JSON Lines input with an object that repeats a key (see
    :mod:`validator.fix.rawjson`); for a JSON object document, the members that are not records (see
    :func:`validator.fix.wrapped.left_out`, which refuses when records would be lost), else ``None``.
    A JSON document with unparsable records is not checked: those records are refused, or dropped
    and listed with ``--drop-invalid``."""
    fmt, encoding = loaded.format, loaded.facts.encoding
    if fmt == "jsonl":
        rawjson.check_keys(src, fmt, encoding, line_end="\r" if _cr_only(loaded) else "\n")
    if fmt != "json" or any(item.code == "F002" for item in loaded.items):
        return None
    is_object = _wrapped(src)
    document = rawjson.check_keys(src, fmt, encoding, keep_object=is_object)
    return wrapped.left_out(src, document, [item.value for item in loaded.items]) if is_object else None


def _header_changes(src: str, loaded: Loaded) -> list[Change]:
    """For CSV/TSV: refuse repeated column names (see :mod:`validator.fix.columns`); report the
    column names the readers trimmed."""
    if loaded.format not in ("csv", "tsv"):
        return []
    trimmed = columns.check_header(src, loaded.format, loaded.facts.encoding)
    if not trimmed:
        return []
    names = ", ".join(repr(name) for name in trimmed)
    return [Change("convert", f"trimmed the outer whitespace of the column name(s) {names}", len(trimmed))]


def _text(items: list[Item], fmt: str) -> Iterator[str]:
    values = [item.value for item in items]
    header = check_tabular(values, [item.line for item in items]) if fmt in ("csv", "tsv") else None
    return _refuse_unwritable(serialize(values, fmt, header), items)


def _refuse_unwritable(chunks: Iterator[str], items: list[Item]) -> Iterator[str]:
    """Pass the chunks on; a record JSON cannot spell exactly (a number like ``1e999``, read as
    infinity) stops the write with :class:`FixRefused` listing every such record — found only then,
    so the usual path costs nothing."""
    try:
        yield from chunks
    except ValueError:
        bad = tuple(item.line for item in items if not can_write(item.value))
        if not bad:
            raise
        raise FixRefused(
            f"{len(bad)} record(s) hold a number JSON cannot write exactly (such as 1e999, read as infinity; "
            f"lines {line_list(bad)}); quote those numbers as strings, or remove them",
            bad,
        ) from None
