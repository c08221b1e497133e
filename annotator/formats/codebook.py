"""The coding scheme as a readable codebook (Markdown or HTML), for coder training."""

from __future__ import annotations

import html

from annotator.domain.scheme import Category, CodingScheme, Label, Option


def _md(text: str | None) -> str:
    """Scheme text as Markdown shows it: '<', '>' and '&' escaped, so markup written in a
    codebook (or a '<script>') is shown as typed, never run by a Markdown renderer."""
    return html.escape(text or "", quote=False)


def _options(options: tuple[Option, ...]) -> str:
    return ", ".join(f"{_md(o.name)} (`{o.key}`)" for o in options)


def codebook_markdown(scheme: CodingScheme) -> str:
    out = [f"# {_md(scheme.name)}", "", f"Version {scheme.version}.", ""]
    if scheme.description:
        out += [_md(scheme.description), ""]
    out += ["## Span categories", ""]
    for c in scheme.categories:
        key = f" — key **{c.shortcut}**" if c.shortcut else ""
        out += [f"### {_md(c.name)} (`{c.key}`){key}", "", _md(c.description), ""]
        if c.labels:
            out += ["Labels:", ""]
            out += [f"- **{_md(lb.name)}** (`{lb.key}`)" + (f", key **{lb.shortcut}**"
                                                            if lb.shortcut else "")
                    + (f": {_md(lb.description)}" if lb.description else "") for lb in c.labels]
            out.append("")
        if c.attributes:
            out += ["Attributes:", ""]
            for a in c.attributes:
                detail = {"choice": f"one of {_options(a.options)}",
                          "link": f"a link to a {' or '.join(a.targets)} span"}.get(a.type, a.type)
                out.append(f"- **{_md(a.name)}** (`{a.key}`): {detail}"
                           + (f". {_md(a.description)}" if a.description else ""))
            out.append("")
    if scheme.variables:
        out += ["## Document variables", ""]
        for v in scheme.variables:
            detail = f"one of {_options(v.options)}" if v.type == "choice" else v.type
            out.append(f"- **{_md(v.name)}** (`{v.key}`): {detail}; level {v.level}"
                       + (f". {_md(v.description)}" if v.description else ""))
        out.append("")
    return "\n".join(out)


def category_html(c: Category, label: Label | None = None) -> str:
    """One category's codebook entry; with ``label``, that label's text instead of the list.
    Shared by the HTML codebook and the window's codebook panel."""
    e = html.escape
    parts = [f"<h3><span style='color:{e(c.colour)}'>■</span> {e(c.name)} "
             f"<code>{e(c.key)}</code>" + (f" <kbd>{e(c.shortcut)}</kbd>" if c.shortcut else "")
             + f"</h3><p>{e(c.description)}</p>"]
    labels = [label] if label else list(c.labels)
    if labels:
        parts.append("<ul>" + "".join(
            f"<li><b>{e(lb.name)}</b> <code>{e(lb.key)}</code>"
            + (f" <kbd>{e(lb.shortcut)}</kbd>" if lb.shortcut else "")
            + (f": {e(lb.description)}" if lb.description else "") + "</li>"
            for lb in labels) + "</ul>")
    if c.attributes:
        parts.append("<p><i>Attributes</i></p><ul>" + "".join(
            f"<li><b>{e(a.name)}</b> ({e(a.type)})"
            + (f": {e(', '.join(o.name for o in a.options))}" if a.options else "")
            + (f" → {e(', '.join(a.targets))}" if a.targets else "")
            + (f". {e(a.description)}" if a.description else "") + "</li>"
            for a in c.attributes) + "</ul>")
    return "".join(parts)


def codebook_html(scheme: CodingScheme) -> str:
    e = html.escape
    parts = [f"<h1>{e(scheme.name)}</h1><p>Version {scheme.version}. {e(scheme.description)}"
             "</p><h2>Span categories</h2>"]
    parts += [category_html(c) for c in scheme.categories]
    if scheme.variables:
        parts.append("<h2>Document variables</h2><ul>" + "".join(
            f"<li><b>{e(v.name)}</b> ({e(v.type)}, {e(v.level)})"
            + (f": {e(', '.join(o.name for o in v.options))}" if v.options else "")
            + "</li>" for v in scheme.variables) + "</ul>")
    return (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>"
            f"{e(scheme.name)}</title><style>body{{font-family:sans-serif;max-width:50em;"
            f"margin:2em}}kbd{{border:1px solid #999;border-radius:3px;padding:0 4px}}</style>"
            f"</head><body>{''.join(parts)}</body></html>\n")
