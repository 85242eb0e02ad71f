// Dependency-free SVG charts for the benchmark programs and docs/BENCHMARKS.md:
// line charts (with min-max bars), latency CDFs and grouped bar charts.
// Same input, same bytes out: no dates, no randomness, coordinates to 0.1 px.
import { scale, tickLabel, type Scale } from "./plot-scale.js";

export interface Axis {
  label: string;
  log?: boolean;
  min?: number;
  max?: number;
  /** Tick values to use instead of computed ones (e.g. the cluster sizes measured). */
  at?: readonly number[];
}

export interface Point {
  x: number;
  y: number;
  /** Range drawn as a vertical bar (e.g. min and max over runs). */
  lo?: number;
  hi?: number;
}

export interface LineSeries {
  name: string;
  points: readonly Point[];
  /** Anchors and models are drawn dashed. */
  dashed?: boolean;
  color?: string;
}

/** What every chart has: a title, a subtitle, and footer lines naming the run it came from. */
export interface Frame {
  title: string;
  subtitle?: string;
  /** Source lines under the chart: file, date, command, machine, load. */
  footer?: readonly string[];
  /** Plot area in px. @default 640 x 300 */
  width?: number;
  height?: number;
}

export interface LineChart extends Frame {
  x: Axis;
  y: Axis;
  series: readonly LineSeries[];
}

/** A distribution given by percentiles: p[i] % of the samples are <= v[i]. */
export interface Cdf {
  p: readonly number[];
  v: readonly number[];
}

export interface CdfChart extends Frame {
  x: Axis;
  /** Vertical lines such as a latency goal. */
  marks?: ReadonlyArray<{ value: number; label: string }>;
  series: ReadonlyArray<{ name: string; cdf: Cdf; dashed?: boolean; color?: string }>;
}

export interface BarChart extends Frame {
  y: Axis;
  /** Series names, one bar of each per group, in this order. */
  series: readonly string[];
  /** With one series, `color` sets a group's bar (e.g. grey for anchors) and no legend is drawn. */
  groups: ReadonlyArray<{ label: string; values: ReadonlyArray<number | null>; color?: string }>;
  /** Horizontal lines such as a goal. */
  references?: ReadonlyArray<{ value: number; label: string }>;
}

/** Okabe-Ito: distinguishable with the common colour-vision deficiencies. */
export const PALETTE = ["#0072B2", "#D55E00", "#009E73", "#E69F00", "#CC79A7", "#56B4E9", "#000000"];
const FONT = "Helvetica, Arial, sans-serif";
const MARGIN = { left: 76, right: 24, top: 16 };
const LEGEND_ROW = 20;
const FOOTER_ROW = 15;

const px = (v: number): string => (Math.round(v * 10) / 10).toString();

export function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function text(x: number, y: number, s: string, attrs = ""): string {
  return `<text x="${px(x)}" y="${px(y)}"${attrs === "" ? "" : ` ${attrs}`}>${escapeXml(s)}</text>`;
}

/** Rough text width at `size` px, for layout only (average glyph ~0.56 em). */
function textWidth(s: string, size: number): number {
  return s.length * size * 0.56;
}

interface Layout {
  width: number;
  height: number;
  plot: { x0: number; x1: number; y0: number; y1: number };
  legendY: number;
  footerY: number;
  legendRows: Array<Array<{ name: string; x: number; color: string; dashed: boolean; box: boolean }>>;
}

function layout(
  f: Frame,
  legend: ReadonlyArray<{ name: string; color: string; dashed: boolean }>,
  box: boolean,
): Layout {
  const w = f.width ?? 640;
  const h = f.height ?? 300;
  const width = MARGIN.left + w + MARGIN.right;
  const top = 10 + titleLines(f, width).length * 20 + subtitleLines(f, width).length * 16 + MARGIN.top;
  const rows: Layout["legendRows"] = [[]];
  let x = MARGIN.left;
  for (const l of legend) {
    const need = 34 + textWidth(l.name, 12) + 18;
    if (x + need > width - MARGIN.right && x > MARGIN.left) {
      rows.push([]);
      x = MARGIN.left;
    }
    rows[rows.length - 1]?.push({ ...l, x, box });
    x += need;
  }
  const legendY = top + h + 56;
  const footerY = legendY + rows.length * LEGEND_ROW + 6;
  const footer = footerLines(f, width);
  const height = footerY + footer.length * FOOTER_ROW + 6;
  return {
    width,
    height,
    plot: { x0: MARGIN.left, x1: MARGIN.left + w, y0: top, y1: top + h },
    legendY,
    footerY,
    legendRows: rows,
  };
}

function frame(f: Frame, l: Layout, body: string[]): string {
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${l.width}" height="${px(l.height)}" viewBox="0 0 ${l.width} ${px(l.height)}" font-family="${FONT}" font-size="12">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
  ];
  const title = titleLines(f, l.width);
  title.forEach((line, i) =>
    out.push(text(MARGIN.left, 26 + i * 20, line, `font-size="16" font-weight="bold" fill="#222222"`)),
  );
  subtitleLines(f, l.width).forEach((line, i) =>
    out.push(text(MARGIN.left, 25 + title.length * 20 + i * 16, line, `font-size="12" fill="#555555"`)),
  );
  out.push(...body);
  for (const row of l.legendRows) {
    const y = l.legendY + l.legendRows.indexOf(row) * LEGEND_ROW;
    for (const e of row) {
      out.push(
        e.box
          ? `<rect x="${px(e.x)}" y="${px(y - 9)}" width="22" height="12" fill="${e.color}"/>`
          : `<line x1="${px(e.x)}" y1="${px(y - 3)}" x2="${px(e.x + 26)}" y2="${px(y - 3)}" stroke="${e.color}" stroke-width="2.5"${e.dashed ? ` stroke-dasharray="6 4"` : ""}/>`,
        text(e.x + 32, y + 1, e.name, `fill="#222222"`),
      );
    }
  }
  footerLines(f, l.width).forEach((line, i) =>
    out.push(text(MARGIN.left, l.footerY + i * FOOTER_ROW + 8, line, `font-size="10.5" fill="#666666"`)),
  );
  out.push("</svg>");
  return out.join("\n") + "\n";
}

function axes(l: Layout, sx: Scale, sy: Scale, x: Axis, y: Axis, xTicks = true): string[] {
  const p = l.plot;
  const out: string[] = [`<g stroke="#e3e3e3" stroke-width="1">`];
  for (const t of sy.ticks)
    out.push(`<line x1="${p.x0}" y1="${px(sy.at(t))}" x2="${p.x1}" y2="${px(sy.at(t))}"/>`);
  if (xTicks)
    for (const t of sx.ticks)
      out.push(`<line x1="${px(sx.at(t))}" y1="${p.y0}" x2="${px(sx.at(t))}" y2="${p.y1}"/>`);
  out.push(
    `</g>`,
    `<rect x="${p.x0}" y="${p.y0}" width="${p.x1 - p.x0}" height="${p.y1 - p.y0}" fill="none" stroke="#888888"/>`,
  );
  for (const t of sy.ticks)
    out.push(text(p.x0 - 6, sy.at(t) + 4, tickLabel(t), `text-anchor="end" fill="#333333"`));
  if (xTicks)
    for (const t of sx.ticks)
      out.push(text(sx.at(t), p.y1 + 17, tickLabel(t), `text-anchor="middle" fill="#333333"`));
  if (x.label !== "")
    out.push(
      text((p.x0 + p.x1) / 2, p.y1 + 38, x.label, `text-anchor="middle" font-size="13" fill="#222222"`),
    );
  const cy = (p.y0 + p.y1) / 2;
  out.push(
    `<text x="18" y="${px(cy)}" transform="rotate(-90 18 ${px(cy)})" text-anchor="middle" font-size="13" fill="#222222">${escapeXml(y.label)}</text>`,
  );
  return out;
}

const colorOf = (c: string | undefined, i: number): string => c ?? PALETTE[i % PALETTE.length] ?? "#000000";

export function lineChart(c: LineChart): string {
  const legend = c.series.map((s, i) => ({
    name: s.name,
    color: colorOf(s.color, i),
    dashed: s.dashed === true,
  }));
  const l = layout(c, legend, false);
  const pts = c.series.flatMap((s) => s.points);
  const sx = scale(
    pts.map((p) => p.x),
    l.plot.x0,
    l.plot.x1,
    { ...c.x, ticks: 6 },
  );
  const ys = pts.flatMap((p) => [p.y, p.lo ?? p.y, p.hi ?? p.y]);
  const sy = scale(ys, l.plot.y1, l.plot.y0, { ...c.y, ticks: 5 });
  const body = axes(l, sx, sy, c.x, c.y);
  c.series.forEach((s, i) => {
    const color = colorOf(s.color, i);
    const sorted = [...s.points].sort((a, b) => a.x - b.x);
    const path = sorted.map((p) => `${px(sx.at(p.x))},${px(sy.at(p.y))}`).join(" ");
    body.push(`<g stroke="${color}" fill="${color}">`);
    for (const p of sorted) {
      if (p.lo === undefined || p.hi === undefined) continue;
      const x = sx.at(p.x);
      body.push(
        `<path d="M${px(x)},${px(sy.at(p.lo))}V${px(sy.at(p.hi))}M${px(x - 4)},${px(sy.at(p.lo))}H${px(x + 4)}M${px(x - 4)},${px(sy.at(p.hi))}H${px(x + 4)}" stroke-width="1.2" fill="none"/>`,
      );
    }
    body.push(
      `<polyline points="${path}" fill="none" stroke-width="2.2"${s.dashed === true ? ` stroke-dasharray="6 4"` : ""}/>`,
    );
    for (const p of sorted)
      body.push(`<circle cx="${px(sx.at(p.x))}" cy="${px(sy.at(p.y))}" r="3.2" stroke="none"/>`);
    body.push(`</g>`);
  });
  return frame(c, l, body);
}

/** Percentiles 0.5, 1, ..., 100 plus 99.9 and 99.99 of `xs` (nearest rank): a bounded CDF for JSON. */
export function cdfOf(xs: ArrayLike<number>): Cdf {
  const s = Float64Array.from(xs).sort();
  const ps: number[] = [];
  for (let i = 1; i <= 200; i++) ps.push(i / 2);
  ps.splice(ps.indexOf(100), 0, 99.9, 99.99);
  if (s.length === 0) return { p: [], v: [] };
  const v = ps.map((p) => s[Math.min(s.length, Math.max(1, Math.ceil((p / 100) * s.length))) - 1] as number);
  return { p: ps, v: v.map((x) => Math.round(x * 1000) / 1000) };
}

export function cdfChart(c: CdfChart): string {
  const legend = c.series.map((s, i) => ({
    name: s.name,
    color: colorOf(s.color, i),
    dashed: s.dashed === true,
  }));
  const l = layout(c, legend, false);
  const xs = c.series.flatMap((s) => s.cdf.v);
  const sx = scale(xs, l.plot.x0, l.plot.x1, { log: true, ...c.x });
  const sy = scale([0, 100], l.plot.y1, l.plot.y0, { min: 0, max: 100, ticks: 5 });
  const y: Axis = { label: "samples at or below x (%)" };
  const body = axes(l, sx, sy, c.x, y);
  for (const [p, name] of [
    [50, "p50"],
    [99, "p99"],
  ] as const) {
    body.push(
      `<line x1="${l.plot.x0}" y1="${px(sy.at(p))}" x2="${l.plot.x1}" y2="${px(sy.at(p))}" stroke="#999999" stroke-dasharray="2 3"/>`,
      text(l.plot.x1 - 4, sy.at(p) - 4, name, `text-anchor="end" font-size="10.5" fill="#777777"`),
    );
  }
  for (const m of c.marks ?? []) {
    const x = sx.at(m.value);
    body.push(
      `<line x1="${px(x)}" y1="${l.plot.y0}" x2="${px(x)}" y2="${l.plot.y1}" stroke="#c0392b" stroke-width="1.5" stroke-dasharray="6 4"/>`,
      text(x + 4, l.plot.y1 - 8, m.label, `font-size="11" fill="#c0392b"`),
    );
  }
  c.series.forEach((s, i) => {
    const color = colorOf(s.color, i);
    const pts: string[] = [];
    let prev = 0;
    s.cdf.v.forEach((v, k) => {
      const p = s.cdf.p[k] ?? 0;
      pts.push(`${px(sx.at(v))},${px(sy.at(prev))}`, `${px(sx.at(v))},${px(sy.at(p))}`);
      prev = p;
    });
    body.push(
      `<polyline points="${pts.join(" ")}" fill="none" stroke="${color}" stroke-width="2.2"${s.dashed === true ? ` stroke-dasharray="6 4"` : ""}/>`,
    );
  });
  return frame(c, l, body);
}

export function barChart(c: BarChart): string {
  const single = c.series.length === 1;
  const legend = single
    ? []
    : c.series.map((name, i) => ({ name, color: colorOf(undefined, i), dashed: false }));
  const l = layout(c, legend, true);
  const values = c.groups.flatMap((g) => g.values.filter((v): v is number => v !== null));
  // 8 % headroom, so a bar's label or a goal at the top stays inside the plot.
  const ceiling = Math.max(...values, ...(c.references ?? []).map((r) => r.value)) * 1.08;
  const sy = scale([...values, ceiling], l.plot.y1, l.plot.y0, {
    ...c.y,
    min: c.y.min ?? 0,
    ticks: 5,
  });
  const sx = scale([0, 1], l.plot.x0, l.plot.x1, { min: 0, max: 1 });
  const body = axes(l, sx, sy, { label: "" }, c.y, false);
  const slot = (l.plot.x1 - l.plot.x0) / Math.max(1, c.groups.length);
  const barW = Math.min(56, (slot * 0.8) / Math.max(1, c.series.length));
  c.groups.forEach((g, gi) => {
    const cx = l.plot.x0 + slot * (gi + 0.5);
    const x0 = cx - (barW * c.series.length) / 2;
    g.values.forEach((v, si) => {
      if (v === null) return;
      const x = x0 + si * barW;
      const top = sy.at(v);
      body.push(
        `<rect x="${px(x + 1)}" y="${px(top)}" width="${px(barW - 2)}" height="${px(l.plot.y1 - top)}" fill="${single && g.color !== undefined ? g.color : colorOf(undefined, si)}"/>`,
        text(
          x + barW / 2,
          top - 4,
          tickLabel(Math.round(v)),
          `text-anchor="middle" font-size="10.5" fill="#333333"`,
        ),
      );
    });
    wrap(g.label, slot - 8).forEach((line, k) =>
      body.push(text(cx, l.plot.y1 + 17 + k * 14, line, `text-anchor="middle" fill="#333333"`)),
    );
  });
  for (const r of c.references ?? []) {
    const y = sy.at(r.value);
    body.push(
      `<line x1="${l.plot.x0}" y1="${px(y)}" x2="${l.plot.x1}" y2="${px(y)}" stroke="#c0392b" stroke-width="1.5" stroke-dasharray="6 4"/>`,
      text(l.plot.x1 - 4, y - 5, r.label, `text-anchor="end" font-size="11" fill="#c0392b"`),
    );
  }
  return frame(c, l, body);
}

/** Splits a label into lines of at most `width` px (estimated at `size` px), on spaces. */
function wrap(s: string, width: number, size = 12, maxLines = 3): string[] {
  const lines: string[] = [];
  let cur = "";
  for (const word of s.split(" ")) {
    const next = cur === "" ? word : `${cur} ${word}`;
    if (textWidth(next, size) > width && cur !== "") {
      lines.push(cur);
      cur = word;
    } else cur = next;
  }
  if (cur !== "") lines.push(cur);
  return lines.slice(0, maxLines);
}

/** Bold glyphs are wider: estimated at 1.1 x the size of regular ones. */
function titleLines(f: Frame, width: number): string[] {
  return wrap(f.title, (width - MARGIN.left - MARGIN.right) / 1.1, 16, 2);
}

function subtitleLines(f: Frame, width: number): string[] {
  return f.subtitle === undefined ? [] : wrap(f.subtitle, width - MARGIN.left - MARGIN.right, 12, 2);
}

/** The footer, each line wrapped to the chart's width (continuations indented). */
function footerLines(f: Frame, width: number): string[] {
  return (f.footer ?? []).flatMap((line) =>
    wrap(line, width - MARGIN.left - MARGIN.right, 10.5, 4).map((l, i) => (i === 0 ? l : `    ${l}`)),
  );
}
