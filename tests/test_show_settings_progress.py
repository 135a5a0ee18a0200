"""``--show-settings`` (resolved configuration with origins) and the progress bar on a terminal."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tests.conftest import read_terminal, run_cli
from validator.config import KNOWN_KEYS, settings_from_mapping
from validator.engine import lint_file
from validator.plugins import load_rules
from validator.progress import Progress


def _config(directory: Path) -> Path:
    path = directory / "tunelint.toml"
    path.write_text(
        'profile = "strict"\nignore = ["F006"]\nfail-on = "warning"\n'
        '[profiles.strict]\nextends = "gemini"\nmax-output-chars = 100\n'
        '[severity]\nL004 = "error"\n'
        '[rules.S006]\nvalues = ["nan", "TBD"]\n'
        "[tuning]\nepochs = 3\n",
        encoding="utf-8",
    )
    return path


def _settings_json(*args: str) -> dict[str, object]:
    code, out, err = run_cli("lint", "--show-settings", "--output-format", "json", *args)
    assert code == 0, err
    data: dict[str, object] = json.loads(out)
    return data


def test_show_settings_lists_every_key_with_its_origin(tmp_path: Path) -> None:
    config = _config(tmp_path)
    data = tmp_path / "d.jsonl"
    data.write_text("{}\n", encoding="utf-8")
    shown = _settings_json(str(data), "--task", "classification")
    settings = shown["settings"]
    assert isinstance(settings, dict)
    assert set(settings) == set(KNOWN_KEYS)
    assert settings["profile"] == {"value": "strict", "origin": str(config)}
    assert settings["ignore"] == {"value": ["F006"], "origin": str(config)}
    assert settings["fail-on"] == {"value": "warning", "origin": str(config)}
    assert settings["severity"]["value"] == {"L004": "error"}
    assert settings["rules"]["value"] == {"S006": {"values": ["nan", "TBD"]}}
    assert settings["tuning"]["value"] == {"epochs": 3}
    assert settings["profiles"]["value"]["strict"]["extends"] == "gemini"
    assert settings["task"] == {"value": "classification", "origin": "command line"}
    assert settings["input-field"] == {"value": None, "origin": "default"}
    enabled = shown["enabled-rules"]
    assert isinstance(enabled, list) and "F006" not in enabled and "L001" in enabled and "D005" not in enabled


def test_show_settings_isolated_and_text_form(tmp_path: Path) -> None:
    _config(tmp_path)
    data = tmp_path / "d.jsonl"
    data.write_text("{}\n", encoding="utf-8")
    shown = _settings_json(str(data), "--isolated")
    settings = shown["settings"]
    assert isinstance(settings, dict)
    assert all(item["origin"] == "default" for item in settings.values())
    code, out, _ = run_cli("lint", "--show-settings", str(data))
    assert code == 0
    assert 'profile = "strict"' in out and str(tmp_path / "tunelint.toml") in out
    assert "# enabled rules" in out


def test_show_settings_reads_no_data(tmp_path: Path) -> None:
    """It describes the configuration only: a missing or broken dataset does not matter."""
    code, out, _ = run_cli("lint", "--show-settings", "--isolated", str(tmp_path / "not-there.jsonl"))
    assert code == 0 and "fail-on" in out


def test_show_settings_reports_config_errors(tmp_path: Path) -> None:
    (tmp_path / "tunelint.toml").write_text('profil = "gemini"\n', encoding="utf-8")
    code, _, err = run_cli("lint", "--show-settings", str(tmp_path / "d.jsonl"))
    assert code == 2 and "profil" in err


# -- progress -------------------------------------------------------------------------------------


def _big(path: Path, records: int) -> Path:
    line = {"text_input": "Summarise the harbour log. " + "quay " * 400, "output": "A short summary."}
    with path.open("w", encoding="utf-8") as fh:
        for i in range(records):
            fh.write(json.dumps({**line, "output": f"Summary {i}."}) + "\n")
    return path


def test_progress_is_drawn_for_large_files_and_erased(tmp_path: Path) -> None:
    data = _big(tmp_path / "big.jsonl", 3000)
    sink = io.StringIO()
    progress = Progress(sink, min_bytes=1)
    settings = settings_from_mapping({}, "test")
    result = lint_file(str(data), settings, load_rules(), progress=progress)
    assert result.report.records == 3000
    drawn = sink.getvalue()
    assert "big.jsonl" in drawn and "%" in drawn and drawn.endswith("\r\x1b[K")


def test_progress_skips_small_files(tmp_path: Path) -> None:
    data = _big(tmp_path / "small.jsonl", 10)
    sink = io.StringIO()
    lint_file(str(data), settings_from_mapping({}, "test"), load_rules(), progress=Progress(sink))
    assert sink.getvalue() == ""


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX only")
def test_progress_goes_to_a_terminal_stderr_only(tmp_path: Path) -> None:
    """With stderr on a terminal, a 9 MB file draws a bar there; stdout (JSON) stays clean."""
    import pty
    import shutil

    script = shutil.which("tunelint", path=str(Path(sys.executable).parent)) or "tunelint"
    data = _big(tmp_path / "big.jsonl", 4500)
    assert data.stat().st_size > 8 * 1024 * 1024
    master, slave = pty.openpty()
    chunks: list[bytes] = []
    # Read the terminal while the child writes, so it never blocks on a full pty.
    reader = threading.Thread(target=lambda: chunks.append(read_terminal(master)), daemon=True)
    reader.start()
    proc = subprocess.Popen(
        [script, "lint", "--isolated", "--output-format", "json", data.name],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=slave,
    )
    os.close(slave)
    out, _ = proc.communicate(timeout=300)
    reader.join(timeout=30)
    os.close(master)
    assert proc.returncode in (0, 1)
    assert json.loads(out)["files"][0]["records"] == 4500
    assert b"big.jsonl" in b"".join(chunks) and b"%" in b"".join(chunks)
