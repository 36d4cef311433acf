/** The report's stylesheet (assets/report.css): light and dark from prefers-color-scheme, phone width first. */
export const REPORT_CSS = `:root {
  --bg: #ffffff; --fg: #1d2330; --muted: #5b6475; --line: #d9dde5; --panel: #f5f7fa; --accent: #0b5cad;
  --error-bg: #fdecea; --error-fg: #8a1c12; --grid: rgba(0, 0, 0, 0.08);
  color-scheme: light dark;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #14171c; --fg: #e3e7ee; --muted: #9aa4b5; --line: #2f3642; --panel: #1c2028; --accent: #7cb8ff;
    --error-bg: #3a1d1a; --error-fg: #ffb4a9; --grid: rgba(255, 255, 255, 0.1);
  }
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0 auto; max-width: 78rem; padding: 1rem; background: var(--bg); color: var(--fg);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
a { color: var(--accent); }
header nav { font-size: 0.9rem; color: var(--muted); }
h1 { font-size: 1.5rem; margin: 0.3rem 0 0.2rem; overflow-wrap: anywhere; }
h2 { font-size: 1.15rem; margin: 2rem 0 0.6rem; border-bottom: 1px solid var(--line); padding-bottom: 0.2rem; }
.meta { color: var(--muted); margin-top: 0; overflow-wrap: anywhere; }
figure.chart { margin: 0 0 1.5rem; padding: 0.8rem; background: var(--panel); border: 1px solid var(--line); border-radius: 6px; }
figcaption { font-size: 0.9rem; margin-bottom: 0.6rem; }
.chart-body { display: flex; flex-wrap: wrap; gap: 1rem; align-items: flex-start; }
.canvas-wrap { position: relative; flex: 3 1 26rem; min-width: 0; height: 22rem; }
.table-wrap { flex: 2 1 18rem; min-width: 0; overflow-x: auto; }
figure.wide .canvas-wrap, figure.wide .table-wrap { flex-basis: 100%; }
@media (max-width: 40rem) { .canvas-wrap { flex-basis: 100%; height: 24rem; } body { padding: 0.6rem; } figure.chart { padding: 0.5rem; } }
table { border-collapse: collapse; font-size: 0.82rem; font-variant-numeric: tabular-nums; width: 100%; }
caption { text-align: left; color: var(--muted); padding-bottom: 0.3rem; }
th, td { border-bottom: 1px solid var(--line); padding: 0.25rem 0.5rem; text-align: right; vertical-align: top; }
th[scope="row"], thead th:first-child { text-align: left; }
th[scope="row"] { white-space: nowrap; max-width: 16em; overflow: hidden; text-overflow: ellipsis; }
thead th { border-bottom: 2px solid var(--line); font-weight: 600; }
#environment table, #runs table { width: auto; min-width: 50%; }
#environment td, table.text td { text-align: left; overflow-wrap: anywhere; }
table.text th[scope="col"] { text-align: left; }
.error { background: var(--error-bg); color: var(--error-fg); padding: 0.6rem 0.8rem; border-radius: 6px; margin-bottom: 0.6rem; }
.error pre { white-space: pre-wrap; overflow-wrap: anywhere; margin: 0.3rem 0 0; font-size: 0.85rem; }
.badge { font-size: 0.75rem; background: var(--error-bg); color: var(--error-fg); border-radius: 3px; padding: 0 0.3rem; margin-left: 0.4rem; }
footer { margin-top: 3rem; color: var(--muted); font-size: 0.8rem; }
a.permalink { color: var(--muted); text-decoration: none; font-weight: 600; }
a.permalink:hover, a.permalink:focus { color: var(--accent); }
a.csv { font-size: 0.8rem; white-space: nowrap; margin-left: 0.3rem; }
figure.chart:target { outline: 2px solid var(--accent); }
.pair { display: flex; flex-wrap: wrap; gap: 1rem; }
.pair > figure.chart { flex: 1 1 30rem; min-width: 0; }
.pair > figure.chart .canvas-wrap, .pair > figure.chart .table-wrap { flex-basis: 100%; }
.findings p, .findings li { max-width: 60rem; }
.verdict { padding: 0.6rem 0.8rem; border-radius: 6px; }
.verdict.fail { background: var(--error-bg); color: var(--error-fg); }
.verdict.ok { background: var(--panel); border: 1px solid var(--line); }
blockquote { margin: 0 0 1rem; padding-left: 0.8rem; border-left: 3px solid var(--line); color: var(--muted); }
code { overflow-wrap: anywhere; }
@media print {
  :root { --bg: #ffffff; --fg: #000000; --muted: #333333; --line: #bbbbbb; --panel: #ffffff; --accent: #000000; --grid: rgba(0, 0, 0, 0.15); }
  body { max-width: none; padding: 0; font-size: 10pt; }
  header nav, a.permalink, a.csv, footer { display: none; }
  h2 { break-after: avoid; }
  figure.chart, table, .findings { break-inside: avoid; }
  figure.chart { border: none; padding: 0; }
  .chart-body { display: block; }
  .canvas-wrap { height: 16rem; width: 100%; }
  .pair { display: block; }
  .table-wrap { overflow: visible; }
  a { color: inherit; text-decoration: none; }
}
`;
