import type { LatencySeries, ScenarioResult } from './result.js';

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The results as one Markdown table (plus a notes list under it). */
export function markdownTable(results: ScenarioResult[], meta: Record<string, string>): string {
  const lines = [
    `Benchmark of ${meta.commit ?? 'the working tree'} on ${meta.machine ?? 'this machine'}, ${meta.date ?? ''}`.trim(),
    '',
    `Load: ${meta.loadAverage ?? 'unknown'}. Topology: ${meta.topology ?? 'loopback'}.`,
    '',
    '| Scenario | Measured | Limit | Ratio | Target | Meets |',
    '|---|---|---|---|---|---|',
  ];
  const notes: string[] = [];
  for (const result of results) {
    for (const row of result.rows) {
      const meets = row.meetsTarget === null ? '—' : row.meetsTarget ? 'yes' : 'no';
      lines.push(
        `| ${cell(row.scenario)} | ${cell(row.measured)} | ${cell(row.limit)} | ${row.ratio ?? '—'} | ${cell(row.target)} | ${meets} |`,
      );
      if (row.notes) notes.push(`- **${row.scenario}**: ${row.notes}`);
    }
  }
  lines.push('', 'Notes:', '', ...notes, '');
  return lines.join('\n');
}

const escapeXml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * A hand-written SVG of the latency distributions, one row per series on a shared logarithmic axis: a whisker
 * from min to p99, a box from p25 to p75, a bold tick at p50, a thin tick at p90 and a dot at max.
 */
export function latencySvg(series: LatencySeries[]): string {
  const rowHeight = 28;
  const labelWidth = 330;
  const plotWidth = 560;
  const top = 40;
  const bottom = 40;
  const width = labelWidth + plotWidth + 30;
  const height = top + series.length * rowHeight + bottom;
  const values = series
    .flatMap((s) => [s.summary.min, s.summary.max])
    .filter((v) => Number.isFinite(v) && v > 0);
  const lo = 10 ** Math.floor(Math.log10(Math.min(...values, 1)));
  const hi = 10 ** Math.ceil(Math.log10(Math.max(...values, 10)));
  const x = (ms: number) =>
    labelWidth +
    ((Math.log10(Math.max(ms, lo)) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))) * plotWidth;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${width / 2}" y="20" text-anchor="middle" font-size="14" font-weight="bold">Latency per request (ms, log scale): whisker min–p99, box p25–p75, bold tick p50, thin tick p90, dot max</text>`,
  ];
  for (let decade = lo; decade <= hi; decade *= 10) {
    const gx = x(decade).toFixed(1);
    parts.push(
      `<line x1="${gx}" y1="${top - 6}" x2="${gx}" y2="${height - bottom}" stroke="#dddddd"/>`,
      `<text x="${gx}" y="${height - bottom + 16}" text-anchor="middle" fill="#555555">${decade >= 1 ? decade : decade.toPrecision(1)}</text>`,
    );
  }
  series.forEach((s, index) => {
    const cy = top + index * rowHeight + rowHeight / 2;
    const { min, p25, p50, p75, p90, p99, max } = s.summary;
    const f = (v: number) => x(v).toFixed(1);
    parts.push(
      `<text x="${labelWidth - 8}" y="${cy + 4}" text-anchor="end">${escapeXml(s.label)} (n=${s.summary.count})</text>`,
      `<line x1="${f(min)}" y1="${cy}" x2="${f(p99)}" y2="${cy}" stroke="#555555"/>`,
      `<rect x="${f(p25)}" y="${cy - 8}" width="${Math.max(1, x(p75) - x(p25)).toFixed(1)}" height="16" fill="#9ecae1" stroke="#3182bd"/>`,
      `<line x1="${f(p50)}" y1="${cy - 9}" x2="${f(p50)}" y2="${cy + 9}" stroke="#08306b" stroke-width="3"/>`,
      `<line x1="${f(p90)}" y1="${cy - 6}" x2="${f(p90)}" y2="${cy + 6}" stroke="#08306b"/>`,
      `<circle cx="${f(max)}" cy="${cy}" r="3" fill="#de2d26"><title>max ${max.toFixed(2)} ms</title></circle>`,
      `<title>${escapeXml(s.label)}: p50 ${p50.toFixed(2)} ms, p90 ${p90.toFixed(2)} ms, p99 ${p99.toFixed(2)} ms</title>`,
    );
  });
  parts.push(
    `<text x="${labelWidth + plotWidth / 2}" y="${height - 6}" text-anchor="middle" fill="#555555">milliseconds</text>`,
    '</svg>',
    '',
  );
  return parts.join('\n');
}
