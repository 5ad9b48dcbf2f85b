import { describe, expect, it } from 'vitest'
import { LIGHT_CHART_THEME as T, decimate, fmt } from '@renderer/charts/common'
import { buildMetricCurves, metricGroup, metricKeys, type MetricSample } from '@renderer/charts/metric-curves'
import { buildRecallBars } from '@renderer/charts/recall-bars'
import { bootstrapProportion, bootstrapRmse } from '@renderer/charts/bootstrap'
import { comparisonVerdict } from '@renderer/charts/comparison-verdict'
import { buildRmseBars, rmseCell } from '@renderer/charts/rmse-bars'
import { buildTrackPreview } from '@renderer/charts/track-preview'
import { buildRmsePerFrame, buildVariantCurves } from '@renderer/charts/line-charts'
import { describeSeries } from '@renderer/charts/echarts-setup'
import { methodName, type RmseMethod, type RmseRow } from '@shared/assimilation'

type S = { id: string; name: string; type: string; data: unknown[]; xAxisIndex?: number; yAxisIndex?: number }
const seriesOf = (o: { series?: unknown }) => o.series as S[]

describe('common helpers', () => {
  it('decimate keeps first and last and at most ~max items; short input unchanged', () => {
    const xs = Array.from({ length: 1001 }, (_, i) => i)
    const d = decimate(xs, 100)
    expect(d[0]).toBe(0)
    expect(d[d.length - 1]).toBe(1000)
    expect(d.length).toBeLessThanOrEqual(102)
    expect(decimate([1, 2, 3], 10)).toEqual([1, 2, 3])
  })
  it('fmt gives 3 significant digits and exponents at the extremes', () => {
    expect(fmt(3.14159)).toBe('3.14')
    expect(fmt(0.00001234)).toBe('1.23e-5')
    expect(fmt(NaN)).toBe('—')
  })
})

describe('metric curves', () => {
  const samples: MetricSample[] = [
    { done: 1, metrics: { loss: 4, validationLoss: 4.2, r1TrajToPot: 0.1, temperature: 0.07 } },
    { done: 2, metrics: { loss: 3, validationLoss: 3.5, r1TrajToPot: 0.2, temperature: 0.06, stepsPerSecond: 50 } }
  ]
  it('groups keys into loss, retrieval and other panels', () => {
    expect(metricGroup('validationLoss')).toBe('loss')
    expect(metricGroup('r1PotToTraj')).toBe('retrieval')
    expect(metricGroup('temperature')).toBe('other')
    expect(metricKeys(samples)).toEqual(['loss', 'validationLoss', 'r1TrajToPot', 'temperature', 'stepsPerSecond'])
  })
  it('plots one line per key on its panel, with (done, value) points', () => {
    const o = buildMetricCurves(samples, { title: 't', unit: 'steps', theme: T })
    const s = seriesOf(o)
    expect(s.map((x) => x.id)).toEqual(['loss', 'validationLoss', 'r1TrajToPot', 'temperature', 'stepsPerSecond'])
    expect(s[0].data).toEqual([[1, 4], [2, 3]])
    expect(s[4].data).toEqual([[2, 50]])
    expect(s[2].yAxisIndex).toBe(1)
    expect(s[3].yAxisIndex).toBe(2)
    const yAxis = o.yAxis as { name: string; type: string }[]
    expect(yAxis.map((a) => a.name)).toEqual(['loss (nats)', 'recall (fraction)', 'value (log scale)'])
    expect(yAxis[2].type).toBe('log')
    expect((o.xAxis as { name: string }[])[2].name).toBe('steps')
  })
})

describe('comparison charts', () => {
  const rk = (r1: number) => ({ r1, r5: r1 + 0.1, r10: r1 + 0.2, meanRank: 3, medianRank: 2 })
  const entries = [
    { label: 'cond', retrieval: { trajectoryToPotential: rk(0.5), potentialToTrajectory: rk(0.4) } },
    { label: 'joint', retrieval: { trajectoryToPotential: rk(0.3), potentialToTrajectory: rk(0.2) } }
  ]
  it('recall bars: R@1/5/10 per direction, values per variant', () => {
    const s = seriesOf(buildRecallBars(entries, T))
    expect(s).toHaveLength(6)
    expect(s.find((x) => x.id === 'trajectoryToPotential-r1')?.data).toEqual([0.5, 0.3])
    expect(s.find((x) => x.id === 'potentialToTrajectory-r10')?.data).toEqual([0.6000000000000001, 0.4])
  })
  it('recall bars with queries: 95 % bootstrap whiskers around each bar and a chance line k / queries', () => {
    const o = buildRecallBars(entries, T, 50)
    const s = seriesOf(o)
    expect(s.filter((x) => x.type === 'bar')).toHaveLength(6)
    const r1 = s.find((x) => x.id === 'trajectoryToPotential-r1') as unknown as { markLine: { data: { yAxis: number }[] } }
    expect(r1.markLine.data[0].yAxis).toBeCloseTo(1 / 50)
    const ci = s.find((x) => x.id === 'trajectoryToPotential-r1-ci')!
    const [cat, lo, hi] = ci.data[0] as unknown as number[]
    expect(cat).toBe(0)
    expect(lo).toBeLessThan(0.5)
    expect(hi).toBeGreaterThan(0.5)
    expect(JSON.stringify(o.title)).toContain('50 test queries')
  })
  it('bootstrap of a proportion: the interval holds p, shrinks with more queries, and is seeded', () => {
    const [lo, hi] = bootstrapProportion(0.3, 100)
    expect(lo).toBeLessThan(0.3)
    expect(hi).toBeGreaterThan(0.3)
    // close to the normal approximation ±1.96·sqrt(p(1-p)/n) = ±0.09
    expect(hi - lo).toBeGreaterThan(0.14)
    expect(hi - lo).toBeLessThan(0.22)
    const [lo2, hi2] = bootstrapProportion(0.3, 1000)
    expect(hi2 - lo2).toBeLessThan((hi - lo) / 2)
    expect(bootstrapProportion(0.3, 100)).toEqual([lo, hi])
    expect(bootstrapProportion(0, 40)).toEqual([0, 0])
  })
  it('variant curves: one validation-loss panel per loss type, R@1 on the last', () => {
    const variant = (label: string, loss: 'cond' | 'mmd') => ({ label, config: { loss } as never, model: '', retrieval: entries[0].retrieval, curve: [{ epoch: 1, trainLoss: 1, validationLoss: loss === 'mmd' ? 0.01 : 3, r1TrajToPot: 0.2, r1PotToTraj: 0.1 }] })
    const o = buildVariantCurves([variant('cond/cosine', 'cond'), variant('cond/l2', 'cond'), variant('mmd/cosine', 'mmd')], T)
    expect((o.yAxis as { name: string }[]).map((a) => a.name.replace(/\n/g, ' '))).toEqual(['cond validation loss (nats)', 'mmd validation loss', 'R@1 (fraction)'])
    const axisOf = (id: string) => (seriesOf(o).find((x) => x.id === id) as unknown as { yAxisIndex: number }).yAxisIndex
    expect([axisOf('cond/cosine-loss'), axisOf('cond/l2-loss'), axisOf('mmd/cosine-loss'), axisOf('mmd/cosine-r1')]).toEqual([0, 0, 1, 2])
  })
  it('verdict: names the best variant per score, says when the queries do not resolve it, and says plainly when a baseline wins', () => {
    const v = (label: string, r1: number) => ({ label, config: { loss: 'cond' } as never, model: '', retrieval: { trajectoryToPotential: rk(r1), potentialToTrajectory: rk(r1) }, curve: [], ess: { mean: 12, median: 10, min: 1, max: 40 } })
    const row = (m: RmseMethod, rel: number): RmseRow => ({ ...m, method: methodName(m), velocityRmse: rel, relativeVelocityRmse: rel, tracerRmse: 0, streamFunctionRmse: 0 })
    const settings = { grid: 16, frameTimes: [0], testQueries: 40, bankSize: 400, samples: 8, seed: 1 }
    const lines = comparisonVerdict({ dataset: 'd', variants: [v('a', 0.3), v('b', 0.25)], rmse: [row({ kind: 'mean', variant: 'a' }, 1.05), row({ kind: 'mean', variant: 'b' }, 0.9), row({ kind: 'zero' }, 1), row({ kind: 'oracle' }, 0.2)], settings })
    expect(lines[0]).toMatch(/^Retrieval: a is best .*R@1 0\.3.*b \(0\.25\) is within the intervals: 40 test queries do not resolve the difference\./)
    expect(lines[1]).toContain('b has the lowest relative velocity RMSE of its conditional mean (0.9)')
    expect(lines[1]).toContain('beats the best baseline, the zero field (1)')
    expect(lines[1]).not.toContain('oracle')
    expect(lines[2]).toContain('of a bank of 400')
    const losing = comparisonVerdict({ dataset: 'd', variants: [v('a', 0.9)], rmse: [row({ kind: 'mean', variant: 'a' }, 1.2), row({ kind: 'zero' }, 1)], settings })
    expect(losing[1]).toContain('does NOT beat the zero field baseline (1)')
    // rows are found by their kind and variant, never by their display name (which may change or be translated)
    const renamed = comparisonVerdict({ dataset: 'd', variants: [v('a', 0.9)], rmse: [{ ...row({ kind: 'mean', variant: 'a' }, 0.5), method: 'a — Mittelwert' }, { ...row({ kind: 'nearest' }, 1), method: 'nächster Nachbar' }], settings })
    expect(renamed[1]).toContain('a has the lowest relative velocity RMSE of its conditional mean (0.5). It beats the best baseline, the nearest trajectory (raw L2) (1)')
  })
  it('RMSE bars are sorted best first, the axis names the unit, and physical scales convert the values', () => {
    const row = (method: string, v: number) => ({ method, velocityRmse: v, relativeVelocityRmse: v / 10, tracerRmse: 0, streamFunctionRmse: 0 })
    const rows = [row('prior mean', 2), row('cond', 0.5), row('joint', 1)]
    const o = buildRmseBars(rows, 'velocityRmse', T)
    expect((o.yAxis as { data: string[] }).data).toEqual(['cond', 'joint', 'prior mean'])
    const values = (x: typeof o) => (seriesOf(x)[0].data as { value: number }[]).map((d) => d.value)
    expect(values(o)).toEqual([0.5, 1, 2])
    expect((o.xAxis as { name: string }).name).toBe('velocity RMSE\n(domain length / model time)')
    // 100 km and 10 days per unit: 1 unit of velocity = 100,000 m / 864,000 s
    const physical = buildRmseBars(rows, 'velocityRmse', T, { kmPerUnit: 100, daysPerUnit: 10 })
    expect((physical.xAxis as { name: string }).name).toBe('velocity RMSE (m/s)')
    expect(values(physical)[2]).toBeCloseTo(2 * 100_000 / 864_000, 12)
    expect(seriesOf(physical)).toHaveLength(1)
  })
  it('RMSE bootstrap: an interval that collapses when every query has the same error, brackets the pooled value, and draws whiskers', () => {
    const same = { velocity: Array(30).fill(0.04), truth: Array(30).fill(1), psi: Array(30).fill(9) }
    for (const [key, value] of [['velocityRmse', 0.2], ['streamFunctionRmse', 3], ['relativeVelocityRmse', 0.2]] as const)
      for (const end of bootstrapRmse(same, key)) expect(end).toBeCloseTo(value, 12)
    expect(bootstrapRmse(same, 'tracerRmse')).toEqual([NaN, NaN])
    // half the queries with squared error 0, half with 2: pooled RMSE 1, and a resample of 40 queries rarely stays at 1
    const mixed = { velocity: Array.from({ length: 40 }, (_, i) => (i % 2 ? 2 : 0)), truth: Array(40).fill(4), psi: Array(40).fill(0) }
    const [lo, hi] = bootstrapRmse(mixed, 'velocityRmse')
    expect(lo).toBeLessThan(1)
    expect(hi).toBeGreaterThan(1)
    // the normal approximation: sd of the mean square is 1/sqrt(40) = 0.158, so ≈ sqrt(1 ± 0.31)
    expect(lo).toBeGreaterThan(0.75)
    expect(hi).toBeLessThan(1.2)
    const [rlo, rhi] = bootstrapRmse(mixed, 'relativeVelocityRmse')
    expect(rlo).toBeCloseTo(lo / 2, 12)
    expect(rhi).toBeCloseTo(hi / 2, 12)
    const withQueries = { method: 'cond', velocityRmse: 1, relativeVelocityRmse: 0.5, tracerRmse: NaN, streamFunctionRmse: 0, perQuery: mixed }
    const o = buildRmseBars([withQueries], 'velocityRmse', T)
    const ci = seriesOf(o).find((s) => s.id === 'rmse-velocityRmse-ci')
    expect(ci?.data).toEqual([[1, 0, lo, hi]])
    expect(rmseCell(withQueries, 'velocityRmse', { kmPerUnit: 100, daysPerUnit: 10 }).interval![1]).toBeCloseTo(hi * 100_000 / 864_000, 12)
  })
})

describe('track preview and RMSE per frame', () => {
  it('draws each track with start and end markers', () => {
    const o = buildTrackPreview(
      { source: 'a.nc', tracks: [[[0, 0], [1, 2], [3, 4]], [[5, 5], [6, 6]]], units: { length: 'km', time: 'd' }, bounds: { xMin: 0, xMax: 6, yMin: 0, yMax: 6 } },
      T
    )
    const d = describeSeries(o)
    expect(d.map((x) => x.name)).toEqual(['tracer path', 'tracer path', 'start', 'end'])
    const s = seriesOf(o)
    expect(s[2].data).toEqual([[0, 0], [5, 5]])
    expect(s[3].data).toEqual([[3, 4], [6, 6]])
    expect((o.xAxis as { name: string }).name).toBe('x (km)')
  })
  it('marks the current frame time', () => {
    const o = buildRmsePerFrame([0, 1, 2], [0.1, 0.2, 0.3], 2, { time: 's', velocity: 'm/s' }, T)
    const s = seriesOf(o)[0] as S & { markLine: { data: { xAxis: number }[] } }
    expect(s.data).toEqual([[0, 0.1], [1, 0.2], [2, 0.3]])
    expect(s.markLine.data).toEqual([{ xAxis: 2 }])
  })
})

describe('display helpers', () => {
  it('track extent fits the tracks with equal spans and a margin; empty input falls back', async () => {
    const { trackExtent } = await import('@renderer/charts/track-preview')
    const fallback = { xMin: 0, xMax: 1, yMin: 0, yMax: 1 }
    const e = trackExtent([[[0.7, 0.7], [0.8, 0.72]]], fallback)
    expect(e.xMax - e.xMin).toBeCloseTo(0.11)
    expect(e.yMax - e.yMin).toBeCloseTo(0.11)
    expect((e.xMin + e.xMax) / 2).toBeCloseTo(0.75)
    expect(trackExtent([], fallback)).toEqual(fallback)
  })
  it('progress counters are not plotted; sparse series show their points', () => {
    const o = buildMetricCurves([{ done: 3, metrics: { epoch: 1, validationLoss: 2 } }], { title: 't', unit: 'steps', theme: T })
    const s = seriesOf(o) as (S & { showSymbol: boolean })[]
    expect(s.map((x) => x.id)).toEqual(['validationLoss'])
    expect(s[0].showSymbol).toBe(true)
  })
})
