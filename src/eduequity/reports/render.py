"""``ee.render``: an Evaluation (or several) in a registered report format."""

from __future__ import annotations

import json
from typing import Any

from ..core.evaluation import Evaluation
from ..core.explain import Explanation
from ..core.remedy import Plan
from ..core.registry import Registry, registry as default_registry
from ..core.serialise import converter
from ..core.track import TrackResult
from . import csv, html, markdown, pdf, views, xlsx


def render(obj: Any, format_id: str, *, registry: Registry | None = None, lang: str | None = None) -> str | bytes:
    """Render ``obj`` (an Evaluation, a TrackResult, an Explanation, a Plan, the frame of ``ee.equity``, or a
    list of them) as ``format_id``.

    ``lang`` ("zh" or "en") overrides the format's language. Reports for people
    (Markdown, HTML, XLSX, PDF) are then in that language alone — headers, statuses,
    levels, indicator names, yes/no and reasons; CSV keeps the frames' values for
    programs and relabels only its headers.

    Output is deterministic: the same evaluation gives byte-identical text
    (sorted keys, stable row order, no timestamps).
    """
    reg = registry or default_registry()
    try:
        fmt = reg.report_formats[format_id]
    except KeyError:
        raise KeyError(f"unknown report format {format_id!r}; registered: {', '.join(sorted(reg.report_formats))}") from None
    items = list(obj) if isinstance(obj, list | tuple) else [obj]
    for item in items:
        if not isinstance(item, Evaluation | TrackResult | Explanation | Plan) and not views.is_equity(item):
            raise TypeError(f"cannot render {type(item).__name__} as {format_id!r}")
    if fmt.writer == "json":
        data = [converter.unstructure(e) for e in items]
        return json.dumps(data if isinstance(obj, list | tuple) else data[0], ensure_ascii=False, sort_keys=True,
                          indent=1, allow_nan=False) + "\n"
    lang = lang or fmt.lang
    if fmt.writer == "csv":  # for programs: the frames' own values, relabelled headers only where asked
        blocks = views.relabel(views.blocks(items, fmt, reg), lang) if lang == "zh" else views.blocks(items, fmt, reg)
        return csv.write(blocks, fmt.id)
    blocks = views.relabel(views.blocks(items, fmt, reg, lang, paged=fmt.writer != "xlsx"), lang)
    title = views.one_language(fmt.title, lang or "zh")  # the document's own title, in the report's language
    if fmt.writer == "html":
        return html.write(blocks, title, lang or "zh")
    if fmt.writer == "xlsx":
        return xlsx.write(blocks, title)
    if fmt.writer == "pdf":
        return pdf.write(blocks, title)
    return markdown.write(blocks)


__all__ = ["render"]
