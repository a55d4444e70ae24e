"""``eduequity schedules``: the registered phased schedules, and ``schedules show ID``: one in full.

Printed as plain lines, not a table: an id is what a user copies into
``eduequity track``, so it is never cut to fit a narrow terminal.
"""

from __future__ import annotations

import click

from .shared import guard


def milestones_text(sched) -> str:
    """"10 by 2015 · 30 by 2017 · 60 by 2020"."""
    return " · ".join(f"{m.count} by {m.year}" for m in sched.milestones)


@click.group(invoke_without_command=True)
@click.pass_context
@guard
def schedules(ctx: click.Context) -> None:
    """List the registered phased schedules (`schedules show ID` for one in full)."""
    import eduequity as ee

    if ctx.invoked_subcommand is not None:
        return
    rows = [("id", "jurisdiction", "counts", "milestones", "title")]
    rows += [(s.id, s.jurisdiction, s.recognition, milestones_text(s), s.title)
             for s in sorted(ee.registry().schedules.values(), key=lambda s: s.id)]
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
    for r in rows:
        click.echo("  ".join([*(c.ljust(w) for c, w in zip(r, widths, strict=False)), r[-1]]).rstrip())


def describe(sched) -> list[str]:
    """The lines ``schedules show`` prints for ``sched``."""
    src = sched.source
    lines = [f"{sched.id}  {sched.title}", f"  jurisdiction: {sched.jurisdiction}",
             f"  counts: {sched.recognition} recognitions, in the year of the inspection",
             f"  plan: from {sched.start}, {sched.total} counties",
             f"  lead unit 牵头单位: {sched.lead_unit or '—'}",
             f"  partner units 配合单位: {'、'.join(sched.partner_units) or '—'}",
             f"  document: {src.cite()}  (confidence {src.confidence})"]
    if src.text:
        lines.append(f"  text: {src.text}")
    lines += ["", "milestones 阶段目标 (year, counties, share):"]
    lines += [f"  {m.year}  {m.count}  {m.count / sched.total:.1%}" + (f"  ({m.source.cite()})" if m.source else "")
              for m in sched.milestones]
    lines += ["", "county target years 各县目标年份 (county, year):"]
    lines += [f"  {t.county}  {t.year}" + (f"  ({t.source.cite()})" if t.source else "") for t in sched.target_years]
    if not sched.target_years:
        lines.append("  (none in the schedule: give them with `eduequity track --target-years FILE`)")
    return lines


@schedules.command()
@click.argument("schedule_id")
@guard
def show(schedule_id: str) -> None:
    """Show one schedule: what it counts, its milestones, units, source and county target years."""
    import eduequity as ee

    reg = ee.registry()
    if schedule_id not in reg.schedules:
        raise KeyError(f"unknown schedule {schedule_id!r}; registered: {', '.join(sorted(reg.schedules)) or 'none'}")
    for line in describe(reg.schedules[schedule_id]):
        click.echo(line)
