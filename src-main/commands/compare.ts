/** `driftclip compare`: train several loss/metric variants on the same data and seed, evaluate and report. */
import { UserError } from '../engine/jobs/job'
import { LossKind, MetricKind, TrainConfig } from '../shared/training'
import { intOption, numberOption, stringOption } from './options'
import type { CliCommand, OptionValues } from './types'

function listOption<T extends string>(values: OptionValues, name: string, allowed: readonly T[], fallback: T[]): T[] {
  const raw = values[name]
  if (raw === undefined) return fallback
  const items = String(raw).split(',').map((s) => s.trim()).filter(Boolean)
  for (const item of items)
    if (!(allowed as readonly string[]).includes(item)) throw new UserError(`--${name}: unknown value "${item}"; use a comma-separated list of ${allowed.join(', ')}`)
  if (items.length === 0) throw new UserError(`--${name} is empty; use a comma-separated list of ${allowed.join(', ')}`)
  return items as T[]
}

/**
 * Every loss × metric combination, with the shared training options. Options not given take TrainConfig's defaults
 * and every value is checked by TrainConfig itself, so compare and train accept the same values (e.g. --seed 0).
 */
export function variantsFrom(values: OptionValues): TrainConfig[] {
  const losses = listOption(values, 'losses', LossKind.options, ['cond', 'cond-u', 'joint'])
  const metrics = listOption(values, 'metrics', MetricKind.options, ['cosine'])
  const shared = Object.fromEntries(
    (['epochs', 'seed', 'dim', 'batch'] as const).map((name) => [name, numberOption(values, name, 'int', 'compare')]).filter(([, v]) => v !== undefined)
  )
  return losses.flatMap((loss) =>
    metrics.map((metric) => {
      const parsed = TrainConfig.safeParse({ ...shared, loss, metric })
      if (!parsed.success) throw new UserError(`compare: --${String(parsed.error.issues[0]?.path[0])}: ${parsed.error.issues[0]?.message}`)
      return parsed.data
    })
  )
}

export const compareCommand: CliCommand = {
  name: 'compare',
  summary: 'train loss/metric variants on the same data and seed; write metrics, curves and an HTML report',
  usage: `options:
  --data FILE.nc       paired data set (from driftclip simulate)
  --losses LIST        comma-separated: ${LossKind.options.join(', ')} (default cond,cond-u,joint)
  --metrics LIST       comma-separated: ${MetricKind.options.join(', ')} (default cosine); every loss × metric is trained
  --epochs N           epochs per variant (default as driftclip train)
  --dim N, --batch N, --seed N   training options shared by all variants (defaults as driftclip train)
  --max-test N         test queries for the scores (default 200)
  --out DIR            output folder: metrics.json, metrics.csv, curves.json, report.html, models/
  --force              replace an existing comparison folder (the old one is kept until the new one is complete)`,
  options: {
    data: { type: 'string' }, losses: { type: 'string' }, metrics: { type: 'string' }, epochs: { type: 'string' },
    dim: { type: 'string' }, batch: { type: 'string' }, seed: { type: 'string' }, 'max-test': { type: 'string' }, out: { type: 'string' },
    force: { type: 'boolean' }
  },
  async run(values, _positionals, io) {
    // engines load on use, so `driftclip --help` and other commands start fast
    const { runComparison } = await import('../engine/assimilate/compare')
    const { markdownTable } = await import('../engine/assimilate/comparison-files')
    const result = await runComparison(
      {
        datasetPath: stringOption(values, 'data', 'compare'),
        variants: variantsFrom(values),
        outDir: stringOption(values, 'out', 'compare'),
        evaluation: { maxTest: intOption(values, 'max-test', 200) },
        force: values.force === true
      },
      io.context
    )
    io.print(markdownTable(result.rmse, result.variants))
    io.print(`\nreport: ${result.report}`)
    return result
  }
}
