import type { LatencySummary } from './stats.js';

/** One row of the results table: what was measured, against which limit, and the ratio of the two. */
export interface Row {
  scenario: string;
  /** What the row measured, with its figures. */
  measured: string;
  /** The limit it is compared with (the physics of the API, or a raw baseline). */
  limit: string;
  /** measured / limit (or as defined by the row); null when the row has no limit. */
  ratio: number | null;
  /** The target for the ratio, as text (e.g. "1.00", "≤ 1.15", "≥ 0.6"). */
  target: string;
  /** Whether the ratio meets the target (null: no target). Figures are reported, never asserted. */
  meetsTarget: boolean | null;
  notes?: string;
}

/** A latency distribution for the chart. */
export interface LatencySeries {
  label: string;
  summary: LatencySummary;
}

export interface ScenarioResult {
  id: string;
  title: string;
  rows: Row[];
  latencies: LatencySeries[];
  details: Record<string, unknown>;
  elapsedMs: number;
}
