/**
 * A small plain-SVG line chart for the budget frontier (no chart library: a
 * few points, two series, fixed size). Deterministic output for a given input,
 * so the committed `docs/budget-frontier.svg` changes only when the numbers do.
 */

export interface ChartPoint {
  x: number;
  y: number;
  label: string;
}

export interface ChartSeries {
  name: string;
  colour: string;
  points: ChartPoint[];
  /** Hollow markers and a dashed line. */
  dashed?: boolean;
}

const WIDTH = 720;
const HEIGHT = 440;
const MARGIN = { left: 72, right: 24, top: 48, bottom: 64 };

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Round-number ticks covering [min, max]. */
function ticks(min: number, max: number, count = 5): number[] {
  const span = max - min || 1;
  const raw = span / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= raw)!;
  const out: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max + 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

/**
 * @example lineChart({ title: 'Fill rate vs inventory', xLabel: 'inventory value', yLabel: 'fill rate (%)', series: [...] }) // '<svg …>…</svg>'
 */
export function lineChart(options: { title: string; xLabel: string; yLabel: string; series: ChartSeries[]; formatX?: (x: number) => string }): string {
  const all = options.series.flatMap((s) => s.points);
  const pad = (lo: number, hi: number) => [lo - (hi - lo || 1) * 0.08, hi + (hi - lo || 1) * 0.08] as const;
  const [x0, x1] = pad(Math.min(...all.map((p) => p.x)), Math.max(...all.map((p) => p.x)));
  const [y0, y1] = pad(Math.min(...all.map((p) => p.y)), Math.max(...all.map((p) => p.y)));
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const sx = (x: number) => MARGIN.left + ((x - x0) / (x1 - x0)) * plotW;
  const sy = (y: number) => MARGIN.top + plotH - ((y - y0) / (y1 - y0)) * plotH;
  const fx = options.formatX ?? ((x: number) => x.toLocaleString('en'));
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
    `<text x="${WIDTH / 2}" y="24" text-anchor="middle" font-size="15" font-weight="bold">${escape(options.title)}</text>`,
  ];
  for (const t of ticks(x0, x1)) {
    const x = sx(t).toFixed(1);
    parts.push(`<line x1="${x}" y1="${MARGIN.top}" x2="${x}" y2="${MARGIN.top + plotH}" stroke="#e5e5e5"/>`);
    parts.push(`<text x="${x}" y="${MARGIN.top + plotH + 18}" text-anchor="middle" fill="#444">${escape(fx(t))}</text>`);
  }
  for (const t of ticks(y0, y1)) {
    const y = sy(t).toFixed(1);
    parts.push(`<line x1="${MARGIN.left}" y1="${y}" x2="${MARGIN.left + plotW}" y2="${y}" stroke="#e5e5e5"/>`);
    parts.push(`<text x="${MARGIN.left - 8}" y="${y}" text-anchor="end" dominant-baseline="middle" fill="#444">${t}</text>`);
  }
  parts.push(`<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#888"/>`);
  parts.push(`<text x="${MARGIN.left + plotW / 2}" y="${HEIGHT - 24}" text-anchor="middle">${escape(options.xLabel)}</text>`);
  parts.push(
    `<text x="18" y="${MARGIN.top + plotH / 2}" text-anchor="middle" transform="rotate(-90 18 ${MARGIN.top + plotH / 2})">${escape(options.yLabel)}</text>`,
  );
  options.series.forEach((series, index) => {
    // Points at the same place are drawn once, their labels joined.
    const merged = new Map<string, ChartPoint>();
    for (const p of series.points) {
      const key = `${p.x.toFixed(6)}:${p.y.toFixed(6)}`;
      const seen = merged.get(key);
      merged.set(key, seen ? { ...seen, label: `${seen.label} = ${p.label}` } : p);
    }
    const sorted = [...merged.values()].sort((a, b) => a.x - b.x);
    const path = sorted.map((p, i) => `${i === 0 ? 'M' : 'L'}${sx(p.x).toFixed(1)},${sy(p.y).toFixed(1)}`).join(' ');
    parts.push(`<path d="${path}" fill="none" stroke="${series.colour}" stroke-width="2"${series.dashed ? ' stroke-dasharray="6 4"' : ''}/>`);
    for (const [i, p] of sorted.entries()) {
      parts.push(
        `<circle cx="${sx(p.x).toFixed(1)}" cy="${sy(p.y).toFixed(1)}" r="4" fill="${series.dashed ? '#ffffff' : series.colour}" stroke="${series.colour}" stroke-width="2"/>`,
      );
      // The right-most label goes under its point, anchored at its end (the neighbours' labels sit above theirs).
      const right = i === sorted.length - 1 && sorted.length > 1;
      if (p.label !== '')
        parts.push(
          `<text x="${(sx(p.x) + (right ? -6 : 6)).toFixed(1)}" y="${(sy(p.y) + (right ? 18 : -8)).toFixed(1)}" text-anchor="${right ? 'end' : 'start'}" fill="${series.colour}" font-size="11">${escape(p.label)}</text>`,
        );
    }
    // The legend sits bottom right: a frontier rises to the right, so that corner is empty.
    const ly = MARGIN.top + plotH - 14 - (options.series.length - 1 - index) * 18;
    const lx = MARGIN.left + plotW - 270;
    parts.push(
      `<line x1="${lx}" y1="${ly}" x2="${lx + 24}" y2="${ly}" stroke="${series.colour}" stroke-width="2"${series.dashed ? ' stroke-dasharray="6 4"' : ''}/>`,
    );
    parts.push(`<text x="${lx + 30}" y="${ly}" dominant-baseline="middle">${escape(series.name)}</text>`);
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
