/** `driftclip reproduce`: the paper's experiments figure by figure, one self-contained HTML report plus JSON. */
import { resolve } from 'node:path'
import { UserError } from '../engine/jobs/job'
import type { CliCommand } from './types'

export const reproduceCommand: CliCommand = {
  name: 'reproduce',
  summary: 'reproduce arXiv 2505.24134 experiment by experiment (Gaussian figures, GP sweeps, Lagrangian retrieval, mode collapse) into one HTML report',
  usage: `options:
  --out DIR     output folder (required): report.html (self-contained) and reproduce.json
  --quick       smaller samples, data sets and epochs: the same trends in under 5 minutes, marked as quick in the report
  --data FILE   the Lagrangian pairs written by an earlier run (DIR/lagrangian-pairs.nc): skips their simulation
  --only LIST   run only these experiments, comma-separated: gaussian, gp, lagrangian (the last includes the mode collapse);
                when DIR already holds a report of the same mode, its other sections are kept and the report says which run made each
  --merge FILE  run nothing: put the sections of an earlier run's reproduce.json (FILE) into DIR's report, keeping its others
  --seed S      seed of the Lagrangian experiment's training (and of its simulation unless --data is given; default 11)`,
  options: { out: { type: 'string' }, quick: { type: 'boolean' }, data: { type: 'string' }, only: { type: 'string' }, seed: { type: 'string' }, merge: { type: 'string' } },
  async run(values, _positionals, io) {
    if (typeof values.out !== 'string' || values.out === '') throw new UserError('reproduce: --out DIR is required')
    const { EXPERIMENTS, mergeReproduce, runReproduce } = await import('../engine/reproduce/run')
    if (typeof values.merge === 'string') {
      const clash = ['only', 'quick', 'data', 'seed'].find((k) => values[k] !== undefined)
      if (clash) throw new UserError(`reproduce: --merge runs nothing, so --${clash} does not apply`)
      const merged = await mergeReproduce(resolve(values.out), resolve(values.merge))
      io.print(`merged ${values.merge} into ${merged.report} (sections: ${merged.experiments.map((e) => `${e.id} from ${e.run?.createdAt ?? merged.createdAt}`).join(', ')})`)
      return merged
    }
    const only = typeof values.only === 'string' ? values.only.split(',').map((x) => x.trim()) : undefined
    const unknown = only?.find((x) => !(EXPERIMENTS as readonly string[]).includes(x))
    if (unknown !== undefined) throw new UserError(`reproduce: --only takes ${EXPERIMENTS.join(', ')}; got "${unknown}"`)
    const seed = values.seed === undefined ? undefined : Number(values.seed)
    if (seed !== undefined && !(Number.isInteger(seed) && seed >= 0)) throw new UserError(`reproduce: --seed wants a whole number ≥ 0, got "${String(values.seed)}"`)
    const result = await runReproduce({ outDir: resolve(values.out), quick: values.quick === true, ...(typeof values.data === 'string' ? { dataPath: resolve(values.data) } : {}), ...(only ? { only: only as typeof EXPERIMENTS[number][] } : {}), ...(seed !== undefined ? { seed } : {}) }, io.context)
    io.print('')
    for (const e of result.experiments) io.print(`${e.title} (${e.paperSection}): ${e.verdict.holds === true ? 'holds' : e.verdict.holds === false ? 'does not hold' : 'holds in part'} — ${e.verdict.text}`)
    io.print(`report: ${result.report}`)
    io.print(`json:   ${result.json}`)
    io.print(`done in ${result.seconds.toFixed(0)} s`)
    return result
  }
}
