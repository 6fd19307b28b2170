"""The three shapes of a diff report.

- `text`: one line per change, for a terminal;
- `markdown`: a pull-request comment, grouped by level then by tag, with the
  generated Python API's changes listed on their own;
- `json`: for machines; the structure below is stable (new keys may be added,
  none removed or changed in meaning while `format` stays `dixagen-diff/1`):

      {"format": "dixagen-diff/1",
       "old": {"spec", "title", "version", "package"}, "new": {...},
       "summary": {"ERR": n, "WARN": n, "INFO": n},
       "changes": [{"id", "level", "message", "operation", "schema", "operations",
                    "tag", "pointer", "side", "python"}]}

  `id` is the kind's stable code, `pointer` a JSON pointer into the `side`
  ("old" or "new") spec, `operation` is "METHOD /path" for a change of one
  operation (else null), `schema` the component a change was found in (else
  null) and `operations` the operations using it.
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

from .model import LEVEL_TITLES, LEVELS, Change, Report, SpecInfo

FORMAT = "dixagen-diff/1"


def summary_line(report: Report) -> str:
    if not report.changes:
        return "no changes"
    return ", ".join(f"{report.count(level)} {LEVEL_TITLES[level]}" for level in LEVELS)


def _where(change: Change) -> str:
    if change.operation:
        return change.operation
    return f"schema {change.schema}" if change.schema else "document"


def to_text(report: Report) -> str:
    lines = [f"{report.old.label} → {report.new.label}: {summary_line(report)}"]
    for change in report.changes:
        line = f"{change.level:<4} {change.kind}: {_where(change)}: {change.message} ({change.side} #{change.pointer})"
        if change.python:
            line += f" [python: {change.python}]"
        lines.append(line)
    return "\n".join(lines) + "\n"


def to_json(report: Report) -> str:
    def side(info: SpecInfo) -> dict[str, str]:
        return {"spec": info.label, "title": info.title, "version": info.version, "package": info.package}

    document: dict[str, Any] = {
        "format": FORMAT,
        "old": side(report.old),
        "new": side(report.new),
        "summary": {level: report.count(level) for level in LEVELS},
        "changes": [
            {
                "id": c.kind, "level": c.level, "message": c.message, "operation": c.operation, "schema": c.schema,
                "operations": c.operations, "tag": c.tag, "pointer": c.pointer, "side": c.side, "python": c.python,
            }
            for c in report.changes
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def to_markdown(report: Report) -> str:
    out = [f"### API changes: `{report.old.label}` → `{report.new.label}`", ""]
    if not report.changes:
        return "\n".join(out + ["No changes.", ""])
    out += [" · ".join(f"**{report.count(level)}** {LEVEL_TITLES[level]} ({level})" for level in LEVELS), ""]
    for level in LEVELS:
        changes = [c for c in report.changes if c.level == level]
        if not changes:
            continue
        title = f"{LEVEL_TITLES[level].capitalize()} ({level}): {len(changes)}"
        folded = level == "INFO"
        out += [f"<details><summary><b>{title}</b></summary>", ""] if folded else [f"#### {title}", ""]
        by_tag: dict[str, list[Change]] = defaultdict(list)
        for change in changes:
            by_tag[_tag_title(change)].append(change)
        for tag in sorted(by_tag, key=lambda t: (t.startswith("("), t)):
            out += [f"##### {tag}", ""]
            out += [_markdown_item(c) for c in by_tag[tag]]
            out.append("")
        if folded:
            out += ["</details>", ""]
    python = sorted({c.python for c in report.changes if c.python})
    if python:
        out += [f"<details><summary><b>Generated Python API: {len(python)} changes</b></summary>", ""]
        out += [f"- `{p}`" for p in python]
        out += ["", "</details>", ""]
    return "\n".join(out)


def _tag_title(change: Change) -> str:
    if change.tag:
        return change.tag
    if change.operations:
        return "(schemas used under several tags)"
    return "(not used by any operation)" if change.schema else "(no tag)"


def _markdown_item(change: Change) -> str:
    where = f"`{change.operation}`" if change.operation else f"schema `{change.schema}`"
    if not change.operation and change.operations:
        count = len(change.operations)
        where += f" (used by {count} operation{'s' * (count != 1)})"
    details = f"`{change.kind}` · `{change.side} #{change.pointer}`"
    if change.python:
        details += f" · Python: `{change.python}`"
    return f"- **{where}**: {change.message}  \n  {details}"


FORMATS = {"text": to_text, "markdown": to_markdown, "json": to_json}
