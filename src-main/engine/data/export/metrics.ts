/** Metrics tables (arrays of flat rows) as JSON and CSV, written atomically. */
import Papa from 'papaparse'
import { writeFileAtomic } from '../atomic'

export type MetricValue = string | number | boolean | null | undefined
export type MetricRow = Record<string, MetricValue>

/** Column names in order of first appearance across rows. */
export function metricColumns(rows: MetricRow[]): string[] {
  const seen = new Set<string>()
  for (const r of rows) for (const k of Object.keys(r)) seen.add(k)
  return [...seen]
}

/** JSON text: { columns, rows }, non-finite numbers as null (JSON has no NaN). */
export function metricsJson(rows: MetricRow[], meta: Record<string, MetricValue> = {}): string {
  const clean = rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'number' && !Number.isFinite(v) ? null : (v ?? null)])))
  return JSON.stringify({ ...meta, columns: metricColumns(rows), rows: clean }, null, 2) + '\n'
}

/** CSV text: one header line, one line per row, empty cells for missing or non-finite values. */
export function metricsCsv(rows: MetricRow[]): string {
  const columns = metricColumns(rows)
  const data = rows.map((r) => columns.map((c) => {
    const v = r[c]
    return v === null || v === undefined || (typeof v === 'number' && !Number.isFinite(v)) ? '' : String(v)
  }))
  return Papa.unparse({ fields: columns, data }, { newline: '\n' }) + '\n'
}

export function writeMetricsJson(path: string, rows: MetricRow[], meta?: Record<string, MetricValue>): Promise<void> {
  return writeFileAtomic(path, metricsJson(rows, meta))
}

export function writeMetricsCsv(path: string, rows: MetricRow[]): Promise<void> {
  return writeFileAtomic(path, metricsCsv(rows))
}
