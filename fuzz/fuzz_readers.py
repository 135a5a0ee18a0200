"""Coverage-guided fuzzing of the readers, shape detection and every rule, with atheris.

Each input's first byte chooses the file extension (so the same bytes are tried as JSON Lines, a
JSON document, CSV, TSV and a sniffed unknown extension); the rest is written to a temporary file,
linted with every registered rule (``ALL`` and the opt-in ones) and rendered as JSON and as text.
The only exception allowed to escape is :class:`validator.TunelintError` (a tool error, exit status
2 on the command line): anything else is a crash that libFuzzer reports with the input that caused
it.

Run (needs the ``fuzz`` extra: ``pip install -e '.[fuzz]'``)::

    python fuzz/fuzz_readers.py -max_total_time=600 fuzz/corpus

``fuzz/corpus`` holds small seed files; their first byte is an ASCII digit picking the extension
(``0`` .jsonl, ``1`` .json, ``2`` .csv, ``3`` .tsv, ``4`` .txt, ``5`` .ndjson). A crash is written
to ``crash-<sha1>`` in the working directory; replay it with ``python fuzz/fuzz_readers.py
crash-<sha1>``. :func:`TestOneInput` is also run over the seed corpus by the test suite (without
atheris), so the target cannot rot.
"""

from __future__ import annotations

import atexit
import functools
import os
import shutil
import sys
import tempfile

try:
    import atheris
except ImportError:  # the test suite runs TestOneInput without atheris
    atheris = None

if atheris is not None and __name__ == "__main__":
    # Coverage feedback from tunelint's own code; the parsers it calls (orjson, csv) are C code.
    with atheris.instrument_imports(include=["validator", "rules"]):
        import validator
        import validator.runner
        from validator.errors import TunelintError
        from validator.plugins import load_rules
        from validator.reporters import get_reporter

        # Rules, reporters and the runner are imported lazily (entry points, imports inside
        # functions): they are loaded here, under the hook, so their code is instrumented too.
        load_rules()
        get_reporter("full")
        get_reporter("json")
else:
    import validator
    from validator.errors import TunelintError

#: Indexed by the input's first byte modulo its length.
EXTENSIONS = (".jsonl", ".json", ".csv", ".tsv", ".txt", ".ndjson")

_DIR = tempfile.mkdtemp(prefix="tunelint-fuzz-")
atexit.register(shutil.rmtree, _DIR, ignore_errors=True)


def path_for(data: bytes) -> tuple[str, bytes]:
    """The temporary path (by the first byte) and the body to write there."""
    if not data:
        return os.path.join(_DIR, "input.jsonl"), b""
    return os.path.join(_DIR, "input" + EXTENSIONS[data[0] % len(EXTENSIONS)]), data[1:]


@functools.lru_cache(maxsize=1)
def _every_rule() -> tuple[str, ...]:
    """``ALL`` and the opt-in rules (which ``ALL`` does not switch on): every registered rule."""
    from validator.plugins import load_rules

    return ("ALL", *(rule.code for rule in load_rules().all() if not rule.default_enabled))


def TestOneInput(data: bytes) -> None:  # the name atheris looks for
    """Lint ``data`` as a file; only a tool error may escape."""
    path, body = path_for(data)
    with open(path, "wb") as fh:
        fh.write(body)
    try:
        report = validator.lint(path, select=list(_every_rule()), isolated=True, workers=1)
    except TunelintError:
        return
    finally:
        os.unlink(path)
    # Rendering reads every dataset-derived string the readers produced (keys, labels, templates).
    report.to_json()
    report.render("full")


def main() -> None:
    """Run libFuzzer with ``sys.argv`` (corpus directories, ``-max_total_time=N``, ...)."""
    if atheris is None:
        sys.exit("atheris is not installed: pip install -e '.[fuzz]'")
    atheris.Setup(sys.argv, TestOneInput)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
