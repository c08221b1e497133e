"""What the article's tooltip says of the spans under the pointer: each span's category,
label, text, coder (where several coded), attributes as the forms show them, and memo."""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

from annotator.domain.model import Span
from annotator.domain.scheme import CodingScheme
from annotator.domain.text import excerpt


def _attributes(span: Span, category: Any, spans: Sequence[Span]) -> list[str]:
    """A span's attributes as the forms show them: an option's name, yes or no, a
    link's target by its category and text."""
    shown = []
    for key, value in span.attributes.items():
        attribute = category.attribute(key) if category else None
        name = attribute.name if attribute else key
        if attribute is not None and attribute.type == "link":
            target = next((s for s in spans if s.id == value), None)
            what = (f"→ {target.category} “{excerpt(target.text, 40)}”" if target
                    else "→ a span not shown")
        elif attribute is not None and attribute.type == "choice":
            what = next((o.name for o in attribute.options if o.key == value), str(value))
        elif isinstance(value, bool):
            what = "yes" if value else "no"
        else:
            what = excerpt(str(value), 80)
        shown.append(f"<i>{html.escape(name)}:</i> {html.escape(what)}")
    return shown


def span_tip(under: Sequence[Span], spans: Sequence[Span], scheme: CodingScheme | None) -> str:
    """The tooltip of the spans ``under`` the pointer, among the article's ``spans``."""
    if not under or scheme is None:
        return ""
    lines = []
    for span in under:
        category = scheme.category(span.category)
        name = category.name if category else span.category
        label = category.label(span.label) if category and span.label else None
        colour = category.colour if category else "#888"
        text = f"<span style='color:{colour}'>■</span> <b>{html.escape(name)}</b>"
        if label:
            text += f" · {html.escape(label.name)}"
        text += f" — “{html.escape(excerpt(span.text, 60))}”"
        if len({s.coder for s in spans}) > 1:
            text += f" <i>({html.escape(span.coder)})</i>"
        for shown in _attributes(span, category, spans):
            text += "<br>&nbsp;&nbsp;" + shown
        if span.memo:
            text += "<br><i>Memo:</i> " + html.escape(excerpt(span.memo, 200))
        lines.append(text)
    return "<br>".join(lines)
