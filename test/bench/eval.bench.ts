/**
 * Evaluation and posterior-sampling benchmark (`npm run bench:eval [-- --quick]`):
 * - evaluation of test queries against a bank of 4,096 (paper Fourier flow, 1 tracer × 10,000 steps, 1,000 records):
 *   the fixed part (bank fields) and the per-query part (learned reconstructions, calibration, baselines), in CPU- and
 *   wall-seconds, projected to 200 queries (measured at 200 without --quick);
 * - likelihood evaluations per second of the twin's MCMC reference (forward RK4 of the tracers, twin/forward.ts) and
 *   of the bank-free sampler's learned potential Φ(v) = −s(z, g_v(v))/τ (batched encoder), against the C RK4 loop's
 *   tracer-steps per second (../shared/bench/rk4_ref.c) run in the same process tree.
 * The data set and a briefly trained model are made once and kept in the temporary folder (first run: a few minutes).
 * Prints one JSON line.
 */
import { existsSync, mkdirSync } from 'node:fs'
import { availableParallelism, tmpdir } from 'node:os'
import { join } from 'node:path'
import { SimulationConfig } from '../../src-main/shared/simulation'
import { cachedDataset, cachedModel } from '../../src-main/engine/assimilate/cache'
import { evaluateBaselines } from '../../src-main/engine/assimilate/baselines'
import { runEvaluation } from '../../src-main/engine/assimilate/evaluate'
import { evaluateLearned } from '../../src-main/engine/assimilate/learned'
import { DEFAULT_EVALUATION, pairsOfSplit, prepareEvaluation } from '../../src-main/engine/assimilate/setup'
import { forwardModel } from '../../src-main/engine/assimilate/twin/forward'
import { runSimulation } from '../../src-main/engine/flows/simulate'
import { silentContext } from '../../src-main/engine/jobs/job'
import { runTraining } from '../../src-main/engine/learn/train'
import { cpuSecondsSince, machine, median, printLine, range, rk4Peer, round } from './peers'

const quick = process.argv.includes('--quick')
const QUERIES = quick ? 50 : 200
const BANK = 4096
const dir = join(tmpdir(), 'driftclip-bench-eval-v1')
const dataPath = join(dir, 'eval.nc')
const modelDir = join(dir, 'model')
// 80 % train ≥ 4,096 for the bank, 10 % test ≥ 200 queries
const dataConfig = SimulationConfig.parse({ pairs: 5400, validationFraction: 0.1, testFraction: 0.1 })

async function ensureInputs(): Promise<void> {
  mkdirSync(dir, { recursive: true })
  if (!existsSync(dataPath)) await runSimulation(dataConfig, dataPath, silentContext())
  if (!existsSync(join(modelDir, 'model.json'))) await runTraining({ datasetPath: dataPath, outDir: modelDir, config: { epochs: 2, parallel: 'off' } }, silentContext())
}

/** CPU- and wall-seconds of `f`. */
function timed<T>(f: () => T): { value: T; cpu: number; wall: number } {
  const c0 = process.cpuUsage(), t0 = performance.now()
  const value = f()
  return { value, cpu: cpuSecondsSince(c0), wall: (performance.now() - t0) / 1000 }
}

await ensureInputs()
const ds = await cachedDataset(dataPath)
const model = await cachedModel(modelDir, ds, dataPath)
const options = { ...DEFAULT_EVALUATION, maxTest: QUERIES, maxBank: BANK }
const setup = timed(() => prepareEvaluation(ds, options, silentContext()))
const learned = timed(() => evaluateLearned(model, setup.value, 'bench', silentContext()))
const baselines = timed(() => evaluateBaselines(setup.value, silentContext()))
const nq = setup.value.testPairs.length
const perQueryCpu = (learned.cpu + baselines.cpu) / nq
// the same evaluation in two worker threads (each reads the data set, samples the bank and scores half the queries)
const workers = Math.min(2, availableParallelism())
const parallel = await (async () => {
  const c0 = process.cpuUsage(), t0 = performance.now()
  await runEvaluation({ modelDir, datasetPath: dataPath, maxTest: QUERIES, options: { maxBank: BANK }, workers }, silentContext())
  return { cpu: cpuSecondsSince(c0), wall: (performance.now() - t0) / 1000 }
})()
const oneThread = { cpu: setup.cpu + learned.cpu + baselines.cpu, wall: setup.wall + learned.wall + baselines.wall }
const project = (fixed: number, perQuery: number) => round(fixed + 200 * perQuery, 1)

// likelihood evaluations: the twin's forward model on prior-like parameters (the data set's own), one pair each
const fwd = forwardModel(dataConfig, 1)
const stepsPerLikelihood = dataConfig.steps * dataConfig.tracers
const params = ds.params.subarray(0, 8 * ds.paramDim)
const tracks = new Float64Array(8 * fwd.nTracers * fwd.nTimes * 2)
fwd.run(params, 1, tracks) // warm up
const likelihood: number[] = []
const peer: number[] = []
for (let r = 0; r < (quick ? 3 : 5); r++) {
  const c = rk4Peer(20)
  if (c.available) peer.push(c.value)
  const t = timed(() => fwd.run(params, 8, tracks))
  likelihood.push(8 / t.cpu)
}
// the learned potential on a batch of 256 states (what a batched pCN step asks for)
const states = Float64Array.from(ds.params.subarray(0, 256 * ds.paramDim))
model.encodePotentials(states, 256)
const tilt = timed(() => {
  for (let i = 0; i < 20; i++) model.encodePotentials(states, 256)
})
const cRate = median(peer)

printLine({
  benchmark: 'eval',
  bank: setup.value.bankPairs.length,
  queries: nq,
  setup: { cpuSeconds: round(setup.cpu), wallSeconds: round(setup.wall) },
  learned: { cpuSeconds: round(learned.cpu), wallSeconds: round(learned.wall) },
  baselines: { cpuSeconds: round(baselines.cpu), wallSeconds: round(baselines.wall) },
  cpuSecondsPerQuery: round(perQueryCpu, 3),
  // projected to 200 queries from the fixed part and the per-query part (exact when measured at 200)
  cpuSeconds200: project(setup.cpu, perQueryCpu),
  wallSeconds200: project(setup.wall, (learned.wall + baselines.wall) / nq),
  projected: nq !== 200,
  twoWorkers: { workers, cpuSeconds: round(parallel.cpu), wallSeconds: round(parallel.wall) },
  speedupOneToTwoWorkers: round(oneThread.wall / parallel.wall),
  // CPU work of one thread over that of two workers (each worker also loads the data set and samples the bank)
  cpuEfficiencyOneToTwoWorkers: round(oneThread.cpu / parallel.cpu),
  target: '200 queries against 4,096 in ≤ 20 s',
  testPairsAvailable: pairsOfSplit(ds, 'test').length,
  likelihood: {
    mcmcReferencePerCpuSecond: round(median(likelihood), 1),
    mcmcReferenceRange: range(likelihood, 1),
    stepsPerLikelihood,
    cRk4LikelihoodsPerCpuSecond: Number.isFinite(cRate) ? round(cRate / stepsPerLikelihood, 1) : undefined,
    ratioToC: Number.isFinite(cRate) ? round(median(likelihood) / (cRate / stepsPerLikelihood), 3) : undefined,
    learnedPotentialPerCpuSecond: Math.round((20 * 256) / tilt.cpu),
    learnedPotentialOverMcmc: round((20 * 256) / tilt.cpu / median(likelihood), 0)
  },
  ...machine()
})
