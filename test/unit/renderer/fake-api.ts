/** A fake DriftclipApi for store and component tests: every request is a vi.fn with a canned answer; events are pushed by hand. */
import { vi } from 'vitest'
import type { AppInfo, DriftclipApi, EngineEvent, JobKind, WorkspaceListing } from '@shared/contract'
import type { FieldView } from '@shared/views'

export const APP_INFO: AppInfo = {
  version: '0.1.0',
  mode: 'browser',
  backend: { name: 'wasm', reason: 'tfjs-node not installed; wasm with SIMD' },
  workspace: '/tmp/ws',
  cores: 2
}

export const LISTING: WorkspaceListing = {
  datasets: [
    { path: 'datasets/old.nc', bytes: 1000, modified: '2026-01-01T00:00:00Z' },
    { path: 'datasets/new.nc', bytes: 2000, modified: '2026-02-01T00:00:00Z' }
  ],
  models: [],
  tracks: [],
  exports: []
}

/** A 2×2 grid, 2 frames; truth u = 3, v = 4 (speed 5); reconstruction u = 3, v = 0 (speed 3). */
export function smallField(): FieldView {
  const frames = (u: number, v: number) => ({
    u: [Array(4).fill(u), Array(4).fill(u)],
    v: [Array(4).fill(v), Array(4).fill(v)],
    psi: [[1, -1, 2, -2], [0.5, -0.5, 1, -1]],
    vorticity: [[0.1, 0.2, -0.3, 0.4], [0, 0, 0, 0]]
  })
  return {
    x: [0.25, 0.75],
    y: [0.25, 0.75],
    times: [0, 0.1],
    units: { length: 'm', time: 's', velocity: 'm/s', streamFunction: 'm²/s', vorticity: '1/s' },
    truth: frames(3, 4),
    reconstruction: frames(3, 0),
    uncertainty: [[0.1, 0.2, 0.3, 0.4], [0.2, 0.2, 0.2, 0.2]],
    rmsePerFrame: [4, 4],
    tracks: [[[0.1, 0.1], [0.2, 0.3], [0.4, 0.5]]],
    trackTimes: [0, 0.05, 0.1]
  }
}

export interface FakeApi {
  api: DriftclipApi
  emit(event: EngineEvent): void
  listenerCount(): number
}

export function createFakeApi(): FakeApi {
  const listeners = new Set<(e: EngineEvent) => void>()
  let next = 1
  const started = <K extends JobKind>(kind: K) => () => Promise.resolve({ jobId: `job-${next++}`, kind })
  const api = {
    appInfo: vi.fn(() => Promise.resolve(APP_INFO)),
    listWorkspace: vi.fn(() => Promise.resolve(structuredClone(LISTING))),
    listJobs: vi.fn(() => Promise.resolve([])),
    cancelJob: vi.fn(() => Promise.resolve({ cancelled: true })),
    startSimulation: vi.fn(started('simulate')),
    startTraining: vi.fn(started('train')),
    startComparison: vi.fn(started('compare')),
    startImport: vi.fn(started('import')),
    previewTracks: vi.fn(({ source }: { source: string }) =>
      Promise.resolve({ source, tracks: [[[0, 0], [1, 1]]], units: { length: 'm', time: 's' }, bounds: { xMin: 0, xMax: 1, yMin: 0, yMax: 1 } })
    ),
    getField: vi.fn(() => Promise.resolve(smallField())),
    startExport: vi.fn(started('export')),
    startDemo: vi.fn(started('demo')),
    startTwinBenchmark: vi.fn(started('benchmark-da')),
    saveFigure: vi.fn(({ name, format }: { name: string; format: string }) =>
      Promise.resolve({ path: `exports/${name}.${format}`, bytes: 10, modified: '2026-01-01T00:00:00Z' })
    ),
    onEvent: vi.fn((l: (e: EngineEvent) => void) => {
      listeners.add(l)
      return () => listeners.delete(l)
    })
  }
  return {
    api: api as unknown as DriftclipApi,
    emit: (e) => listeners.forEach((l) => l(e)),
    listenerCount: () => listeners.size
  }
}

/** Let pending promise callbacks run. */
export async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 0))
}
