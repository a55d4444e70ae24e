"""``eduequity standards``: the registered standards, and ``standards show ID``: one of them in full.

``show`` is how an analyst learns what a standard asks for before filling a
workbook: every rule with its limits, every source with its clause and
confidence, the school columns it reads and the metrics it needs (the keys a
metrics file must use, beside their Chinese names). It is printed as plain
lines, not a table, so an id is never cut to fit a narrow terminal.
"""

from __future__ import annotations

import click

from .shared import guard, table


@click.group(invoke_without_command=True)
@click.pass_context
@guard
def standards(ctx: click.Context) -> None:
    """List the registered standards (`standards show ID` for one in full)."""
    import eduequity as ee

    if ctx.invoked_subcommand is not None:
        return
    reg = ee.registry()
    table("standards", ["id", "document", "jurisdiction", "title"],
          [[s.id, s.source.reference, s.jurisdiction, s.title] for s in sorted(reg.standards.values(), key=lambda s: s.id)])


def _value(v: object) -> str:
    """A limit as people write it: a per-level value as 小学 … / 初中 …, a float without noise."""
    from eduequity.core.columns import LEVEL_ZH, LEVELS

    if hasattr(v, "primary") and hasattr(v, "junior"):
        return " / ".join(f"{LEVEL_ZH[lv]} {getattr(v, lv):g}" for lv in LEVELS if getattr(v, lv) is not None)
    return f"{v:g}" if isinstance(v, float | int) else str(v)


def describe(std) -> list[str]:
    """The lines ``standards show`` prints for ``std``."""
    from eduequity.core.columns import BY_NAME, UNIT_ZH

    lines = [f"{std.id}  {std.title}", f"  jurisdiction: {std.jurisdiction}",
             f"  document: {std.source.cite()}  (confidence {std.source.confidence})"]
    if std.adopts:
        lines.append(f"  adopts: {std.adopts}")
    lines.append("")
    lines.append("rules 规则 (id, kind, title; limits and thresholds):")
    for c in std.criteria:
        veto = "  (一票否决 veto)" if getattr(c, "veto", False) else ""
        lines.append(f"  {c.id}  [{c.KIND}]  {getattr(c, 'title', '')}{veto}".rstrip())
        if getattr(c, "metric", None):
            lines.append(f"      {c.metric} {c.op} {c.value:g}"
                         + (f", deadline {c.deadline}" if c.deadline is not None else ""))
        lines += [f"      {s.kind} {s.key}: {_value(s.current)}" for s in c.slots() if c.KIND != "target"]
    lines += ["", "sources 依据 (what, document clause, confidence):"]
    seen = set()
    for c in std.criteria:
        for what, src, _required in c.sources():
            if src is not None and (what, src.cite()) not in seen:
                seen.add((what, src.cite()))
                lines.append(f"  {what}: {src.cite()}  (confidence {src.confidence})")
    lines += ["", "school columns 学校表列 (key, Chinese header, unit):"]
    lines += [f"  {k}  {BY_NAME[k].zh}  {UNIT_ZH.get(BY_NAME[k].unit or '', BY_NAME[k].unit or '')}".rstrip()
              for k in ("year", "county", "school_id", "level", "students", *std.needed_columns)]
    lines += ["", "metrics 指标 (key, kind, unit, Chinese name) — the 指标 column of a metrics file:"]
    lines += [f"  {m.key}  [{m.kind}{', ' + m.unit if m.unit else ''}]  {m.zh}" for m in std.metrics] or ["  (none)"]
    return lines


@standards.command()
@click.argument("standard_id")
@guard
def show(standard_id: str) -> None:
    """Show one standard: rules with their limits, sources, and the columns and metrics it needs."""
    import eduequity as ee

    for line in describe(ee.registry().standard(standard_id)):
        click.echo(line)
