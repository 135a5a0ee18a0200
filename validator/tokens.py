"""Token counting: a built-in offline estimate, or an exact tokenizer the user already has.

Providers limit examples in tokens (Vertex: 131,072 input+output tokens) and bill dataset tokens
times epochs, but their tokenizers are not public or not offline. tunelint therefore estimates by
default and says so in every message; ``--tokenizer`` (config ``tokenizer``) selects an exact count:

``estimate``
    the default: script-aware, about 4 characters per token for ASCII text, one token per CJK
    character (Han, kana, Hangul), about 2 characters per token for other scripts.
``tiktoken:NAME``
    a ``tiktoken`` encoding (``o200k_base``, ``cl100k_base``) that is already in tiktoken's local
    cache (``TIKTOKEN_CACHE_DIR``); tunelint forbids the download tiktoken would otherwise attempt.
``tiktoken:PATH``
    a ``.tiktoken`` BPE file on disk, split with the ``o200k_base`` pattern.
``hf:PATH``
    a Hugging Face ``tokenizer.json`` read with the ``tokenizers`` library.

Nothing is ever downloaded at run time.
"""

from __future__ import annotations

import contextlib
import math
import os
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from validator.errors import ConfigError

__all__ = ["ESTIMATE", "TokenCounter", "estimate_tokens", "make_counter"]

# CJK ideographs, kana and Hangul (including compatibility and extension A blocks): about one
# token per character in the BPE vocabularies of current models.
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\u3130-\u318f]")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")

#: Description of the built-in estimate, used in messages and reports.
ESTIMATE = "estimated offline: ~4 characters per token for ASCII text, 1 per CJK character, ~2 for other scripts"

# The o200k_base split pattern (tiktoken's, public); used for a .tiktoken file given by path.
_O200K_PATTERN = "|".join(
    [
        r"""[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?""",
        r"""[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?""",
        r"""\p{N}{1,3}""",
        r""" ?[^\s\p{L}\p{N}]+[\r\n/]*""",
        r"""\s*[\r\n]+""",
        r"""\s+(?!\S)""",
        r"""\s+""",
    ]
)


def estimate_tokens(text: str) -> int:
    """The built-in estimate (see the module docstring). Cheap on ASCII, the common case."""
    if text.isascii():
        return (len(text) + 3) // 4
    cjk = len(_CJK.findall(text))
    other = len(_NON_ASCII.findall(text)) - cjk
    ascii_chars = len(text) - cjk - other
    return cjk + math.ceil(ascii_chars / 4) + math.ceil(other / 2)


@dataclass(frozen=True)
class TokenCounter:
    """Counts tokens of a text. ``description`` goes into messages (it says "estimated" for the
    built-in estimate); ``estimated`` is false for a real tokenizer."""

    spec: str
    description: str
    estimated: bool
    count: Callable[[str], int]

    def count_many(self, texts: Sequence[str], lengths: Sequence[int] | None = None) -> list[int]:
        """``[count(t) for t in texts]``; for the estimate on all-ASCII texts, from their
        ``lengths`` when given (a whole batch in two C-level passes)."""
        if self.count is estimate_tokens:
            if lengths is not None and all(map(str.isascii, texts)):
                return [(n + 3) >> 2 for n in lengths]
            estimate = estimate_tokens
            return [(len(t) + 3) >> 2 if t.isascii() else estimate(t) for t in texts]
        return list(map(self.count, texts))


_SPECS = "estimate, tiktoken:NAME, tiktoken:PATH or hf:PATH"
_DEFAULT = TokenCounter("estimate", ESTIMATE, True, estimate_tokens)


def make_counter(spec: str | None) -> TokenCounter:
    """The counter ``spec`` names (``None`` or ``"estimate"``: the built-in estimate). A tokenizer
    that is not installed or not available offline is a :class:`ConfigError`."""
    if spec is None or spec == "estimate":
        return _DEFAULT
    kind, sep, target = spec.partition(":")
    if not sep or not target:
        raise ConfigError(f"tokenizer {spec!r}: use {_SPECS}")
    if kind == "tiktoken":
        return _tiktoken_counter(spec, target)
    if kind == "hf":
        return _hf_counter(spec, target)
    raise ConfigError(f"tokenizer {spec!r}: unknown kind {kind!r}; use {_SPECS}")


def _tiktoken_counter(spec: str, target: str) -> TokenCounter:
    try:
        import tiktoken
        import tiktoken.load
    except ImportError:
        raise ConfigError(f"tokenizer {spec!r} needs tiktoken: pip install 'tunelint[tokens]'") from None
    if os.path.isfile(target):
        try:
            ranks = tiktoken.load.load_tiktoken_bpe(target)
            encoding = tiktoken.Encoding(
                name=os.path.basename(target), pat_str=_O200K_PATTERN, mergeable_ranks=ranks, special_tokens={}
            )
        except Exception as exc:  # tiktoken raises plain exceptions for a malformed file
            raise ConfigError(f"tokenizer {spec!r}: cannot read the BPE file: {exc}") from None
    else:
        with _no_download(tiktoken.load):
            try:
                encoding = tiktoken.get_encoding(target)
            except _DownloadRefused:
                raise ConfigError(
                    f"tokenizer {spec!r}: encoding {target!r} is not in tiktoken's local cache and tunelint "
                    "never downloads; set TIKTOKEN_CACHE_DIR to a directory holding it, or pass a .tiktoken file path"
                ) from None
            except ValueError as exc:
                raise ConfigError(f"tokenizer {spec!r}: {exc}") from None

    def count(text: str) -> int:
        return len(encoding.encode_ordinary(text))

    return TokenCounter(spec, f"counted with tiktoken {encoding.name}", False, count)


class _DownloadRefused(Exception):
    """Raised in place of a network fetch."""


@contextlib.contextmanager
def _no_download(load_module: Any) -> Iterator[None]:
    """Make tiktoken's file reader refuse URLs while an encoding is loaded from its cache: a cache
    hit never calls it for a URL, a miss would fetch."""
    original = getattr(load_module, "read_file", None)
    if original is None:  # a tiktoken without the hook: refuse rather than risk a download
        raise _DownloadRefused

    def read_file(blobpath: str) -> bytes:
        if "://" in blobpath:
            raise _DownloadRefused
        data: bytes = original(blobpath)
        return data

    load_module.read_file = read_file
    try:
        yield
    finally:
        load_module.read_file = original


def _hf_counter(spec: str, target: str) -> TokenCounter:
    try:
        from tokenizers import Tokenizer
    except ImportError:
        raise ConfigError(f"tokenizer {spec!r} needs tokenizers: pip install 'tunelint[tokens]'") from None
    if not os.path.isfile(target):
        raise ConfigError(f"tokenizer {spec!r}: {target}: no such file (a tokenizer.json path)")
    try:
        tokenizer = Tokenizer.from_file(target)
    except Exception as exc:  # the Rust binding raises a bare Exception for a malformed file
        raise ConfigError(f"tokenizer {spec!r}: cannot read {target}: {exc}") from None

    def count(text: str) -> int:
        return len(tokenizer.encode(text, add_special_tokens=False).ids)

    return TokenCounter(spec, f"counted with the tokenizer {os.path.basename(target)}", False, count)
