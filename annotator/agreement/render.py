"""Writing an agreement report as a text table, CSV, JSON or one self-contained HTML file.

Every figure is written beside its n (units, coders); undefined figures say why. The HTML
escapes every piece of text that came from articles or coders.
"""

from __future__ import annotations

import csv
import html
import io
import json
from typing import Any

from annotator.agreement.report import AgreementReport, Row
from annotator.domain import chart_style as style

JSON_VERSION = 1
CSV_COLUMNS = ("section", "target", "coders", "coefficient", "value", "undefined_reason",
               "units", "unit", "coder_count", "documents", "documents_left_out", "ci95_low",
               "ci95_high")


def unit_name(row: Row) -> str:
    """What ``units`` counts for this figure."""
    name = row.result.name
    if row.section == "variables":
        return "documents"
    if name.startswith(("unitizing", "character", "u_alpha", "binary_u", "cu_alpha",
                        "k_u_alpha")):
        return "characters"
    if name.startswith(("span_f1", "gamma")):
        return "spans"
    return "matched span pairs"


def _value(row: Row) -> str:
    return "undefined" if row.result.value is None else f"{row.result.value:.4f}"


def _flat(row: Row) -> dict[str, Any]:
    ci = row.result.details.get("ci95") or [None, None]
    return {"section": row.section, "target": row.target, "coders": row.coders,
            "coefficient": row.result.name, "value": row.result.value,
            "undefined_reason": row.result.reason or "", "units": row.result.units,
            "unit": unit_name(row),
            "coder_count": row.result.coders,
            "documents": row.result.details.get("documents", ""),
            "documents_left_out": row.result.details.get("documents_left_out", ""),
            "ci95_low": ci[0], "ci95_high": ci[1]}


def left_out_text(report: AgreementReport) -> str:
    """The documents the report could not use, and why (also in the table and HTML)."""
    if not report.left_out:
        return "No document in scope was left out."
    return "Left out: " + "; ".join(f"{n} document{'s' * (n != 1)} {why}"
                                    for why, n in report.left_out.items()) + "."


def to_table(report: AgreementReport) -> str:
    lines = [f"Agreement of {', '.join(report.coders)} over {report.documents} documents "
             f"(scope: {report.scope}). {left_out_text(report)}", ""]
    header = f"{'section':<9} {'target':<38} {'coders':<14} {'coefficient':<22} " \
             f"{'value':>9} {'n':>9} {'of':<10} {'docs':>5} note"
    lines += [header, "-" * len(header)]
    for row in report.rows:
        note = _note(row)
        lines.append(f"{row.section:<9} {row.target:<38} {row.coders:<14} "
                     f"{row.result.name:<22} {_value(row):>9} {row.result.units:>9} "
                     f"{unit_name(row):<10} {row.result.details.get('documents', ''):>5} "
                     f"{note}")
    lines += ["", f"{len(report.disagreements)} document/category disagreements.", "",
              report.rules]
    return "\n".join(lines) + "\n"


def _note(row: Row) -> str:
    ci = row.result.details.get("ci95")
    note = f"95% CI [{ci[0]:.3f}, {ci[1]:.3f}]" if ci else (row.result.reason or "")
    if row.result.details.get("documents_left_out"):
        note += f" ({row.result.details['documents_left_out']} documents left out: not "\
                f"coded by every chosen coder, which one joined continuum needs)"
    return note.strip()


def to_csv(report: AgreementReport) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in report.rows:
        writer.writerow(_flat(row))
    return out.getvalue()


def to_json(report: AgreementReport) -> str:
    return json.dumps({
        "format": "annotator-agreement", "version": JSON_VERSION,
        "coders": report.coders, "documents": report.documents, "scope": report.scope,
        "rules": report.rules, "documents_left_out": report.left_out,
        "results": [{**row.as_dict(), "unit": unit_name(row)} for row in report.rows],
        "disagreements": [{"document_id": d.document_id, "title": d.title,
                           "category": None if d.variable else d.category,
                           "variable": d.category if d.variable else None,
                           "spans": {c: [{"start": s, "end": e, "label": lb, "text": t}
                                         for s, e, lb, t in spans]
                                     for c, spans in d.spans.items()},
                           "values": d.values}
                          for d in report.disagreements],
    }, ensure_ascii=False, indent=2)


def _chart(report: AgreementReport) -> str:
    """Horizontal bars of u-alpha per target in inline SVG (no scripts, no files), in the
    style of Tools → Charts: grid lines at round values, Krippendorff's .667 and .800 marked,
    bars coloured by which side of them they fall."""
    rows = [r for r in report.rows if r.section == "spans" and r.coders == "all"
            and r.result.name == "unitizing_alpha"]
    left, width, top = 300, 360, 34  # the axis from -1 to 1 spans the width
    height = top + 24 * len(rows) + 26

    def x_of(value: float) -> float:
        return left + (value + 1) / 2 * width

    font = f'font-family="{style.FONT_FAMILY}" font-size="{style.FONT_SIZE}"'
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{left + width + 70}" '
             f'height="{height}" role="img" aria-label="unitizing alpha per category and '
             f'label"><rect width="100%" height="100%" fill="{style.BACKGROUND}"/>']
    for tick in (-1.0, -0.5, 0.0, 0.5, 1.0):
        x = x_of(tick)
        parts.append(f'<line x1="{x:.1f}" y1="{top - 6}" x2="{x:.1f}" y2="{height - 22}" '
                     f'stroke="{style.INK if tick == 0 else style.GRID}"/>'
                     f'<text x="{x:.1f}" y="{height - 8}" text-anchor="middle" {font} '
                     f'fill="{style.INK}">{tick:g}</text>')
    # the two marks stand 24 px apart: their labels lean away from each other
    for line, colour, anchor, shift in ((0.667, style.TENTATIVE, "end", -3),
                                        (0.8, style.GOOD, "start", 3)):
        x = x_of(line)
        parts.append(f'<line x1="{x:.1f}" y1="{top - 6}" x2="{x:.1f}" y2="{height - 22}" '
                     f'stroke="{colour}" stroke-dasharray="4 3"/><text x="{x + shift:.1f}" '
                     f'y="{top - 10}" text-anchor="{anchor}" {font} fill="{colour}">'
                     f'{line:.3f}</text>')
    for i, row in enumerate(rows):
        y = top + 24 * i
        parts.append(f'<text x="{left - 8}" y="{y + 12}" text-anchor="end" {font} '
                     f'fill="{style.INK}">{html.escape(report.name(row.target)[:44])}</text>')
        if row.result.value is None:
            parts.append(f'<text x="{x_of(0) + 5:.1f}" y="{y + 12}" {font} fill="#777">'
                         f'undefined: {html.escape(row.result.reason or "")}</text>')
            continue
        value = max(-1.0, min(1.0, row.result.value))
        start, end = sorted((x_of(0), x_of(value)))
        colour = (style.GOOD if value >= 0.8 else style.TENTATIVE if value >= 0.667
                  else style.POOR)
        parts.append(f'<rect x="{start:.1f}" y="{y}" width="{end - start:.1f}" height="16" '
                     f'fill="{colour}"/>')
        label_x = end + 4 if value >= 0 else x_of(0) + 4
        parts.append(f'<text x="{label_x:.1f}" y="{y + 12}" {font} fill="{style.INK}">'
                     f'{value:.3f}</text>')
    parts.append("</svg>")
    return "".join(parts)


# what the headline calls each figure; the whole scheme's u-alpha family and γ stand there
# beside u-alpha when the report has them
_FIGURES = {"unitizing_alpha": "u-alpha", "krippendorff_alpha": "alpha",
            "u_alpha_2016": "uα (2016)", "binary_u_alpha": "|uα", "cu_alpha": "cuα",
            "gamma": "γ", "gamma_cat": "γ-cat"}
_WHOLE_SCHEME = ("binary_u_alpha", "cu_alpha", "gamma", "gamma_cat")


def _headline(report: AgreementReport) -> list[str]:
    """The figures a methods section reports, first: u-alpha for the scheme and each
    category (with the scheme's |uα and cuα, and γ and γ-cat when computed), Krippendorff's
    alpha (with its 95% interval) for each variable."""
    e = html.escape
    rows = [r for r in report.rows if r.coders == "all" and (
        (r.section == "spans" and r.result.name == "unitizing_alpha" and "/" not in r.target)
        or (r.section == "spans" and r.target == "*" and r.result.name in _WHOLE_SCHEME)
        or (r.section == "variables" and r.result.name == "krippendorff_alpha"
            and "=" not in r.target))]
    out = ["<h2>Headline figures</h2><table class='headline'><tr><th>what</th><th>figure</th>"
           "<th>value</th><th>95% interval</th><th>n</th><th>coders</th><th>documents</th>"
           "<th>note</th></tr>"]
    for row in rows:
        ci = row.result.details.get("ci95")
        interval = f"[{ci[0]:.3f}, {ci[1]:.3f}]" if ci and None not in ci else ""
        figure = _FIGURES.get(row.result.name, row.result.name)
        out.append(f"<tr><td>{e(report.name(row.target))}</td><td>{figure}</td>"
                   f"<td class='v'>{e(_value(row))}</td><td class='v'>{interval}</td>"
                   f"<td class='v'>{row.result.units} {e(unit_name(row))}</td>"
                   f"<td class='v'>{row.result.coders}</td>"
                   f"<td class='v'>{row.result.details.get('documents', '')}</td>"
                   f"<td>{e(row.result.reason or '')}</td></tr>")
    out.append("</table>")
    return out


def to_html(report: AgreementReport) -> str:
    e = html.escape
    body = [f"<h1>Inter-coder agreement</h1><p>Coders: {e(', '.join(report.coders))}; "
            f"documents: {report.documents}; scope: {e(report.scope)}. "
            f"{e(left_out_text(report))}</p>",
            f"<p class='rules'>{e(report.rules)}</p>",
            *_headline(report),
            "<h2>Unitizing alpha per category and label</h2>", _chart(report),
            "<h2>All figures</h2><table><tr><th>section</th><th>target</th><th>coders</th>"
            "<th>coefficient</th><th>value</th><th>n</th><th>documents</th><th>note</th></tr>"]
    for row in report.rows:
        note = _note(row)
        body.append(f"<tr><td>{e(row.section)}</td><td>{e(report.name(row.target))}</td>"
                    f"<td>{e(row.coders.replace('|', ' – '))}</td><td>{e(row.result.name)}</td>"
                    f"<td class='v'>{e(_value(row))}</td><td class='v'>{row.result.units} "
                    f"{e(unit_name(row))}</td>"
                    f"<td class='v'>{row.result.details.get('documents', '')}</td>"
                    f"<td>{e(note)}</td></tr>")
    body.append("</table><h2>Disagreements</h2><table><tr><th>document</th><th>category or "
                "variable</th><th>what each coder coded</th></tr>")
    for d in report.disagreements:
        cells = "<br>".join(
            f"<b>{e(coder)}</b>: " + "; ".join(
                f"[{s}, {end}) {e(label or '')} “{e(text[:80])}”" for s, end, label, text in spans)
            for coder, spans in d.spans.items()) if not d.variable else "<br>".join(
            f"<b>{e(coder)}</b>: {e('—' if value is None else str(value))}"
            for coder, value in d.values.items())
        body.append(f"<tr><td>{d.document_id}: {e(d.title[:80])}</td>"
                    f"<td>{e(report.name(d.category))}</td><td>{cells}</td></tr>")
    body.append("</table>")
    style = ("body{font-family:sans-serif;margin:2em;max-width:70em}table{border-collapse:"
             "collapse;font-size:13px}td,th{border:1px solid #ccc;padding:3px 6px}"
             "td.v{text-align:right;font-variant-numeric:tabular-nums}.rules{color:#555}")
    return (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Agreement"
            f"</title><style>{style}</style></head><body>{''.join(body)}</body></html>\n")


RENDERERS = {"table": to_table, "csv": to_csv, "json": to_json, "html": to_html}
