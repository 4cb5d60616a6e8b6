/** Reading a gateway's `GET /metrics` (Prometheus text format) in tests. */

export async function scrapeMetrics(
  url: string,
  /** The gateway's METRICS_TOKEN, sent as a bearer token. */
  token?: string,
): Promise<{ status: number; type: string | null; text: string }> {
  const response = await fetch(
    `${url}/metrics`,
    token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } },
  );
  return { status: response.status, type: response.headers.get('content-type'), text: await response.text() };
}

/**
 * The value of the sample `name` with exactly these labels, 0 when absent (a labelled counter appears only once it
 * is incremented).
 */
export function metricValue(text: string, name: string, labels: Record<string, string> = {}): number {
  const wanted = Object.entries(labels)
    .map(([key, value]) => `${key}="${value}"`)
    .sort()
    .join(',');
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const got = (match[2] ?? '').split(',').filter(Boolean).sort().join(',');
    if (got === wanted) return Number(match[3]);
  }
  return 0;
}
