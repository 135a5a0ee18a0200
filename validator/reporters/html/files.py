"""The per-file part of the HTML report: facts, length histograms, tokens, labels, template, tuning."""

from __future__ import annotations

from typing import Any

from validator.report import FileReport
from validator.reporters.html.charts import esc, histogram_svg, labels_svg, num, size

__all__ = ["file_section"]


def file_section(file: FileReport, index: int) -> str:
    """One ``<section class="file">`` for ``file``."""
    panels = [
        _length_panel("Input length", file.stats.get("input_chars"), file.limits.get("max_input_chars"), "input"),
        _length_panel("Output length", file.stats.get("output_chars"), file.limits.get("max_output_chars"), "output"),
    ]
    labels = file.stats.get("labels")
    if isinstance(labels, dict) and labels:
        panels.append(
            f'<div class="chart" data-chart="labels"><h3>Labels ({num(len(labels))})</h3>{labels_svg(labels)}</div>'
        )
    panels.append(_tokens_panel(file))
    panels.append(_template_panel(file.template))
    panels.append(_tuning_panel(file.tuning))
    return (
        f'<section class="file panel" id="file-{index}"><h2>{esc(file.path)}</h2>'
        f'<div class="facts">{_facts(file)}</div>'
        f'<div class="grid">{"".join(p for p in panels if p)}</div></section>'
    )


def _fact(key: str, value: str) -> str:
    return f'<span class="fact"><span class="muted">{esc(key)}</span> <b>{value}</b></span>'


def _facts(file: FileReport) -> str:
    task = esc(file.task) + (' <span class="muted">(inferred)</span>' if file.task_inferred else "")
    records = num(file.records)
    wanted = [f"min {num(v)}" for v in [file.limits.get("min_examples")] if v] + [
        f"recommended {num(v)}" for v in [file.limits.get("recommended_examples")] if v
    ]
    wanted += [f"max {num(v)}" for v in [file.limits.get("max_examples")] if v]
    if wanted:
        records += f' <span class="muted">({", ".join(wanted)})</span>'
    facts = [
        _fact("format", esc(file.format or "?")),
        _fact("shape", esc(file.schema or "unknown")),
        _fact("profile", esc(file.profile)),
        _fact("task", task),
        _fact("records", records),
    ]
    if file.bytes is not None:
        limit = file.limits.get("max_file_bytes")
        shown = esc(size(file.bytes))
        if limit:
            share = file.bytes / limit
            over = ' class="over"' if share > 1 else ""
            shown += (
                f' <span class="muted">of {esc(size(limit))}</span>'
                f'<span class="meter" title="{share:.0%} of the limit"><i{over} style="width:{min(share, 1):.1%}">'
                "</i></span>"
            )
        facts.append(_fact("size", shown))
    facts.append(_fact("encoding", esc(file.encoding)))
    return "".join(facts)


def _length_panel(title: str, stats: Any, limit: int | None, kind: str) -> str:
    if not isinstance(stats, dict) or not stats.get("count"):
        return f'<div class="chart" data-chart="{kind}"><h3>{esc(title)}</h3><p class="empty">no {kind}s</p></div>'
    hist = stats.get("histogram") or {}
    figures = " · ".join(
        f"{key} {num(stats[key])}" for key in ("min", "p50", "p95", "max", "mean") if stats.get(key) is not None
    )
    limit_text = f' · <span class="limit-text">limit {num(limit)}</span>' if limit else ""
    return (
        f'<div class="chart" data-chart="{kind}"><h3>{esc(title)} <span class="muted">(characters)</span></h3>'
        f"{histogram_svg(title, hist, limit)}"
        f'<div class="stats">{num(stats["count"])} {kind}s · {figures}{limit_text}</div></div>'
    )


def _tokens_panel(file: FileReport) -> str:
    tokens = file.stats.get("tokens")
    if not isinstance(tokens, dict) or not tokens.get("dataset"):
        return ""
    rows = []
    for key, label in (("input", "input"), ("output", "output"), ("total", "per example")):
        part = tokens.get(key)
        if isinstance(part, dict):
            cells = "".join(f"<td>{num(part.get(p, ''))}</td>" for p in ("p50", "p95", "max"))
            rows.append(f"<tr><th>{label}</th>{cells}</tr>")
    limit = file.limits.get("max_example_tokens")
    limit_row = f'<p class="stats">limit {num(limit)} tokens per example</p>' if limit else ""
    epochs = tokens.get("epochs", 1)
    how = "estimated" if tokens.get("estimated") else f"counted by {esc(tokens.get('method', '?'))}"
    return (
        '<div class="chart" data-chart="tokens"><h3>Tokens</h3>'
        '<table class="kv"><tr><th></th><th>p50</th><th>p95</th><th>max</th></tr>' + "".join(rows) + "</table>"
        f"<p><b>{num(tokens.get('billable'))}</b> billable tokens "
        f'<span class="muted">= {num(tokens["dataset"])} dataset tokens × {num(epochs)} '
        f"epoch{'s' if epochs != 1 else ''} ({how})</span></p>{limit_row}"
        f'<p class="stats">{esc(tokens.get("description", ""))}</p></div>'
    )


def _template_panel(template: dict[str, Any] | None) -> str:
    if not template:
        return ""
    parts = []
    markers = template.get("markers")
    if markers:
        share = template.get("share")
        share_text = f' <span class="muted">in {share:.0%} of inputs</span>' if isinstance(share, (int, float)) else ""
        chips = " → ".join(f'<span class="chip">{esc(m)}</span>' for m in markers)
        parts.append(f"<p>Field markers: {chips}{share_text}</p>")
    if template.get("preamble"):
        parts.append(f'<p class="lbl">Preamble</p><pre class="tpl">{esc(template["preamble"])}</pre>')
    for key, label in (("input_suffix", "Inputs end with"), ("output_suffix", "Outputs end with")):
        if template.get(key):
            parts.append(f'<p>{label} <span class="chip">{esc(repr(template[key]))}</span></p>')
    if template.get("json_outputs"):
        parts.append("<p>Outputs are JSON</p>")
    if not parts:
        return ""
    note = '<p class="stats">Format production prompts the same way.</p>'
    return f'<div class="chart" data-chart="template"><h3>Detected template</h3>{"".join(parts)}{note}</div>'


def _tuning_panel(tuning: dict[str, Any] | None) -> str:
    if not tuning:
        return ""
    params = tuning.get("parameters") or {}
    rows = "".join(f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in params.items())
    return (
        f'<div class="chart" data-chart="tuning"><h3>Tuning job <span class="muted">({esc(tuning.get("kind", "?"))})'
        f'</span></h3><table class="kv">{rows}</table></div>'
    )
