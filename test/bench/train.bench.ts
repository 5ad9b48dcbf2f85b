/**
 * `npm run bench:train [-- --quick] [-- --rounds N] [-- --warmup N] [-- --steps N] [-- wasm|tensorflow|cpu]`: ms per training step of the reference
 * CLIP model (MLPs 200→256→256→32 and 64→256→256→32, relu, batch 256, cosine, τ = 0.07 fixed, Adam) on each available
 * backend and mode, with PyTorch one-thread (../shared/bench/torch_ref.py) run in the same rounds: each round runs the
 * peer, then every mode, so each ratio compares runs a few seconds apart. Also CPU-ms per step (all threads), which a
 * busy machine does not inflate, and the speed-up from one thread to two data-parallel workers with its CPU efficiency.
 * Prints one JSON line.
 */
import { SimulationConfig } from '../../src-main/shared/simulation'
import type { BackendName } from '../../src-main/shared/training'
import type { PairedDataset } from '../../src-main/engine/data/dataset-types'
import { silentContext } from '../../src-main/engine/jobs/job'
import { initBackend } from '../../src-main/engine/learn/backend'
import { fit } from '../../src-main/engine/learn/fit'
import { fitDataParallel, fitParallel } from '../../src-main/engine/learn/parallel'
import { normalRng } from '../../src-main/engine/learn/random'
import { prepareTraining } from '../../src-main/engine/learn/train'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { cpuSecondsSince, machine, median, printLine, range, round, torchPeer } from './peers'

const B = 256
/**
 * Steps before the timed ones: V8 keeps compiling (wasm tier-up, optimised JS) on its helper threads for the first
 * ~100 steps of a process, 3 CPU-ms per step of one thread's 14 at steps 5–65 and ≈ 1.5 at 5–205 (measured
 * 2026-12-02 per thread from /proc, load ≈ 4), once per worker; a training run of thousands of steps does not see it.
 * So 100 warm-up steps by default (30 until 2026-12-03: CPU-ms per step over steps 30–70 were 0.5–5 above those over
 * steps 70–500 in each of 6 per-window runs, learn README; the plain-JS cpu backend keeps 30, it is too slow for more).
 */
const quick = process.argv.includes('--quick')
const numberArg = (name: string): number | undefined => {
  const at = process.argv.indexOf(name)
  return at > 0 ? Number(process.argv[at + 1]) : undefined
}
const WARMUP = numberArg('--warmup') ?? 100
const ROUNDS = numberArg('--rounds') ?? (quick ? 2 : 3)
const only = process.argv.slice(2).find((a) => ['wasm', 'tensorflow', 'cpu'].includes(a)) as BackendName | undefined

/** Paired data: u ∈ R^200 (100 "times" × 2), v = first 64 of u plus noise, all training pairs. */
function referenceData(steps: number): PairedDataset {
  const nPairs = B * steps
  const rand = normalRng(42)
  const trajectories = new Float64Array(nPairs * 200).map(() => rand())
  const params = new Float64Array(nPairs * 64)
  for (let i = 0; i < nPairs; i++) for (let k = 0; k < 64; k++) params[i * 64 + k] = trajectories[i * 200 + k]! + 0.1 * rand()
  return {
    flow: 'fourier', config: SimulationConfig.parse({}), nPairs, nTracers: 1, nTimes: 100, times: Float64Array.from({ length: 100 }, (_, i) => i),
    trajectories, params, paramDim: 64, split: new Uint8Array(nPairs), flowConstants: {}, domain: { x0: 0, x1: 1, y0: 0, y1: 1, periodic: true }
  }
}

interface Mode { key: string; backend: BackendName; parallel?: 'encoders' | 'data'; workers?: number; steps: number; warmup?: number }
interface Run { msPerStep: number; cpuMsPerStep: number; minMs: number; waitMs: number; firstLoss: number; finalLoss: number; phases?: Record<string, number[]>; threads?: number[] }

/**
 * CPU-ms of every thread of this process (Linux /proc; utime + stime in 10 ms ticks), by thread id: where two workers'
 * time goes, since a step on two free cores lasts at least as long as the busier worker's CPU time.
 */
function threadCpuMs(): Map<string, number> | undefined {
  if (!existsSync('/proc/self/task')) return undefined
  const out = new Map<string, number>()
  for (const id of readdirSync('/proc/self/task')) {
    try {
      const stat = readFileSync(`/proc/self/task/${id}/stat`, 'utf8')
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      out.set(id, (Number(f[11]) + Number(f[12])) * 10)
    } catch {
      // the thread ended
    }
  }
  return out
}

async function measure(m: Mode): Promise<Run | { unavailable: string }> {
  const info = await initBackend(m.backend)
  if (info.name !== m.backend) return { unavailable: info.reason }
  const warmup = m.warmup ?? WARMUP
  const p = prepareTraining(referenceData(m.steps + warmup), { loss: 'cond', metric: 'cosine', dim: 32, widths: [256, 256], activation: 'relu', batch: B, epochs: 1, learningRate: 1e-3, temperature: 0.07, learnTemperature: false, warmupFraction: 0, patience: 0 })
  const times: number[] = []
  const waits: number[] = []
  let cpu0: NodeJS.CpuUsage | undefined
  let cpuSeconds = 0
  let phases: Record<string, number[]> | undefined
  let profile0: Float64Array | undefined
  let threads0: Map<string, number> | undefined
  let threads: number[] | undefined
  // process CPU (every thread) over the timed steps only: worker start-up and warm-up are not counted; for
  // data-parallel workers also each rank's wall ms per step in each phase (shard-worker.ts)
  const onStep = (ms: number, waitMs?: number, profile?: { phases: readonly string[]; perRank: Float64Array }) => {
    times.push(ms)
    waits.push(waitMs ?? 0)
    if (times.length === warmup) {
      cpu0 = process.cpuUsage()
      profile0 = profile?.perRank.slice()
      threads0 = threadCpuMs()
    }
    if (times.length === warmup + m.steps && cpu0) {
      cpuSeconds = cpuSecondsSince(cpu0)
      const t1 = threadCpuMs()
      // every thread's CPU-ms per timed step, the busiest first (the training threads, then V8's helpers)
      if (t1 && threads0) threads = [...t1].map(([id, ms]) => round((ms - (threads0!.get(id) ?? 0)) / m.steps)).filter((x) => x > 0).sort((a, b) => b - a)
      if (profile && profile0) {
        const K = profile.phases.length
        const at = profile.perRank.slice()
        phases = Object.fromEntries(profile.phases.map((name, k) => [name, Array.from({ length: at.length / K }, (_, r) => round((at[r * K + k]! - profile0![r * K + k]!) / m.steps, 3))]))
      }
    }
  }
  const ctx = silentContext()
  const result = m.parallel === 'encoders' ? await fitParallel(p, ctx, { onStep }) : m.parallel === 'data' ? await fitDataParallel(p, ctx, { onStep }, m.workers) : await fit(p.net, p.data, p.settings, ctx, { onStep })
  const timed = times.slice(warmup)
  return {
    msPerStep: median(timed), cpuMsPerStep: (cpuSeconds * 1000) / timed.length, minMs: Math.min(...timed), waitMs: median(waits.slice(warmup)),
    firstLoss: result.history[0]?.trainLoss ?? NaN, finalLoss: result.finalLoss, ...(phases ? { phases } : {}), ...(threads ? { threads } : {})
  }
}

const steps = numberArg('--steps') ?? (quick ? 20 : 60)
const modes: Mode[] = ([
  { key: 'wasm one thread', backend: 'wasm', steps },
  { key: 'wasm data-parallel, 1 worker', backend: 'wasm', parallel: 'data', workers: 1, steps },
  { key: 'wasm data-parallel, 2 workers', backend: 'wasm', parallel: 'data', workers: 2, steps },
  { key: 'wasm encoder-parallel (2 worker threads)', backend: 'wasm', parallel: 'encoders', steps },
  { key: 'tensorflow (tfjs-node) one thread', backend: 'tensorflow', steps },
  ...(quick ? [] : [{ key: 'cpu (plain JS) one thread', backend: 'cpu', steps: 10, warmup: 30 } satisfies Mode])
] satisfies Mode[]).filter((m) => !only || m.backend === only)

const peer: number[] = []
const peerCpu: number[] = []
const runs = new Map<string, Run[]>()
const unavailable = new Map<string, string>()
let peerReason: string | undefined
for (let r = 0; r < ROUNDS; r++) {
  const t = torchPeer()
  if (t.available) {
    peer.push(t.value)
    peerCpu.push(Number(t.raw.cpuMsPerStep))
  }
  else peerReason = t.reason
  for (const m of modes) {
    if (unavailable.has(m.key)) continue
    const x = await measure(m)
    if ('unavailable' in x) unavailable.set(m.key, x.unavailable)
    else runs.set(m.key, [...(runs.get(m.key) ?? []), x])
  }
}

const results = modes.map((m) => {
  const rs = runs.get(m.key)
  if (!rs) return { mode: m.key, available: false, reason: unavailable.get(m.key) }
  const ms = rs.map((x) => x.msPerStep)
  // ratio per round against that round's peer, so both sides saw the same load
  const ratios = rs.map((x, i) => (peer[i] ? x.msPerStep / peer[i]! : NaN)).filter(Number.isFinite)
  return {
    mode: m.key, available: true, msPerStep: round(median(ms)), msPerStepRange: range(ms), msPerStepByRound: ms.map((x) => round(x)),
    cpuMsPerStep: round(median(rs.map((x) => x.cpuMsPerStep))), cpuMsPerStepByRound: rs.map((x) => round(x.cpuMsPerStep)), fastestStepMs: round(Math.min(...rs.map((x) => x.minMs))),
    ratioToPeer: round(median(ratios)), ratioToPeerRange: ratios.length ? range(ratios) : undefined,
    cpuRatioToPeer: round(median(rs.map((x, i) => x.cpuMsPerStep / (peerCpu[i] ?? NaN)).filter(Number.isFinite))),
    ...(m.parallel ? { medianSyncWaitMs: round(median(rs.map((x) => x.waitMs))) } : {}),
    ...(rs[0]!.phases ? { phasesMsPerStepByRank: rs[rs.length - 1]!.phases } : {}), // the last round's profile
    ...(rs.every((x) => x.threads) ? { busiestThreadCpuMsPerStep: round(median(rs.map((x) => x.threads![0] ?? NaN))), threadCpuMsPerStep: rs[rs.length - 1]!.threads!.slice(0, 6) } : {}),
    firstLoss: round(rs[0]!.firstLoss, 4), finalLoss: round(rs[0]!.finalLoss, 4), steps: m.steps, warmupSteps: m.warmup ?? WARMUP, rounds: rs.length
  }
})
const one = runs.get('wasm one thread')
const med = (rs: Run[], key: 'msPerStep' | 'cpuMsPerStep') => median(rs.map((x) => x[key]))
/**
 * One thread → two workers: the wall-clock speed-up at this load, and the CPU efficiency (one thread's CPU-ms per
 * step over the two workers'), which says what two free cores would give: ≈ 2 × efficiency, unless one worker is
 * busier than the other, when it is at most the one thread's busiest thread over the two workers' busiest.
 */
const oneToTwo = (key: string) => {
  const two = runs.get(key)
  if (!one || !two) return undefined
  const efficiency = med(one, 'cpuMsPerStep') / med(two, 'cpuMsPerStep')
  const busiest = (rs: Run[]) => (rs.every((x) => x.threads?.length) ? median(rs.map((x) => x.threads![0]!)) : NaN)
  const byThreads = busiest(one) / busiest(two)
  return {
    speedup: round(med(one, 'msPerStep') / med(two, 'msPerStep')), cpuEfficiency: round(efficiency),
    freeCoreSpeedupEstimate: round(Number.isFinite(byThreads) ? Math.min(2 * efficiency, byThreads) : 2 * efficiency),
    ...(Number.isFinite(byThreads) ? { busiestThreadRatio: round(byThreads) } : {})
  }
}
printLine({
  benchmark: 'train',
  model: 'MLPs 200→256→256→32 and 64→256→256→32 (relu), batch 256, cosine, τ = 0.07, Adam',
  peer: peer.length
    ? { name: 'PyTorch CPU + OpenBLAS, 1 thread (../shared/bench/torch_ref.py)', msPerStep: round(median(peer)), msPerStepRange: range(peer), cpuMsPerStep: round(median(peerCpu)), rounds: peer.length }
    : { name: 'PyTorch (torch_ref.py)', available: false, reason: peerReason },
  target: 'wasm ≤ 2× the peer',
  results,
  oneToTwoWorkers: { target: '≥ 1.7×', dataParallel: oneToTwo('wasm data-parallel, 2 workers'), encoderParallel: oneToTwo('wasm encoder-parallel (2 worker threads)') },
  ...machine()
})
