"""A self-contained HTML page of a balance report, with SVG charts.

No scripts, no web fonts, no external files: the page can be mailed to a
colleague or archived with the scenario and still open years later. Every
text from the scenario is escaped.
"""

from __future__ import annotations

from html import escape

from .balance import POLICY_LABELS, BalanceReport

__all__ = ["ending_colors", "render_html"]

_TONE_SHADES = {
    "good": ["#2e7d32", "#66bb6a", "#1b5e20", "#a5d6a7"],
    "mixed": ["#f9a825", "#ffd54f", "#f57f17", "#ffe082"],
    "bad": ["#c62828", "#ef5350", "#8e0000", "#ef9a9a"],
}


def ending_colors(report: BalanceReport) -> dict[str, str]:
    """A colour per ending: greens for good, ambers for mixed, reds for bad."""
    used = {"good": 0, "mixed": 0, "bad": 0}
    colors: dict[str, str] = {}
    for ending, _title, tone in report.endings:
        shades = _TONE_SHADES.get(tone, _TONE_SHADES["mixed"])
        colors[ending] = shades[used.get(tone, 0) % len(shades)]
        used[tone] = used.get(tone, 0) + 1
    return colors


def _light(color: str) -> bool:
    """Whether dark text reads better than white on ``#rrggbb``."""
    r, g, b = (int(color[i:i + 2], 16) for i in (1, 3, 5))
    return 0.299 * r + 0.587 * g + 0.114 * b > 160


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _label(name: str) -> str:
    return POLICY_LABELS.get(name, name)


def _legend(report: BalanceReport, colors: dict[str, str]) -> str:
    items = "".join(
        f'<span class="key"><span class="swatch" style="background:{colors[e]}"></span>'
        f"{_e(t)} <small>({_e(tone)})</small></span>"
        for e, t, tone in report.endings)
    return f'<div class="legend">{items}</div>'


def _endings_chart(report: BalanceReport, colors: dict[str, str]) -> str:
    label_w, bar_w, row_h = 220, 520, 26
    height = row_h * len(report.policies) + 10
    parts = [f'<svg class="chart" viewBox="0 0 {label_w + bar_w + 20} {height}" '
             f'role="img" aria-label="Endings by policy">']
    for i, (name, r) in enumerate(report.policies.items()):
        y = 5 + i * row_h
        parts.append(f'<text x="{label_w - 8}" y="{y + 16}" text-anchor="end">{_e(_label(name))}'
                     "</text>")
        x = float(label_w)
        for ending, title, _tone in report.endings:
            share = r.share(ending)
            if share <= 0:
                continue
            w = share * bar_w
            parts.append(
                f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{row_h - 6}" '
                f'fill="{colors[ending]}"><title>{_e(title)}: {share:.1%} of {r.games:,} games'
                "</title></rect>")
            if w > 34:
                ink = "#1d2430" if _light(colors[ending]) else "#ffffff"
                parts.append(f'<text class="in" style="fill:{ink}" x="{x + w / 2:.1f}" '
                             f'y="{y + 15}" text-anchor="middle">{share:.0%}</text>')
            x += w
    parts.append("</svg>")
    return "".join(parts)


def _score_chart(report: BalanceReport) -> str:
    label_w, plot_w, row_h = 220, 520, 26
    height = row_h * len(report.policies) + 34

    def sx(v: float) -> float:
        return label_w + max(0.0, min(100.0, v)) / 100 * plot_w

    parts = [f'<svg class="chart" viewBox="0 0 {label_w + plot_w + 20} {height}" role="img" '
             'aria-label="Score distribution by policy">']
    for tick in range(0, 101, 20):
        x = sx(tick)
        parts.append(f'<line class="grid" x1="{x:.1f}" y1="0" x2="{x:.1f}" y2="{height - 22}"/>'
                     f'<text x="{x:.1f}" y="{height - 6}" text-anchor="middle">{tick}</text>')
    for i, (name, r) in enumerate(report.policies.items()):
        y = 5 + i * row_h
        mid = y + (row_h - 6) / 2
        parts.append(f'<text x="{label_w - 8}" y="{y + 16}" text-anchor="end">{_e(_label(name))}'
                     "</text>")
        s = r.score
        if s is None:
            continue
        tip = (f"mean {s.mean:.1f}, p10 {s.p10:.1f}, p25 {s.p25:.1f}, median {s.p50:.1f}, "
               f"p75 {s.p75:.1f}, p90 {s.p90:.1f}")
        parts.append(
            f'<g><title>{_e(_label(name))}: {tip}</title>'
            f'<line class="whisker" x1="{sx(s.p10):.1f}" y1="{mid}" x2="{sx(s.p90):.1f}" '
            f'y2="{mid}"/>'
            f'<rect class="box" x="{sx(s.p25):.1f}" y="{y + 2}" '
            f'width="{max(1.5, sx(s.p75) - sx(s.p25)):.1f}" height="{row_h - 10}"/>'
            f'<line class="median" x1="{sx(s.p50):.1f}" y1="{y + 2}" x2="{sx(s.p50):.1f}" '
            f'y2="{y + row_h - 8}"/>'
            f'<circle class="mean" cx="{sx(s.mean):.1f}" cy="{mid}" r="4"/></g>')
    parts.append("</svg>")
    return "".join(parts)


def _hbars(rows: list[tuple[str, float, str]], max_value: float, aria: str,
           fmt: str = "{:.1f}") -> str:
    label_w, bar_w, row_h = 220, 520, 24
    height = row_h * len(rows) + 8
    parts = [f'<svg class="chart" viewBox="0 0 {label_w + bar_w + 60} {height}" role="img" '
             f'aria-label="{_e(aria)}">']
    for i, (label, value, color) in enumerate(rows):
        y = 4 + i * row_h
        w = 0.0 if max_value <= 0 else max(0.0, value) / max_value * bar_w
        parts.append(f'<text x="{label_w - 8}" y="{y + 15}" text-anchor="end">{_e(label)}</text>'
                     f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{row_h - 6}" '
                     f'fill="{color}"/><text x="{label_w + w + 6:.1f}" y="{y + 15}">'
                     f"{_e(fmt.format(value))}</text>")
    parts.append("</svg>")
    return "".join(parts)


def _decision_table(report: BalanceReport, colors: dict[str, str]) -> str:
    rows = report.decision_rows()
    if not rows:
        return "<p>No random-play results.</p>"
    titles = dict(report.nodes)
    out = ['<table class="decisions"><thead><tr><th>Decision point</th><th>Option</th>'
           '<th>Kind</th><th class="num">Games</th><th>Where it ended</th></tr></thead><tbody>']
    current = None
    for row in rows:
        node_cell = ""
        if row.node != current:
            current = row.node
            count = sum(1 for r in rows if r.node == row.node)
            node_cell = (f'<td rowspan="{count}"><strong>{_e(titles.get(row.node, row.node))}'
                         f"</strong><br><code>{_e(row.node)}</code></td>")
        if row.games:
            segs = "".join(
                f'<span style="width:{row.endings.get(e, 0) / row.games * 100:.2f}%;'
                f'background:{colors[e]}" title="{_e(t)}: '
                f'{row.endings.get(e, 0) / row.games:.0%}"></span>'
                for e, t, _ in report.endings if row.endings.get(e))
            bar = f'<div class="stack">{segs}</div>'
        else:
            bar = '<em>never taken</em>'
        out.append(f"<tr>{node_cell}<td>{_e(row.label)}<br><code>{_e(row.option)}</code></td>"
                   f"<td>{_e(row.kind)}</td><td class=\"num\">{row.games:,}</td>"
                   f"<td>{bar}</td></tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _policy_table(report: BalanceReport) -> str:
    out = ['<table><thead><tr><th>Policy</th><th class="num">Games</th><th class="num">Mean</th>'
           '<th class="num">p10</th><th class="num">p25</th><th class="num">Median</th>'
           '<th class="num">p75</th><th class="num">p90</th><th class="num">Peak escalation '
           '(mean / max)</th><th class="num">Turns (mean)</th></tr></thead><tbody>']
    for name, r in report.policies.items():
        s = r.score
        if s is None:
            out.append(f"<tr><td>{_e(_label(name))}</td><td class=\"num\">0</td>"
                       + '<td class="num">–</td>' * 8 + "</tr>")
            continue
        cells = "".join(f'<td class="num">{v:.1f}</td>'
                        for v in (s.mean, s.p10, s.p25, s.p50, s.p75, s.p90))
        out.append(f"<tr><td>{_e(_label(name))}</td><td class=\"num\">{r.games:,}</td>{cells}"
                   f'<td class="num">{r.peak_escalation_mean:.1f} / {r.peak_escalation_max:.0f}'
                   f'</td><td class="num">{r.turns_mean:.1f}</td></tr>')
    out.append("</tbody></table>")
    return "".join(out)


def _coverage(report: BalanceReport) -> str:
    nodes = report.node_coverage()
    endings = report.ending_coverage()
    titles = dict(report.nodes)
    ending_titles = {e: t for e, t, _ in report.endings}
    total = report.games_played or 1

    def row(name: str, code: str, count: int) -> str:
        cls = ' class="zero"' if count == 0 else ""
        return (f"<tr{cls}><td>{_e(name)} <code>{_e(code)}</code></td>"
                f'<td class="num">{count:,}</td><td class="num">{count / total:.1%}</td></tr>')

    head = ('<table class="half"><thead><tr><th>{}</th><th class="num">Games</th>'
            '<th class="num">Share</th></tr></thead><tbody>')
    return ('<div class="cols">' + head.format("Node")
            + "".join(row(titles[n], n, c) for n, c in nodes.items()) + "</tbody></table>"
            + head.format("Ending")
            + "".join(row(ending_titles[e], e, c) for e, c in endings.items())
            + "</tbody></table></div>")


_CSS = """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d2430;
margin:0;background:#f4f6f9}
main{max-width:1000px;margin:0 auto;padding:24px 28px 60px;background:#fff}
h1{font-size:26px;margin:0 0 4px}h2{font-size:19px;margin:34px 0 8px;border-bottom:1px solid
#dde3ea;padding-bottom:4px}.meta{color:#5b6676;margin:0 0 14px}
.findings{background:#fff6e0;border-left:4px solid #f9a825;padding:10px 16px;margin:16px 0}
.findings.ok{background:#e8f5e9;border-color:#2e7d32}.findings li{margin:4px 0}
.chart{width:100%;height:auto;font-size:12px}.chart text{fill:#1d2430}
.chart text.in{fill:#fff;font-weight:600}.grid{stroke:#e3e7ed}
.whisker{stroke:#5b6676;stroke-width:2}.box{fill:#90caf9;stroke:#1565c0}
.median{stroke:#0d47a1;stroke-width:3}.mean{fill:#fff;stroke:#c62828;stroke-width:2}
table{border-collapse:collapse;width:100%;margin:8px 0;font-size:14px}
th,td{border-bottom:1px solid #e3e7ed;padding:5px 8px;text-align:left;vertical-align:top}
th{background:#f0f3f7}.num{text-align:right;font-variant-numeric:tabular-nums}
tr.zero td{color:#c62828;font-weight:600}code{font-size:12px;color:#5b6676}
.stack{display:flex;height:16px;min-width:200px;border-radius:3px;overflow:hidden;
background:#eceff1}.stack span{display:block;height:100%}
.legend{display:flex;flex-wrap:wrap;gap:6px 16px;margin:6px 0 10px;font-size:13px}
.swatch{display:inline-block;width:12px;height:12px;border-radius:2px;margin-right:5px;
vertical-align:-1px}.cols{display:flex;gap:20px}.half{flex:1}
.note{color:#5b6676;font-size:13px}
"""


def render_html(report: BalanceReport) -> str:
    """The whole report as one HTML page (no external files or scripts).

    Args:
        report: A balance report.

    Returns:
        The page's text.
    """
    colors = ending_colors(report)
    findings = report.findings()
    if findings:
        find_html = ('<div class="findings"><strong>Findings</strong><ul>'
                     + "".join(f"<li>{_e(f)}</li>" for f in findings) + "</ul></div>")
    else:
        find_html = ('<div class="findings ok"><strong>No findings.</strong> The expert path '
                     "beats random play, no single habit wins everywhere, and every node and "
                     "ending is reached.</div>")
    status = " — <strong>cancelled, partial results</strong>" if report.cancelled else ""
    ranking = report.kind_ranking()
    kinds_html = ""
    if ranking:
        kinds_html = ("<h2>Option kinds as policies</h2><p class=\"note\">Mean score of playing "
                      "the same kind of option whenever one is offered.</p>"
                      + _hbars([(f"always {k}", m, "#5c6bc0") for k, m in ranking], 100.0,
                               "Mean score of always-kind policies"))
        wins = report.kind_wins()
        if wins:
            kinds_html += ("<p class=\"note\">Decision points where each kind's best option ends "
                           "best in random play: "
                           + ", ".join(f"<strong>{_e(k)}</strong> {c}" for k, c in wins.items())
                           + "</p>")
    peaks = _hbars([(_label(n), r.peak_escalation_mean, "#ef6c00")
                    for n, r in report.policies.items()], 100.0, "Mean peak escalation")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Balance report — {_e(report.title)}</title><style>{_CSS}</style></head>
<body><main>
<h1>Balance report — {_e(report.title)}</h1>
<p class="meta">Scenario <code>{_e(report.scenario_id)}</code> version {_e(report.version)},
content {_e(report.content_hash)} · {_e(report.per_policy_note)}, seed {report.seed} ·
{report.games_played:,} games in {report.elapsed:.1f} s{status}</p>
{find_html}
<h2>How games end</h2>{_legend(report, colors)}{_endings_chart(report, colors)}
<h2>Scores</h2><p class="note">Box: 25th–75th percentile; line: median; whiskers: 10th–90th
percentile; circle: mean.</p>{_score_chart(report)}{_policy_table(report)}
<h2>Peak escalation</h2>{peaks}
{kinds_html}
<h2>Decision points</h2><p class="note">Random play: of the games that took each option, where
they ended.</p>{_legend(report, colors)}{_decision_table(report, colors)}
<h2>Coverage</h2><p class="note">Games, over all policies, that entered each node and reached
each ending.</p>{_coverage(report)}
</main></body></html>
"""
