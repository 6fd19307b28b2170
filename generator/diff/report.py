"""The three shapes of a diff report.

- `text`: one line per change, for a terminal;
- `markdown`: a pull-request comment, grouped by level then by tag, with the
  generated Python API's changes listed on their own, folded to fit the
  65,536 characters GitHub allows (descriptions counted, ERR and WARN in full);
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
from collections.abc import Callable
from typing import Any, TypeVar

from .model import KINDS, LEVEL_TITLES, LEVELS, Change, Report, SpecInfo

T = TypeVar("T")

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


# GitHub refuses a pull-request comment longer than this many characters.
MARKDOWN_LIMIT = 65_536


def to_markdown(report: Report, limit: int = MARKDOWN_LIMIT) -> str:
    """A pull-request comment that fits in `limit` characters.

    ERR and WARN changes are always listed in full. INFO description changes
    are folded into a count per kind; the other INFO changes and the generated
    Python API's changes are listed, folded, for as long as they fit, and what
    did not fit is counted. The comment says what was folded.
    """
    out = [f"### API changes: `{report.old.label}` → `{report.new.label}`", ""]
    if not report.changes:
        return "\n".join(out + ["No changes.", ""])
    out += [" · ".join(f"**{report.count(level)}** {LEVEL_TITLES[level]} ({level})" for level in LEVELS), ""]
    for level in ("ERR", "WARN"):
        changes = [c for c in report.changes if c.level == level]
        if changes:
            out += [f"#### {LEVEL_TITLES[level].capitalize()} ({level}): {len(changes)}", ""]
            out += _by_tag(changes)
    info = [c for c in report.changes if c.level == "INFO"]
    descriptions = [c for c in info if c.is_description]
    listed = [c for c in info if not c.is_description]
    python = sorted({c.python for c in report.changes if c.python})
    # What is left once the folded parts' frames (headings, counts, the note) are written.
    reserve = 1_500 + 120 * len({c.kind for c in descriptions})
    budget = limit - len("\n".join(out)) - reserve
    kept_info, budget = _fitting(listed, budget, _markdown_item)
    kept_python, budget = _fitting([f"- `{p}`" for p in python], budget, str)
    folded = []
    if descriptions:
        folded.append(f"{len(descriptions)} description change{'s' * (len(descriptions) != 1)} (counted by kind)")
    if len(kept_info) < len(listed):
        folded.append(f"{len(listed) - len(kept_info)} further informational changes")
    if len(kept_python) < len(python):
        folded.append(f"{len(python) - len(kept_python)} generated Python API changes")
    if info:
        out += [f"<details><summary><b>Informational (INFO): {len(info)}</b></summary>", ""]
        if descriptions:
            counts: dict[str, int] = defaultdict(int)
            for change in descriptions:
                counts[change.kind] += 1
            out += ["| description changes | count |", "| --- | --- |"]
            out += [f"| {KINDS[kind].summary} (`{kind}`) | {count} |" for kind, count in sorted(counts.items())]
            out.append("")
        out += _by_tag(kept_info)
        if len(kept_info) < len(listed):
            out += [f"… and {len(listed) - len(kept_info)} more.", ""]
        out += ["</details>", ""]
    if python:
        out += [f"<details><summary><b>Generated Python API: {len(python)} changes</b></summary>", ""]
        out += kept_python
        if len(kept_python) < len(python):
            out.append(f"- … and {len(python) - len(kept_python)} more.")
        out += ["", "</details>", ""]
    if folded:
        out += [
            f"_Folded to fit a pull-request comment ({limit:,} characters): {'; '.join(folded)}. "
            "Breaking and possibly breaking changes are all listed; `dixagen diff --format text` "
            "lists every change._",
            "",
        ]
    return "\n".join(out)


def _by_tag(changes: list[Change]) -> list[str]:
    out: list[str] = []
    by_tag: dict[str, list[Change]] = defaultdict(list)
    for change in changes:
        by_tag[_tag_title(change)].append(change)
    for tag in sorted(by_tag, key=lambda t: (t.startswith("("), t)):
        out += [f"##### {tag}", ""]
        out += [_markdown_item(c) for c in by_tag[tag]]
        out.append("")
    return out


def _fitting(items: list[T], budget: int, render: Callable[[T], str]) -> tuple[list[T], int]:
    """The leading `items` that fit in `budget` characters once rendered (with
    the heading of each new tag for changes), and the budget left."""
    kept: list[T] = []
    tags: set[str] = set()
    for item in items:
        cost = len(render(item)) + 1
        if isinstance(item, Change) and _tag_title(item) not in tags:
            cost += len(_tag_title(item)) + 9  # "##### tag", a blank line before the items and one after
        if cost > budget:
            break
        if isinstance(item, Change):
            tags.add(_tag_title(item))
        kept.append(item)
        budget -= cost
    return kept, budget


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
