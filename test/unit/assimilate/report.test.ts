import { writeFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { renderReport, type ReportInput } from '../../../src-main/engine/assimilate/report'
import type { ComparisonVariant, FieldView } from '../../../src-main/shared/views'
import { TrainConfig } from '../../../src-main/shared/training'
import { NONDIMENSIONAL_UNITS } from '../../../src-main/shared/physical-units'
import type { RmseRow } from '../../../src-main/shared/assimilation'

const recall = (r1: number) => ({ r1, r5: Math.min(1, r1 + 0.3), r10: Math.min(1, r1 + 0.4), meanRank: 3, medianRank: 2 })

function variant(label: string, r1: number): ComparisonVariant {
  return {
    label,
    config: TrainConfig.parse({ dim: 16, epochs: 3, batch: 64 }),
    model: `models/${label}`,
    retrieval: { trajectoryToPotential: recall(r1), potentialToTrajectory: recall(r1 + 0.1) },
    curve: [1, 2, 3].map((epoch) => ({ epoch, trainLoss: 4 / epoch, validationLoss: 4.2 / epoch, r1TrajToPot: r1, r1PotToTraj: r1 })),
    calibration: {
      potentialGivenTrajectory: { spread: 1.3, skill: 1, ratio: 1.3, slope: 1.02 },
      trajectoryGivenPotential: { spread: 1, skill: 1, ratio: 1, slope: 1 }
    },
    ess: { mean: 3, median: 2, min: 1, max: 9 }
  }
}

function view(): FieldView {
  const n = 8
  const x = Array.from({ length: n }, (_, i) => (i + 0.5) / n)
  const frame = (phase: number) => Array.from({ length: n * n }, (_, c) => Math.sin(2 * Math.PI * (x[c % n]! + phase)) * Math.cos(2 * Math.PI * x[Math.floor(c / n)]!))
  const frames = () => ({ u: [frame(0), frame(0.1)], v: [frame(0.2), frame(0.3)], psi: [frame(0), frame(0)], vorticity: [frame(0.4), frame(0.5)] })
  return {
    x, y: x, times: [0, 0.1], units: NONDIMENSIONAL_UNITS,
    truth: frames(), reconstruction: frames(), uncertainty: [frame(0).map(Math.abs), frame(0.1).map(Math.abs)], rmsePerFrame: [0.1, 0.2], ess: 2.5,
    tracks: [[[0.75, 0.75], [0.8, 0.7], [0.85, 0.72]]], trackTimes: [0, 0.05, 0.1]
  }
}

export function sampleReport(): ReportInput {
  const rmse: RmseRow[] = [
    { kind: 'mean', variant: 'cond', method: 'cond: conditional mean', velocityRmse: 0.5, relativeVelocityRmse: 0.4, tracerRmse: 0.02, streamFunctionRmse: 0.01, ess: 2, perFrameVelocityRmse: [0.4, 0.6] },
    { kind: 'zero', method: 'baseline: zero field', velocityRmse: 1.2, relativeVelocityRmse: 1, tracerRmse: 0.1, streamFunctionRmse: 0.05, perFrameVelocityRmse: [1.2, 1.2] }
  ]
  return {
    title: 'Driftclip comparison <test>', createdAt: '2026-01-01T00:00:00Z', dataset: 'demo.nc', datasetNote: 'fourier, 64 pairs',
    variants: [variant('cond', 0.5), variant('joint', 0.3)], rmse, frameTimes: [0, 0.1], configuration: { seed: 1 },
    field: { view: view(), variant: 'cond', caseIndex: 0 }
  }
}

describe('report', () => {
  it('is one self-contained HTML file with SVG plots, escaped text and every section', () => {
    const html = renderReport(sampleReport())
    if (process.env.REPORT_OUT) writeFileSync(process.env.REPORT_OUT, html)
    expect(html.startsWith('<!doctype html>')).toBe(true)
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/)
    expect(html).toContain('Driftclip comparison &lt;test&gt;')
    expect((html.match(/<svg /g) ?? []).length).toBe(10) // rmse bars, per-frame, 2 recall, loss, 5 field panels
    for (const title of ['Velocity error by method', 'Retrieval: trajectory → potential', 'Training curves', 'Truth: vorticity', "Checks of the paper's expectations"])
      expect(html).toContain(title)
    expect(html).toContain('<td>baseline: zero field</td><td>1.200</td><td>1.000</td>')
  })
})
