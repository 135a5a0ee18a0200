"""The HTML report's stylesheet and script, as constants inlined into every page.

Nothing here is built from data: the script reads filter values from the DOM (``data-*`` attributes
that the renderer escaped) and never evaluates strings. The page's Content-Security-Policy admits only
this script, by its SHA-256 hash (:data:`SCRIPT_HASH`).
"""

from __future__ import annotations

import base64
import hashlib

__all__ = ["CSS", "SCRIPT", "SCRIPT_HASH"]

# Okabe-Ito colours (distinguishable with the common colour-vision deficiencies); every severity
# also carries its name and an icon, so colour is never the only cue.
CSS = """
:root {
  --bg: #f6f7f9; --panel: #ffffff; --ink: #1d2330; --muted: #5d6678; --line: #e2e6ee; --soft: #eef1f6;
  --error: #c94f00; --error-bg: #fbe9dc; --warning: #8a6d00; --warning-bg: #fbf3c4; --warning-mark: #e6b800;
  --info: #0072b2; --info-bg: #dcecf7; --pass: #007a5a; --pass-bg: #d9f2ea; --bar: #5a8fd0; --over: #d55e00;
  --limit: #c94f00; --mono: ui-monospace, "SFMono-Regular", "Cascadia Code", Menlo, Consolas, monospace;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #14171d; --panel: #1c2029; --ink: #e7eaf0; --muted: #9aa3b5; --line: #2e3441; --soft: #252a35;
    --error: #ff9e5e; --error-bg: #3a2417; --warning: #f0d25a; --warning-bg: #3a3317; --warning-mark: #f0d25a;
    --info: #6cb8ea; --info-bg: #16303f; --pass: #4fd1a5; --pass-bg: #163a2f; --bar: #6c9fe0;
  }
}
* { box-sizing: border-box; }
html { font-size: 15px; }
body {
  margin: 0; background: var(--bg); color: var(--ink); line-height: 1.5;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
}
main { max-width: 1180px; margin: 0 auto; padding: 28px 28px 64px; }
h1, h2, h3 { line-height: 1.25; margin: 0; }
h2 { font-size: 1.25rem; margin: 36px 0 12px; }
h3 { font-size: .8rem; text-transform: uppercase; letter-spacing: .06em; color: var(--muted); margin-bottom: 8px; }
code, pre, .mono { font-family: var(--mono); font-size: .86em; }
.muted { color: var(--muted); }
.panel { background: var(--panel); border: 1px solid var(--line); border-radius: 10px; padding: 18px 20px; }
header.gate { display: flex; align-items: center; gap: 18px; padding: 22px 24px; border-radius: 12px;
  border: 1px solid var(--line); background: var(--panel); border-left: 8px solid var(--pass); }
header.gate.failed { border-left-color: var(--error); }
header.gate h1 { font-size: 1.5rem; }
header.gate .meta { color: var(--muted); font-size: .93rem; }
.verdict { font-weight: 700; font-size: 1.05rem; padding: 6px 14px; border-radius: 999px;
  background: var(--pass-bg); color: var(--pass); white-space: nowrap; }
.failed .verdict { background: var(--error-bg); color: var(--error); }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(140px, 1fr)); gap: 12px; margin-top: 16px; }
.card { background: var(--panel); border: 1px solid var(--line); border-radius: 10px; padding: 12px 16px; }
.card .n { font-size: 1.55rem; font-weight: 700; font-variant-numeric: tabular-nums; }
.card .k { color: var(--muted); font-size: .85rem; }
.card.error { border-top: 4px solid var(--error); } .card.warning { border-top: 4px solid var(--warning-mark); }
.card.info { border-top: 4px solid var(--info); }
.file { margin-top: 18px; }
.file h2 { margin: 0 0 10px; font-family: var(--mono); font-size: 1.05rem; word-break: break-all; }
.facts { display: flex; flex-wrap: wrap; gap: 8px; margin-bottom: 16px; }
.fact { background: var(--soft); border-radius: 6px; padding: 3px 10px; font-size: .88rem; }
.fact b { font-weight: 600; }
.meter { display: inline-block; width: 70px; height: 7px; background: var(--line); border-radius: 4px;
  vertical-align: middle; margin-left: 6px; overflow: hidden; }
.meter i { display: block; height: 100%; background: var(--bar); }
.meter i.over { background: var(--over); }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 16px; align-items: start; }
.chart { border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; }
.chart svg { width: 100%; height: auto; display: block; overflow: visible; }
.chart .stats { font-size: .82rem; color: var(--muted); margin-top: 6px; font-variant-numeric: tabular-nums; }
svg text { font-family: system-ui, sans-serif; font-size: 11px; fill: var(--muted); }
svg .bar { fill: var(--bar); } svg .bar.over { fill: var(--over); }
svg .axis { stroke: var(--line); stroke-width: 1; }
svg .limit { stroke: var(--limit); stroke-width: 2; stroke-dasharray: 5 3; }
svg text.limit-label { fill: var(--limit); font-weight: 600; }
svg text.label { fill: var(--ink); }
table { border-collapse: collapse; width: 100%; }
.kv td, .kv th { padding: 3px 10px 3px 0; text-align: left; font-size: .88rem; font-variant-numeric: tabular-nums; }
.kv th { color: var(--muted); font-weight: 500; }
pre.tpl { background: var(--soft); padding: 10px 12px; border-radius: 6px; white-space: pre-wrap;
  word-break: break-word; margin: 6px 0; max-height: 220px; overflow: auto; }
.chip { display: inline-block; font-family: var(--mono); font-size: .82rem; background: var(--soft);
  border: 1px solid var(--line); border-radius: 5px; padding: 1px 7px; margin: 2px 2px 2px 0; }
.toolbar { display: flex; flex-wrap: wrap; align-items: center; gap: 10px 18px; margin-bottom: 12px; }
.toolbar label { display: inline-flex; align-items: center; gap: 6px; cursor: pointer; font-size: .92rem; }
.toolbar select, .toolbar input[type=search] { font: inherit; font-size: .9rem; padding: 4px 8px;
  border: 1px solid var(--line); border-radius: 6px; background: var(--panel); color: var(--ink); }
.toolbar .count { margin-left: auto; color: var(--muted); font-size: .9rem; }
table.findings th { text-align: left; font-size: .78rem; text-transform: uppercase; letter-spacing: .05em;
  color: var(--muted); border-bottom: 2px solid var(--line); padding: 6px 10px; position: sticky; top: 0;
  background: var(--panel); }
table.findings td { border-bottom: 1px solid var(--line); padding: 8px 10px; vertical-align: top; font-size: .9rem; }
table.findings tr[hidden] { display: none; }
td.loc { font-family: var(--mono); font-size: .82rem; overflow-wrap: anywhere; min-width: 120px; max-width: 260px; }
td.loc .path { color: var(--muted); }
td.msg { max-width: 520px; overflow-wrap: anywhere; }
td.code { white-space: nowrap; } td.code a { color: inherit; font-weight: 600; text-decoration: none; }
td.code .name { display: block; color: var(--muted); font-size: .8rem; font-weight: 400; }
.sev { display: inline-block; font-size: .78rem; font-weight: 700; border-radius: 5px; padding: 1px 8px;
  white-space: nowrap; }
.sev.error { background: var(--error-bg); color: var(--error); }
.sev.warning { background: var(--warning-bg); color: var(--warning); }
.sev.info { background: var(--info-bg); color: var(--info); }
details.help summary { cursor: pointer; color: var(--info); font-size: .84rem; white-space: nowrap; }
details.help p { margin: 4px 0 0; font-size: .85rem; max-width: 380px; }
.chart p { margin: 6px 0; } .chart .lbl { color: var(--muted); font-size: .82rem; margin: 8px 0 2px; }
.note { margin-top: 10px; padding: 8px 12px; border-radius: 6px; background: var(--warning-bg); font-size: .9rem; }
.empty { padding: 18px; text-align: center; color: var(--muted); }
.rules dt { font-weight: 600; margin-top: 16px; } .rules dt:first-child { margin-top: 0; }
.rules dd { margin: 2px 0 0; font-size: .92rem; } .rules dd p { margin: 4px 0; }
.rules .lbl { color: var(--muted); font-size: .8rem; text-transform: uppercase; margin-top: 8px; }
footer { margin-top: 40px; color: var(--muted); font-size: .85rem; text-align: center; }
"""

# Filters: severity checkboxes, a code select and a text search; a fragment such as
# ``#severity=error,warning&code=L001`` pre-applies them. Sets ``body[data-ready=1]`` when wired.
SCRIPT = """
(function () {
  "use strict";
  var rows = Array.prototype.slice.call(document.querySelectorAll("tr.finding"));
  var boxes = Array.prototype.slice.call(document.querySelectorAll("input[data-filter-severity]"));
  var codeSelect = document.getElementById("filter-code");
  var search = document.getElementById("filter-text");
  var shown = document.getElementById("visible-count");
  var empty = document.getElementById("no-match");
  function fromFragment() {
    var params = new URLSearchParams(window.location.hash.replace(/^#/, ""));
    var sev = params.get("severity");
    if (sev !== null) {
      var wanted = sev.split(",");
      boxes.forEach(function (b) { b.checked = wanted.indexOf(b.value) !== -1; });
    }
    var code = params.get("code");
    if (code !== null && codeSelect) {
      var known = Array.prototype.some.call(codeSelect.options, function (o) { return o.value === code; });
      codeSelect.value = known ? code : "";
    }
    var q = params.get("q");
    if (q !== null && search) { search.value = q; }
  }
  function apply() {
    var allowed = {};
    boxes.forEach(function (b) { allowed[b.value] = b.checked; });
    var code = codeSelect ? codeSelect.value : "";
    var q = search ? search.value.trim().toLowerCase() : "";
    var visible = 0;
    rows.forEach(function (row) {
      var show = allowed[row.getAttribute("data-severity")] !== false &&
        (code === "" || row.getAttribute("data-code") === code) &&
        (q === "" || row.textContent.toLowerCase().indexOf(q) !== -1);
      if (show) { row.removeAttribute("hidden"); visible += 1; } else { row.setAttribute("hidden", ""); }
    });
    if (shown) { shown.textContent = String(visible); }
    if (empty) { empty.hidden = !(visible === 0 && rows.length > 0); }
  }
  function remember() {
    var parts = [];
    var sev = boxes.filter(function (b) { return b.checked; }).map(function (b) { return b.value; });
    if (sev.length !== boxes.length) { parts.push("severity=" + encodeURIComponent(sev.join(","))); }
    if (codeSelect && codeSelect.value) { parts.push("code=" + encodeURIComponent(codeSelect.value)); }
    if (search && search.value.trim()) { parts.push("q=" + encodeURIComponent(search.value.trim())); }
    var target = parts.length ? "#" + parts.join("&") : window.location.pathname;
    try { history.replaceState(null, "", target); } catch (e) {}
  }
  function changed() { apply(); remember(); }
  boxes.forEach(function (b) { b.addEventListener("change", changed); });
  if (codeSelect) { codeSelect.addEventListener("change", changed); }
  if (search) { search.addEventListener("input", changed); }
  window.addEventListener("hashchange", function () { fromFragment(); apply(); });
  fromFragment();
  apply();
  document.body.setAttribute("data-ready", "1");
})();
"""

SCRIPT_HASH = "sha256-" + base64.b64encode(hashlib.sha256(SCRIPT.encode("utf-8")).digest()).decode("ascii")
