/** `driftclip demo`: simulate, train the main loss variants, evaluate, report and export — one command. */
import { resolve } from 'node:path'
import type { CliCommand } from './types'

export const demoCommand: CliCommand = {
  name: 'demo',
  summary: 'simulate a small Fourier-flow set, train cond / cond-u / joint, evaluate and write an HTML report',
  usage: `options:
  --out DIR      output folder (default ./driftclip-demo): dataset.nc, comparison/ (report.html,
                 metrics.json, metrics.csv, curves.json, models/), exports/ (NetCDF field, tracks)
  --quick        a smaller run (fewer pairs and epochs) for a first look in well under a minute
  --config FILE  a demo configuration instead of the embedded resources/demo.json`,
  options: { out: { type: 'string' }, quick: { type: 'boolean' }, config: { type: 'string' } },
  async run(values, _positionals, io) {
    // engines load on use, so `driftclip --help` and other commands start fast
    const { runDemo } = await import('../engine/assimilate/demo')
    const { markdownTable } = await import('../engine/assimilate/comparison-files')
    const outDir = resolve(typeof values.out === 'string' ? values.out : 'driftclip-demo')
    const result = await runDemo({ outDir, quick: values.quick === true, ...(typeof values.config === 'string' ? { configPath: values.config } : {}) }, io.context)
    io.print('')
    io.print(markdownTable(result.comparison.rmse, result.comparison.variants))
    io.print('')
    io.print(`report:  ${result.comparison.report}`)
    io.print(`exports: ${result.exports.join(', ')}`)
    io.print(`done in ${result.seconds.toFixed(0)} s`)
    return result
  }
}
