/**
 * Merging runs of `driftclip reproduce`: re-run one experiment and put its section into an earlier report, keeping
 * the others (each section keeps the date, commit and load of the run that made it, shown in the report).
 */
import { UserError } from '../jobs/job'
import type { ExperimentSummary, ReproduceResult, RunProvenance } from './types'

/** The experiments in the order they run (ids for --only). */
export const EXPERIMENTS = ['gaussian', 'gp', 'lagrangian'] as const
export type ExperimentId = (typeof EXPERIMENTS)[number]

/** What each experiment owns in a result: its summary rows, its top-level fields and its settings key. */
const SECTIONS: Record<ExperimentId, { summaries: string[]; fields: ('gaussian' | 'gaussianSettings' | 'gp' | 'lagrangian')[] }> = {
  gaussian: { summaries: ['gaussian'], fields: ['gaussian', 'gaussianSettings'] },
  gp: { summaries: ['gp'], fields: ['gp'] },
  lagrangian: { summaries: ['lagrangian', 'collapse'], fields: ['lagrangian'] }
}

/** The experiments a result holds. */
export const sectionsOf = (r: ReproduceResult): ExperimentId[] => EXPERIMENTS.filter((id) => r[SECTIONS[id].fields[0]] !== undefined)

/** The run a result (or a section without its own record) comes from. */
export function provenanceOf(r: ReproduceResult): RunProvenance {
  return { createdAt: r.createdAt, ...(r.commit ? { commit: r.commit } : {}), quick: r.quick, ...(r.machine.loadMean !== undefined ? { loadMean: r.machine.loadMean } : {}), ...(r.machine.nice !== undefined ? { nice: r.machine.nice } : {}) }
}

/**
 * `base` with every section `update` holds replaced by update's; the other sections, their summaries and settings
 * stay. Wall and CPU time become the sums over the sections. Quick and full results do not mix.
 */
export function mergeResults(base: ReproduceResult, update: ReproduceResult, mergedAt: string): ReproduceResult {
  if (base.quick !== update.quick) throw new UserError(`reproduce: cannot merge a ${update.quick ? 'quick' : 'full'}-mode run into a ${base.quick ? 'quick' : 'full'}-mode report`)
  const replaced = sectionsOf(update)
  const out: ReproduceResult = { ...base, settings: { ...base.settings }, mergedAt }
  const withRun = (e: ExperimentSummary, from: ReproduceResult): ExperimentSummary => ({ ...e, run: e.run ?? provenanceOf(from) })
  const experiments: ExperimentSummary[] = []
  for (const id of EXPERIMENTS) {
    const from = replaced.includes(id) ? update : base
    for (const field of SECTIONS[id].fields) {
      if (from[field] === undefined) delete out[field]
      else (out as unknown as Record<string, unknown>)[field] = from[field]
    }
    if (from.settings[id] !== undefined) out.settings[id] = from.settings[id]
    else delete out.settings[id]
    experiments.push(...from.experiments.filter((e) => SECTIONS[id].summaries.includes(e.id)).map((e) => withRun(e, from)))
  }
  out.experiments = experiments
  out.seconds = experiments.reduce((a, e) => a + e.seconds, 0)
  out.cpuSeconds = experiments.every((e) => e.cpuSeconds !== undefined) ? experiments.reduce((a, e) => a + (e.cpuSeconds ?? 0), 0) : undefined
  if (out.cpuSeconds === undefined) delete out.cpuSeconds
  return out
}
