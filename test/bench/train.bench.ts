/**
 * `npm run bench:train`: ms per training step of the reference CLIP model (MLPs 200→256→256→32 and
 * 64→256→256→32, relu, batch 256, cosine, τ = 0.07 fixed, Adam) on each available backend and mode.
 * Prints JSON; each figure is the median of ≥ 30 steps after 5 warm-up steps.
 */
import { availableParallelism, loadavg } from 'node:os'
import { SimulationConfig } from '../../src-main/shared/simulation'
import type { BackendName } from '../../src-main/shared/training'
import type { PairedDataset } from '../../src-main/engine/data/dataset-types'
import { silentContext } from '../../src-main/engine/jobs/job'
import { initBackend } from '../../src-main/engine/learn/backend'
import { fit } from '../../src-main/engine/learn/fit'
import { fitParallel } from '../../src-main/engine/learn/parallel'
import { normalRng } from '../../src-main/engine/learn/random'
import { prepareTraining } from '../../src-main/engine/learn/train'

const B = 256
const WARMUP = 5

/** Paired data: u ∈ R^200 (100 "times" × 2), v = first 64 of u plus noise, all training pairs. */
function referenceData(steps: number): PairedDataset {
  const nPairs = B * steps
  const rand = normalRng(42)
  const trajectories = new Float64Array(nPairs * 200).map(() => rand())
  const params = new Float64Array(nPairs * 64)
  for (let i = 0; i < nPairs; i++) for (let k = 0; k < 64; k++) params[i * 64 + k] = trajectories[i * 200 + k] + 0.1 * rand()
  return {
    flow: 'fourier', config: SimulationConfig.parse({}), nPairs, nTracers: 1, nTimes: 100, times: Float64Array.from({ length: 100 }, (_, i) => i),
    trajectories, params, paramDim: 64, split: new Uint8Array(nPairs), flowConstants: {}, domain: { x0: 0, x1: 1, y0: 0, y1: 1, periodic: true }
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}

async function measure(backend: BackendName, parallel: boolean, steps: number): Promise<Record<string, unknown>> {
  const info = await initBackend(backend)
  if (info.name !== backend) return { backend, available: false, reason: info.reason }
  const ds = referenceData(steps + WARMUP)
  const p = prepareTraining(ds, { loss: 'cond', metric: 'cosine', dim: 32, widths: [256, 256], activation: 'relu', batch: B, epochs: 1, learningRate: 1e-3, temperature: 0.07, learnTemperature: false, warmupFraction: 0, patience: 0 })
  const times: number[] = []
  const waits: number[] = []
  const onStep = (ms: number, waitMs?: number) => (times.push(ms), waits.push(waitMs ?? 0))
  const t0 = performance.now()
  const result = parallel ? await fitParallel(p, silentContext(), { onStep }) : await fit(p.net, p.data, p.settings, silentContext(), { onStep })
  const wall = performance.now() - t0
  const timed = times.slice(WARMUP)
  return {
    backend, mode: parallel ? 'encoder-parallel (2 worker threads)' : 'one thread', reason: info.reason,
    msPerStep: Number(median(timed).toFixed(2)), steps: timed.length,
    ...(parallel ? { medianSyncWaitMs: Number(median(waits.slice(WARMUP)).toFixed(2)) } : {}), minMs: Number(Math.min(...timed).toFixed(2)),
    wallSeconds: Number((wall / 1000).toFixed(1)), firstLoss: Number(result.history[0]?.trainLoss.toFixed(4)), finalLoss: Number(result.finalLoss.toFixed(4))
  }
}

const results: Record<string, unknown>[] = []
const only = process.argv[2]
const runs: [BackendName, boolean, number][] = [['wasm', true, 40], ['wasm', false, 40], ['tensorflow', false, 40], ['cpu', false, 30]]
for (const [backend, parallel, steps] of runs) if (!only || only === backend) results.push(await measure(backend, parallel, steps))
console.log(JSON.stringify({
  model: 'MLPs 200→256→256→32 and 64→256→256→32 (relu), batch 256, cosine, τ = 0.07, Adam',
  reference: 'PyTorch 1.13 CPU + OpenBLAS, 1 thread: 8.7 ms/step (feasibility.md); target on wasm ≤ 17.4 ms/step',
  cores: availableParallelism(), loadAverage1min: Number(loadavg()[0].toFixed(2)),
  results
}, null, 2))
