/** `driftclip gp-experiment`: the paper's Gaussian-process experiment (§6.1), conditional-mean error curves to JSON. */
import { writeFileAtomic } from '../engine/data/atomic'
import { UserError } from '../engine/jobs/job'
import { Seed } from '../shared/limits'
import { numberOption, parseWithSchema } from './options'
import type { CliCommand } from './types'

export const gpExperimentCommand: CliCommand = {
  name: 'gp-experiment',
  summary: "reproduce the paper's Gaussian-process experiment: error curves over embedding dimension, batch size and N",
  usage: `options:
  --out FILE.json   where to write the error curves (required)
  --quick           smaller N and batches (about half a minute of CPU)
  --steps S         first optimiser steps per point (default 4000; quick 2000); each point is also trained with S/2
                    steps, the relative change is its convergence gap, and the steps double while it exceeds 5 %
  --lr X            override the learning rate
  --seed S          random seed (default 1)`,
  options: { out: { type: 'string' }, quick: { type: 'boolean' }, steps: { type: 'string' }, lr: { type: 'string' }, seed: { type: 'string' } },
  async run(values, _positionals, io) {
    if (!values.out) throw new UserError('gp-experiment: --out FILE.json is required')
    const { gpSettings, runGpExperiment } = await import('../engine/learn/gp-experiment')
    const { initBackend } = await import('../engine/learn/index')
    const s = gpSettings(Boolean(values.quick))
    for (const [opt, key, int] of [['steps', 'steps', true], ['lr', 'learningRate', false]] as const) {
      if (values[opt] === undefined) continue
      const n = Number(values[opt])
      if (!Number.isFinite(n) || n <= 0 || (int && !Number.isInteger(n))) throw new UserError(`gp-experiment: --${opt} must be a ${int ? 'positive integer' : 'positive number'}, got "${String(values[opt])}"`)
      s[key] = n
    }
    const seed = numberOption(values, 'seed', 'int', 'gp-experiment')
    if (seed !== undefined) s.seed = parseWithSchema(Seed, seed, 'gp-experiment', { option: 'seed' })
    const backend = await initBackend()
    io.print(`backend: ${backend.name} — ${backend.reason}`)
    const result = await runGpExperiment(s, io.context)
    await writeFileAtomic(String(values.out), JSON.stringify(result, null, 1))
    io.print(`wrote ${String(values.out)}`)
    return result
  }
}
