"""The ``tunelint`` command line (click).

Exit status: 0 nothing at or above ``--fail-on``; 1 such findings; 2 a tool error (usage, config,
missing or unreadable path, plugin failure, internal error). ``--exit-zero`` never hides a 2.
"""

from __future__ import annotations

import json
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from typing import Any, NoReturn, TypeVar

import click

from validator import __version__
from validator.api import TASKS, Rule
from validator.atomic import check_outputs, write_text_atomic
from validator.errors import TunelintError
from validator.plugins import load_rules
from validator.profiles import LIMIT_KEYS, available_profiles, load_profile, profile_to_dict
from validator.progress import Progress
from validator.readers import FORMATS
from validator.reporters import ReportOptions, get_reporter
from validator.reporters.text import plain
from validator.runner import base_settings, run_lint, settings_for
from validator.secrets import redact
from validator.showsettings import describe_settings, render_settings
from validator.sources import expand_paths

__all__ = ["main"]

F = TypeVar("F", bound=Callable[..., Any])

_SEVERITIES = ("error", "warning", "info")


def _fail(message: str) -> NoReturn:
    # Error messages can quote data (internal errors especially): mask secrets and personal data.
    click.echo(f"tunelint: error: {redact(message, personal=True)}", err=True)
    sys.exit(2)


def _guard(func: F) -> F:
    """Turn tool errors into a one-line message and exit status 2, never a traceback."""

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except TunelintError as exc:
            _fail(str(exc))
        except KeyboardInterrupt:
            click.echo("tunelint: interrupted", err=True)
            sys.exit(2)
        except BrokenPipeError:
            # The reader went away (``tunelint rule X | head``): stop quietly, as Unix tools do, and
            # point stdout at devnull so the interpreter's final flush does not fail again.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            sys.exit(1)
        except (click.exceptions.Exit, click.ClickException, SystemExit):
            raise
        except Exception as exc:  # an internal error is still exit 2 with a readable line
            if os.environ.get("TUNELINT_DEBUG"):
                traceback.print_exc()
            _fail(f"internal error: {type(exc).__name__}: {exc} (set TUNELINT_DEBUG=1 for a traceback)")

    wrapper.__name__ = func.__name__
    wrapper.__doc__ = func.__doc__
    return wrapper  # type: ignore[return-value]


def _split(values: Sequence[str]) -> list[str] | None:
    """``--select A,B --select C`` -> ``["A", "B", "C"]``; nothing given -> ``None``."""
    if not values:
        return None
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


class _ToolUsageError(click.ClickException):
    """A usage error shown as one line (``tunelint: error: ...``), exit status 2."""

    exit_code = 2

    def __init__(self, error: click.UsageError) -> None:
        super().__init__(error.format_message())
        self.command_path = error.ctx.command_path if error.ctx is not None else "tunelint"

    def show(self, file: Any = None) -> None:
        message = redact(self.message, personal=True)  # the arguments as typed may hold a key
        click.echo(f"tunelint: error: {message} (see '{self.command_path} --help')", err=True)


class _Group(click.Group):
    """A click group whose usage errors (bad option, missing argument) are one line, like every
    other tool error, instead of click's usage block."""

    def make_context(self, *args: Any, **kwargs: Any) -> click.Context:
        try:
            return super().make_context(*args, **kwargs)
        except click.UsageError as exc:
            raise _ToolUsageError(exc) from None

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.UsageError as exc:
            raise _ToolUsageError(exc) from None


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "--version", "-V", prog_name="tunelint")
def main() -> None:
    """Lint LLM fine-tuning datasets (JSONL, JSON, CSV, TSV) before you upload them."""


@main.command("lint")
@click.argument("paths", nargs=-1)
@click.option(
    "--output-format",
    "output_format",
    default="full",
    show_default=True,
    help="full, concise, json, json-lines, sarif, github, gitlab, junit, markdown, html, or a plugin's.",
)
@click.option("-o", "--output-file", type=click.Path(dir_okay=False), help="Write the report to this file.")
@click.option("--select", multiple=True, help="Rules to run (codes, prefixes, names, ALL); comma-separated.")
@click.option("--extend-select", multiple=True, help="Rules to add to the selection.")
@click.option("--ignore", multiple=True, help="Rules to skip.")
@click.option("--fail-on", type=click.Choice(_SEVERITIES), help="Lowest severity that fails (default error).")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even with findings (tool errors still exit 2).")
@click.option("--profile", help="Provider profile (see 'tunelint profiles'); default follows the shape.")
@click.option("--task", type=click.Choice(TASKS), help="Task, for recommended example counts.")
@click.option("--tokenizer", help="Token counter: estimate (default), tiktoken:NAME|PATH, hf:PATH.")
@click.option("--input-field", help="Field (or CSV column) holding the input text.")
@click.option("--output-field", help="Field (or CSV column) holding the output text.")
@click.option("--workers", help="Processes per large JSONL/CSV/TSV file: a number or auto (one per core, max 4).")
@click.option(
    "--validation",
    "validation",
    multiple=True,
    type=click.Path(dir_okay=False),
    help="Validation/test file to lint with the (single) training file and check for leakage.",
)
@click.option("--format-in", type=click.Choice(FORMATS), help="Container format (default: detect).")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), help="Use this config file only.")
@click.option("--isolated", is_flag=True, help="Ignore all config files.")
@click.option("--statistics", is_flag=True, help="Print the number of findings per rule.")
@click.option(
    "--baseline",
    "baseline",
    type=click.Path(dir_okay=False),
    help="Report only findings this baseline file does not accept (and list its stale entries).",
)
@click.option(
    "--write-baseline",
    "write_baseline",
    type=click.Path(dir_okay=False),
    help="Accept every current finding: write them to this baseline file.",
)
@click.option(
    "--show-settings",
    is_flag=True,
    help="Print the resolved settings for the first path (or the cwd) and where each came from.",
)
@click.option("-q", "--quiet", is_flag=True, help="Print findings only; nothing when clean.")
@click.option("--color/--no-color", default=None, help="Force or disable colour (default: auto, honours NO_COLOR).")
@_guard
def lint_command(
    paths: tuple[str, ...],
    output_format: str,
    output_file: str | None,
    select: tuple[str, ...],
    extend_select: tuple[str, ...],
    ignore: tuple[str, ...],
    fail_on: str | None,
    exit_zero: bool,
    profile: str | None,
    task: str | None,
    tokenizer: str | None,
    input_field: str | None,
    output_field: str | None,
    workers: str | None,
    validation: tuple[str, ...],
    format_in: str | None,
    config_path: str | None,
    isolated: bool,
    statistics: bool,
    baseline: str | None,
    write_baseline: str | None,
    show_settings: bool,
    quiet: bool,
    color: bool | None,
) -> None:
    """Lint PATHS (files, directories, globs; - for standard input)."""
    if config_path is not None and isolated:
        _fail("--config and --isolated cannot be used together")
    if baseline is not None and write_baseline is not None:
        _fail("--baseline and --write-baseline cannot be used together")
    overrides = {
        "profile": profile,
        "task": task,
        "select": _split(select),
        "extend-select": _split(extend_select),
        "ignore": _split(ignore),
        "fail-on": fail_on,
        "input-field": input_field,
        "output-field": output_field,
        "tokenizer": tokenizer,
        "workers": workers,
    }
    explicit = base_settings(config_path, isolated)
    if show_settings:
        where = paths[0] if paths else "-"
        description = describe_settings(settings_for(where, explicit, overrides), load_rules(), where)
        # Settings hold config values such as C001's allow-listed keys: masked like any output.
        click.echo(redact(render_settings(description, as_json=output_format == "json"), personal=True), nl=False)
        return
    if not paths:
        _fail("missing PATHS: name the files, directories or globs to lint (- for standard input)")
    reporter = get_reporter(output_format)
    # Refuse a bad -o/--write-baseline before linting, not after; and a report or baseline written
    # over a dataset would destroy it.
    targets = {"--output-file": output_file, "--write-baseline": write_baseline}
    if output_file or write_baseline:
        read = [p for p in (baseline, config_path) if p]
        check_outputs(targets, [*expand_paths([*paths, *validation]), *read])
    report = run_lint(
        list(paths),
        explicit=explicit,
        overrides=overrides,
        tool_version=__version__,
        format_hint=format_in,
        validation=list(validation),
        baseline=baseline,
        write_baseline_to=write_baseline,
        progress=None if quiet else Progress.for_terminal(),
    )
    use_color = _want_color(color, output_file)
    text = reporter(report, ReportOptions(color=use_color, quiet=quiet, statistics=statistics))
    if output_file:
        write_atomic(output_file, text)
    elif text:
        _write_stdout(text, use_color)
    sys.exit(0 if exit_zero else report.exit_code)


def _write_stdout(text: str, color: bool) -> None:
    """Print the report; characters the terminal's encoding cannot show (or lone surrogates from
    in-memory data) are written as backslash escapes rather than crashing the run."""
    encoding = getattr(sys.stdout, "encoding", None) or "utf-8"
    safe = text.encode(encoding, errors="backslashreplace").decode(encoding)
    click.echo(safe, nl=False, color=color)


def _want_color(flag: bool | None, output_file: str | None) -> bool:
    if output_file:
        return False
    if flag is not None:
        return flag
    if os.environ.get("NO_COLOR"):
        return False
    return sys.stdout.isatty()


def write_atomic(path: str, text: str) -> None:
    """Write a report file atomically (see :mod:`validator.atomic`)."""
    write_text_atomic(path, text)


@main.command("rules")
@click.option("--output-format", type=click.Choice(["table", "json"]), default="table", show_default=True)
@_guard
def rules_command(output_format: str) -> None:
    """List every rule with its code, name, default severity and whether it is fixable."""
    rules = load_rules().all()
    if output_format == "json":
        click.echo(json.dumps([_rule_dict(r) for r in rules], indent=2))
        return
    click.echo(f"{'code':<6} {'name':<28} {'severity':<8} {'fix':<3}  summary")
    for r in rules:
        opt_in = "" if r.default_enabled else " (opt-in)"
        click.echo(
            f"{r.code:<6} {r.name:<28} {r.default_severity.value:<8} {'yes' if r.fixable else '':<3}  "
            f"{r.summary}{opt_in}"
        )


def _rule_dict(rule: type[Rule]) -> dict[str, Any]:
    return {
        "code": rule.code,
        "name": rule.name,
        "summary": rule.summary,
        "severity": rule.default_severity.value,
        "fixable": rule.fixable,
        "default_enabled": rule.default_enabled,
        "options": {k: list(v) if isinstance(v, tuple) else v for k, v in rule.option_fields()},
        **{k.lower(): v for k, v in rule.doc_sections().items()},
    }


@main.command("rule")
@click.argument("code_or_name")
@click.option("--output-format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@_guard
def rule_command(code_or_name: str, output_format: str) -> None:
    """Explain one rule: what it checks, why, an example, how to fix, its options."""
    rule = load_rules().lookup(code_or_name)
    if rule is None:
        _fail(f"no rule {code_or_name!r}; 'tunelint rules' lists them")
    if output_format == "json":
        click.echo(json.dumps(_rule_dict(rule), indent=2))
        return
    click.echo(f"{rule.code} {rule.name} ({rule.default_severity.value}{', fixable' if rule.fixable else ''})")
    click.echo(rule.summary)
    for section, body in rule.doc_sections().items():
        click.echo(f"\n{section}:\n" + "\n".join("  " + line for line in plain(body).splitlines()))
    options = list(rule.option_fields())
    click.echo("\nOptions:" + ("" if options else " none"))
    for name, default in options:
        shown = json.dumps(list(default) if isinstance(default, tuple) else default)
        click.echo(f"  {name.replace('_', '-')} = {shown}")
    if options:
        click.echo(f"  (set in config under [rules.{rule.code}])")


@main.command("profiles")
@click.option("--output-format", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--config", "config_path", type=click.Path(dir_okay=False), help="Include this config file's profiles.")
@click.option("--isolated", is_flag=True, help="Built-in profiles only (ignore config files).")
@_guard
def profiles_command(output_format: str, config_path: str | None, isolated: bool) -> None:
    """List provider profiles and their limits (built-in ones and those defined in config)."""
    if config_path is not None and isolated:
        _fail("--config and --isolated cannot be used together")
    settings = base_settings(config_path, isolated) or settings_for("-", None, {})
    custom = {} if isolated else dict(settings.profiles)
    origin = settings.origins.get("profiles", "config")
    profiles = [(load_profile(name), "built-in") for name in available_profiles()]
    profiles += [(profile, origin) for profile in custom.values()]
    rows = [{**profile_to_dict(profile), "origin": where} for profile, where in profiles]
    if output_format == "json":
        click.echo(json.dumps(rows, indent=2))
        return
    for row in rows:
        extends = f" (extends {row['extends']}; {row['origin']})" if row["extends"] else ""
        click.echo(f"{row['name']}: {row['description']}{extends}")
        for key in LIMIT_KEYS:
            value = row[key]
            if value is not None:
                click.echo(f"  {key:<24} {value:,}")
        if row["recommended_examples"]:
            rec = ", ".join(f"{t} {n}" for t, n in row["recommended_examples"].items())
            click.echo(f"  {'recommended':<24} {rec}")
        if row["roles"] is not None:
            click.echo(f"  {'roles':<24} {', '.join(row['roles'])}")
        if row["parts"] is not None:
            parts = ", ".join(f"{kind} ({'/'.join(roles)})" for kind, roles in row["parts"].items()) or "text only"
            click.echo(f"  {'parts':<24} {parts}")
        if row["warn_parts"]:
            click.echo(f"  {'warn parts':<24} {', '.join(row['warn_parts'])}")
        if row["adapter_sizes"]:
            sizes = "; ".join(f"{m} {'/'.join(map(str, v))}" for m, v in row["adapter_sizes"].items())
            click.echo(f"  {'adapter sizes':<24} {sizes}")
        for key, note in row["notes"].items():
            click.echo(f"  note: {key}: {note}")
        if row["source"]:
            click.echo(f"  source: {row['source']}")


@main.command("fix")
@click.argument("source", metavar="IN", type=click.Path(dir_okay=False))
@click.option(
    "-o",
    "--output",
    "output",
    required=True,
    type=click.Path(dir_okay=False),
    help="Where to write the repaired copy (never the input).",
)
@click.option(
    "--to",
    "to",
    type=click.Choice(["jsonl", "json", "csv", "tsv"]),
    help="Container to write (default: OUT's extension, else the input's).",
)
@click.option(
    "--to-shape",
    type=click.Choice(["gemini", "vertex-gemini", "openai-chat"]),
    help="Convert single-turn records (gemini, mapped fields, ...) to this shape.",
)
@click.option("--dedupe", is_flag=True, help="Drop exact duplicate (input, output) records, keeping the first (D001).")
@click.option("--strip", is_flag=True, help="Trim leading/trailing whitespace of the text fields (T004).")
@click.option("--drop-invalid", is_flag=True, help="Drop (and list) records that do not parse or fit the shape.")
@click.option(
    "--split",
    "split_spec",
    metavar="validation=SHARE",
    help="Also write a validation file with this share of the records (no input on both sides).",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the --split shuffle.")
@click.option("--force", is_flag=True, help="Replace OUT (and the validation file) when it exists.")
@click.option("--input-field", help="Field (or CSV column) holding the input text.")
@click.option("--output-field", help="Field (or CSV column) holding the output text.")
@click.option("--format-in", type=click.Choice(FORMATS), help="Container format of IN (default: detect).")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), help="Lint the output with this config.")
@click.option("--isolated", is_flag=True, help="Lint the output ignoring all config files.")
@click.option(
    "--output-format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="How to print the summary of changes and the lint.",
)
@_guard
def fix_command(
    source: str,
    output: str,
    to: str | None,
    to_shape: str | None,
    dedupe: bool,
    strip: bool,
    drop_invalid: bool,
    split_spec: str | None,
    seed: int,
    force: bool,
    input_field: str | None,
    output_field: str | None,
    format_in: str | None,
    config_path: str | None,
    isolated: bool,
    output_format: str,
) -> None:
    """Write a repaired copy of IN to OUT (UTF-8), then lint it.

    Exit status: 0 the output has no error finding, 1 it has (or the fix was refused because records
    would be lost unreported), 2 a tool error. IN is never written.
    """
    from validator.fix import FixRefused, fix_file
    from validator.fix.summary import has_errors, lint_result, render_json, render_text

    if config_path is not None and isolated:
        _fail("--config and --isolated cannot be used together")
    if split_spec is None and seed != 0:
        _fail("--seed needs --split")
    try:
        result = fix_file(
            source,
            output,
            to=to,
            to_shape=to_shape,
            dedupe=dedupe,
            strip=strip,
            drop_invalid=drop_invalid,
            split=split_spec,
            seed=seed,
            force=force,
            input_field=input_field,
            output_field=output_field,
            format_in=format_in,
        )
    except FixRefused as exc:
        why = redact(str(exc), personal=True)
        if output_format == "json":
            click.echo(json.dumps({"version": 1, "refused": why, "lines": list(exc.lines)}, indent=2))
        click.echo(f"tunelint: fix refused, nothing written: {why}", err=True)
        sys.exit(1)
    report = lint_result(
        result, isolated=isolated, config=config_path, input_field=input_field, output_field=output_field
    )
    text = render_json(result, report) if output_format == "json" else render_text(result, report)
    _write_stdout(text, False)
    sys.exit(1 if has_errors(report) else 0)


if __name__ == "__main__":  # pragma: no cover
    main()
