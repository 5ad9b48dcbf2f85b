/** `driftclip simulate`: generate a paired (trajectory, flow parameter) data set and write it as NetCDF-4. */
import { FlowKind, SimulationConfig, type SimulationConfigInput } from '../shared/simulation'
import { UserError } from '../engine/jobs/job'
import { numberOption } from './options'
import type { CliCommand, OptionValues } from './types'

const num = (values: OptionValues, name: string, kind: 'int' | 'real') => numberOption(values, name, kind, 'simulate')

/** Parse "x,y;x,y;…" start positions. */
function startsOption(raw: unknown): [number, number][] | undefined {
  if (raw === undefined) return undefined
  return String(raw)
    .split(';')
    .map((p) => {
      const xy = p.split(',').map(Number)
      if (xy.length !== 2 || xy.some((v) => !Number.isFinite(v))) throw new UserError(`simulate: --starts wants "x,y;x,y;…", got "${String(raw)}"`)
      return [xy[0], xy[1]] as [number, number]
    })
}

/** Which command-line option sets each configuration field (for error messages). */
const OPTION_OF: Record<string, string> = {
  pairs: '--pairs', seed: '--seed', tracers: '--tracers', steps: '--steps', dt: '--dt', recordEvery: '--record-every',
  noise: '--noise', integrator: '--integrator', starts: '--starts', validationFraction: '--validation', testFraction: '--test',
  'fourier.modesPerSide': '--modes', 'fourier.rmsSpeed': '--rms-speed', 'vortex.vortices': '--vortices', 'vortex.systemNoise': '--system-noise',
  'scales.kmPerUnit': '--km-per-unit', 'scales.daysPerUnit': '--days-per-unit'
}

/** Physical scales: both options or neither (one alone would leave velocities without a unit). */
function scalesOption(values: OptionValues): SimulationConfigInput['scales'] {
  const kmPerUnit = num(values, 'km-per-unit', 'real')
  const daysPerUnit = num(values, 'days-per-unit', 'real')
  if (kmPerUnit === undefined && daysPerUnit === undefined) return undefined
  if (kmPerUnit === undefined || daysPerUnit === undefined) throw new UserError('simulate: give both --km-per-unit and --days-per-unit (physical units), or neither (nondimensional)')
  return { kmPerUnit, daysPerUnit }
}

/** Build and validate the configuration from command-line options (flow-specific defaults for dt/steps/records). */
export function configFromOptions(values: OptionValues): SimulationConfig {
  const flow = FlowKind.safeParse(values.flow ?? 'fourier')
  if (!flow.success) throw new UserError(`simulate: --flow must be fourier or vortex, got "${String(values.flow)}"`)
  const input: SimulationConfigInput = {
    flow: flow.data,
    pairs: num(values, 'pairs', 'int'),
    seed: num(values, 'seed', 'int'),
    tracers: num(values, 'tracers', 'int'),
    steps: num(values, 'steps', 'int'),
    dt: num(values, 'dt', 'real'),
    recordEvery: num(values, 'record-every', 'int'),
    noise: num(values, 'noise', 'real'),
    integrator: values.integrator as 'rk4' | 'dopri5' | undefined,
    starts: startsOption(values.starts),
    validationFraction: num(values, 'validation', 'real'),
    testFraction: num(values, 'test', 'real'),
    fourier: { modesPerSide: num(values, 'modes', 'int'), rmsSpeed: num(values, 'rms-speed', 'real') },
    vortex: { vortices: num(values, 'vortices', 'int'), systemNoise: num(values, 'system-noise', 'real') },
    scales: scalesOption(values)
  }
  const parsed = SimulationConfig.safeParse(input)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const path = issue.path.join('.')
    throw new UserError(`simulate: ${OPTION_OF[path] ?? path}: ${issue.message}`)
  }
  return parsed.data
}

export const simulateCommand: CliCommand = {
  name: 'simulate',
  summary: 'simulate a paired data set (tracer trajectories u, flow parameters v) and write it as NetCDF-4',
  usage: `options:
  --flow fourier|vortex   the paper's time-dependent Fourier flow (default) or KIJ point vortices
  --pairs N               number of (trajectory, flow) pairs (default 1024)
  --seed S                random seed (default 1): same seed, same bytes when SOURCE_DATE_EPOCH is set;
                          otherwise only the creation date (date_created, HDF5 time stamps) differs
  --out FILE.nc           output file (required)
  --tracers M             tracers per flow (default 1)
  --starts "x,y;x,y"      tracer start positions (default (0.75, 0.75) plus a ring of radius 0.1)
  --steps N --dt X        integration steps and step (fourier: 10000 × 1e-5; vortex: 10000 × 1e-3)
  --record-every K        record positions every K steps (fourier 10, vortex 100)
  --noise S               Gaussian observation noise on recorded positions (domain units, default 0)
  --integrator rk4|dopri5 fixed-step RK4 (default) or adaptive Dormand–Prince 5(4)
  --modes M               Fourier: M×M wavenumber block (default 7, K = 49)
  --rms-speed U           Fourier: expected RMS speed (default 4 domain lengths per time unit)
  --vortices N            vortex: number of vortices (default 2)
  --system-noise S        vortex: stochastic forcing on the vortices ("noisy truth", default 0)
  --km-per-unit L --days-per-unit T
                          physical units: views and field exports of this data set in km, days, m/s
                          (default none: nondimensional; e.g. 100 and 10 make the Fourier RMS speed 0.46 m/s)
  --validation F --test F split fractions (default 0.1 each)
  --workers W             worker threads (default: all cores)`,
  options: {
    flow: { type: 'string' }, pairs: { type: 'string' }, seed: { type: 'string' }, out: { type: 'string' },
    tracers: { type: 'string' }, starts: { type: 'string' }, steps: { type: 'string' }, dt: { type: 'string' },
    'record-every': { type: 'string' }, noise: { type: 'string' }, integrator: { type: 'string' }, modes: { type: 'string' },
    'rms-speed': { type: 'string' }, vortices: { type: 'string' }, 'system-noise': { type: 'string' },
    validation: { type: 'string' }, test: { type: 'string' }, workers: { type: 'string' },
    'km-per-unit': { type: 'string' }, 'days-per-unit': { type: 'string' }
  },
  async run(values, _positionals, io) {
    const out = values.out
    if (typeof out !== 'string' || out === '') throw new UserError('simulate: --out FILE.nc is required (see driftclip simulate --help)')
    const cfg = configFromOptions(values)
    const workers = num(values, 'workers', 'int')
    if (workers !== undefined && workers < 1) throw new UserError(`simulate: --workers must be at least 1, got ${workers}`)
    const started = Date.now()
    const { runSimulation } = await import('../engine/flows/simulate')
    const summary = await runSimulation(cfg, out, io.context, workers)
    const seconds = (Date.now() - started) / 1000
    const s = summary.split
    io.print(`simulated ${summary.pairs} pairs of the ${summary.flow} flow (seed ${summary.seed}): ${summary.tracers} tracer(s) × ${summary.times} records, ${summary.paramDim} parameters each`)
    io.print(`split: ${s.train} train / ${s.validation} validation / ${s.test} test`)
    io.print(`wrote ${summary.path} in ${seconds.toFixed(1)} s (${(summary.pairs / seconds).toFixed(1)} pairs/s)`)
    return summary
  }
}
