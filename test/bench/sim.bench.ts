/**
 * Simulation benchmark (`npm run bench:sim [-- --quick]`): RK4 tracer-steps per second per core in the 49-mode
 * Fourier flow, and the wall time of the paper-scale data set (32,768 pairs × 1 tracer × 10,000 steps) on all
 * cores. Prints one JSON line. `--quick` simulates a subset in parallel and extrapolates the paper-scale time.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { availableParallelism, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { SimulationConfig } from '../../src-main/shared/simulation'
import { PAPER } from '../../src-main/shared/constants'
import { PairSimulator } from '../../src-main/engine/flows/pair'
import { planSimulation } from '../../src-main/engine/flows/plan'
import { runSimulation } from '../../src-main/engine/flows/simulate'
import { silentContext } from '../../src-main/engine/jobs/job'

const quick = process.argv.includes('--quick')
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

/** Single-thread throughput: simulate `pairs` paper pairs, `runs` times; tracer-steps per wall second and per CPU second. */
function perCore(pairs: number, runs: number): { wall: number[]; cpu: number[] } {
  const cfg = SimulationConfig.parse({ pairs })
  const plan = planSimulation(cfg)
  const sim = new PairSimulator(plan)
  const trajectories = new Float64Array(plan.nTimes * 2)
  const params = new Float64Array(plan.paramDim)
  const one = (i: number) => sim.simulate(i, { trajectories, trajOffset: 0, params, paramsOffset: 0 })
  for (let i = 0; i < 4; i++) one(i) // warm up the JIT
  const wall: number[] = [], cpu: number[] = []
  for (let r = 0; r < runs; r++) {
    const c0 = process.cpuUsage(), t0 = performance.now()
    for (let i = 0; i < pairs; i++) one(i)
    const seconds = (performance.now() - t0) / 1000
    const c = process.cpuUsage(c0)
    const steps = pairs * cfg.steps * cfg.tracers
    wall.push(steps / seconds)
    cpu.push(steps / ((c.user + c.system) / 1e6))
  }
  return { wall, cpu }
}

async function main(): Promise<void> {
  const load = loadavg()[0]
  const core = perCore(quick ? 20 : 60, quick ? 3 : 5)
  const dir = mkdtempSync(join(tmpdir(), 'driftclip-bench-'))
  const pairs = quick ? 1024 : PAPER.pairs
  const out = join(dir, 'paper.nc')
  const t0 = performance.now(), c0 = process.cpuUsage()
  await runSimulation(SimulationConfig.parse({ pairs }), out, silentContext())
  const seconds = (performance.now() - t0) / 1000
  // process CPU time includes the worker threads: what the run costs when the cores are not shared
  const cu = process.cpuUsage(c0)
  const cpuSeconds = (cu.user + cu.system) / 1e6
  const fileBytes = statSync(out).size
  rmSync(dir, { recursive: true, force: true })
  const cores = availableParallelism()
  const tracerStepsPerSecondPerCore = Math.round(median(core.wall))
  console.log(JSON.stringify({
    benchmark: 'sim',
    tracerStepsPerSecondPerCore,
    tracerStepsPerCpuSecond: Math.round(median(core.cpu)),
    perCoreRuns: core.wall.map(Math.round),
    fractionOfCReference: +(tracerStepsPerSecondPerCore / 1.1e6).toFixed(3),
    paperScaleSeconds: +(seconds * (PAPER.pairs / pairs)).toFixed(1),
    paperScaleExtrapolated: quick,
    paperScaleCpuSeconds: +(cpuSeconds * (PAPER.pairs / pairs)).toFixed(1),
    paperScaleSecondsOnIdleCores: +((cpuSeconds * (PAPER.pairs / pairs)) / availableParallelism()).toFixed(1),
    measuredPairs: pairs,
    measuredSeconds: +seconds.toFixed(2),
    measuredFileMB: +(fileBytes / 1e6).toFixed(1),
    cores,
    loadAverageAtStart: +load.toFixed(2),
    note: 'medians; other processes may share the CPU (see loadAverageAtStart); tracerStepsPerCpuSecond and paperScaleSecondsOnIdleCores use CPU time, so contention does not inflate them' + (quick ? '; paper-scale time extrapolated linearly from measuredPairs' : '')
  }))
}

await main()
