/**
 * Evaluation and posterior-sampling benchmark (`npm run bench:eval [-- --quick]`):
 * - evaluation of 200 test queries against a bank of 4,096 (paper Fourier flow, 1 tracer × 10,000 steps, 1,000
 *   records), measured directly: on one thread, phase by phase (fields of the bank and the truths, the model's
 *   logits, the learned reconstructions with calibration, the baselines), then the same job on 1 → 2 worker threads
 *   (`runEvaluation`), checked to give the same bits; wall- and CPU-seconds (all threads), so the CPU efficiency
 *   holds on a busy machine;
 * - likelihood evaluations per second of the twin's MCMC reference (forward RK4 of the tracers, twin/forward.ts) and
 *   of the bank-free sampler's learned potential Φ(v) = −s(z, g_v(v))/τ (batched encoder), against the C RK4 loop's
 *   tracer-steps per second (../shared/bench/rk4_ref.c) run in the same process tree.
 * The data set and a briefly trained model are made once and kept in the temporary folder (first run: about a
 * minute on two free cores). `--quick` runs fewer likelihood rounds. Prints one JSON line.
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs'
import { availableParallelism, tmpdir } from 'node:os'
import { isDeepStrictEqual } from 'node:util'
import { join } from 'node:path'
import { SimulationConfig } from '../../src-main/shared/simulation'
import { cachedDataset, cachedModel } from '../../src-main/engine/assimilate/cache'
import { evaluateBaselines } from '../../src-main/engine/assimilate/baselines'
import { runEvaluation } from '../../src-main/engine/assimilate/evaluate'
import { evaluateLearnedPart, learnedScores, modelPart } from '../../src-main/engine/assimilate/learned'
import { DEFAULT_EVALUATION, pairsOfSplit, prepareEvaluation } from '../../src-main/engine/assimilate/setup'
import { forwardModel } from '../../src-main/engine/assimilate/twin/forward'
import { runSimulation } from '../../src-main/engine/flows/simulate'
import { silentContext } from '../../src-main/engine/jobs/job'
import { bundledWorkerFile } from '../../src-main/engine/jobs/workers'
import { runTraining } from '../../src-main/engine/learn/train'
import { cpuSecondsSince, machine, median, printLine, range, rk4Peer, round } from './peers'

const quick = process.argv.includes('--quick')
const QUERIES = 200
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

/** The kept data set and model, made again when they no longer load (e.g. written by an older format). */
async function loadInputs(): Promise<{ ds: Awaited<ReturnType<typeof cachedDataset>>; model: Awaited<ReturnType<typeof cachedModel>> }> {
  await ensureInputs()
  try {
    const ds = await cachedDataset(dataPath)
    return { ds, model: await cachedModel(modelDir, ds, dataPath) }
  } catch (err) {
    console.error(`bench:eval: the kept inputs in ${dir} do not load (${err instanceof Error ? err.message : String(err)}); making them again`)
    rmSync(dir, { recursive: true, force: true })
    await ensureInputs()
    const ds = await cachedDataset(dataPath)
    return { ds, model: await cachedModel(modelDir, ds, dataPath) }
  }
}

/** CPU- and wall-seconds of `f`. */
function timed<T>(f: () => T): { value: T; cpu: number; wall: number } {
  const c0 = process.cpuUsage(), t0 = performance.now()
  const value = f()
  return { value, cpu: cpuSecondsSince(c0), wall: (performance.now() - t0) / 1000 }
}
async function timedAsync<T>(f: () => Promise<T>): Promise<{ value: T; cpu: number; wall: number }> {
  const c0 = process.cpuUsage(), t0 = performance.now()
  const value = await f()
  return { value, cpu: cpuSecondsSince(c0), wall: (performance.now() - t0) / 1000 }
}
const phase = (t: { cpu: number; wall: number }) => ({ cpuSeconds: round(t.cpu), wallSeconds: round(t.wall) })

const { ds, model } = await loadInputs()
bundledWorkerFile('evaluate') // built (if a source changed) before anything is timed
const options = { ...DEFAULT_EVALUATION, maxTest: QUERIES, maxBank: BANK }
// one thread, phase by phase: exactly what runEvaluation does with workers: 1
const fields = timed(() => prepareEvaluation(ds, options, silentContext()))
const setup = fields.value
const nq = setup.testPairs.length
const logits = timed(() => modelPart(model, setup))
const learned = timed(() => learnedScores(logits.value.retrieval, [evaluateLearnedPart(setup, logits.value.inputs, 'learned', 0, nq, silentContext())]))
const baselines = timed(() => evaluateBaselines(setup, silentContext()))
const one = { cpu: fields.cpu + logits.cpu + learned.cpu + baselines.cpu, wall: fields.wall + logits.wall + learned.wall + baselines.wall }
// the same job in 2 worker threads (model part here, fields and queries in the workers), and with the default count
const workers = Math.min(2, availableParallelism())
const request = { modelDir, datasetPath: dataPath, maxTest: QUERIES, options: { maxBank: BANK } }
const parallel = await timedAsync(() => runEvaluation({ ...request, workers }, silentContext()))
const p = parallel.value
const identical = isDeepStrictEqual(p.rmse, [...learned.value.rmse, ...baselines.value]) && isDeepStrictEqual(p.calibration, learned.value.calibration) &&
  isDeepStrictEqual(p.ess, learned.value.ess) && isDeepStrictEqual(p.retrieval, learned.value.retrieval)

// likelihood evaluations: the twin's forward model on prior-like parameters (the data set's own), one pair each
const fwd = forwardModel(dataConfig, 1)
const stepsPerLikelihood = dataConfig.steps * dataConfig.tracers
const params = ds.params.subarray(0, 8 * ds.paramDim)
const tracks = new Float64Array(8 * fwd.nTracers * fwd.nTimes * 2)
fwd.run(params, 1, tracks) // warm up
const likelihood: number[] = []
const peer: number[] = []
let peerReason: string | undefined
for (let r = 0; r < (quick ? 3 : 5); r++) {
  const c = rk4Peer(20)
  if (c.available) peer.push(c.value)
  else peerReason = c.reason
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

const cLikelihoods = cRate / stepsPerLikelihood
const potentialRate = (20 * 256) / tilt.cpu
printLine({
  benchmark: 'eval',
  bank: setup.bankPairs.length,
  queries: nq,
  oneThread: {
    cpuSeconds: round(one.cpu), wallSeconds: round(one.wall), cpuSecondsPerQuery: round(one.cpu / nq, 3),
    phases: { fields: phase(fields), modelLogits: phase(logits), learned: phase(learned), baselines: phase(baselines) }
  },
  workers: { workers, cpuSeconds: round(parallel.cpu), wallSeconds: round(parallel.wall), cpuSecondsPerQuery: round(parallel.cpu / nq, 3), identicalToOneThread: identical },
  speedupOneToTwoWorkers: round(one.wall / parallel.wall),
  // CPU work of one thread over that of the workers (1 = no parallel overhead): on free cores the speed-up is ≈ workers × this
  cpuEfficiencyOneToTwoWorkers: round(one.cpu / parallel.cpu),
  // estimate for free cores: the model's part (serial, here) plus the rest of the workers' CPU work shared by them
  secondsOnFreeCores: round(logits.cpu + (parallel.cpu - logits.cpu) / workers, 1),
  target: '200 queries against 4,096 in ≤ 20 s; 1 → 2 workers ≥ 1.7×',
  testPairsAvailable: pairsOfSplit(ds, 'test').length,
  likelihood: {
    mcmcReferencePerCpuSecond: round(median(likelihood), 1),
    mcmcReferenceRange: range(likelihood, 1),
    stepsPerLikelihood,
    cRk4LikelihoodsPerCpuSecond: Number.isFinite(cRate) ? round(cLikelihoods, 1) : undefined,
    ratioToC: Number.isFinite(cRate) ? round(median(likelihood) / cLikelihoods, 3) : undefined,
    learnedPotentialPerCpuSecond: Math.round(potentialRate),
    learnedPotentialRatioToC: Number.isFinite(cRate) ? round(potentialRate / cLikelihoods, 1) : undefined,
    learnedPotentialOverMcmc: round(potentialRate / median(likelihood), 0)
  },
  peer: Number.isFinite(cRate) ? { name: 'C RK4 loop, cc -O2, one core (../shared/bench/rk4_ref.c)', tracerStepsPerCpuSecond: Math.round(cRate) } : { available: false, reason: peerReason },
  ...machine()
})
