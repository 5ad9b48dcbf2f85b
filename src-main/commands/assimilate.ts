/**
 * `driftclip assimilate TRACKS --out FIELD.nc`: real drifters → a flow prior fitted to the deployment, the
 * posterior velocity field (CF NetCDF-4, georeferenced) and the leave-one-drifter-out skill table against
 * interpolation baselines, printed every time (and written next to the field as JSON and CSV).
 */
import { resolve } from 'node:path'
import { AssimilationOptions, type AssimilationResult, type SkillRow } from '../shared/deployment'
import { FIELD_DEFAULTS } from '../shared/limits'
import { UserError } from '../engine/jobs/job'
import { numberOption, parseWithSchema } from './options'
import type { CliCommand } from './types'
import { oneLine } from '../shared/text'

/** The skill table as aligned text lines. */
export function skillTable(rows: SkillRow[]): string[] {
  const head = `${'method'.padEnd(18)} ${'RMSE m/s'.padStart(9)} ${'95% CI'.padStart(13)} ${'speed ratio'.padStart(11)} ${'dir. cosine'.padStart(11)}`
  return [
    head,
    ...rows.map((r) => `${r.method.padEnd(18)} ${r.rmse.toFixed(4).padStart(9)} ${`${r.ci[0].toFixed(3)}–${r.ci[1].toFixed(3)}`.padStart(13)} ${r.speedRatio.toFixed(2).padStart(11)} ${r.directionCosine.toFixed(2).padStart(11)}`)
  ]
}

/** Everything the command prints for a result. */
export function describeAssimilation(r: AssimilationResult): string[] {
  const lines = [
    `${r.source}: ${r.drifters.length} drifters, window ${r.window.start} → ${r.window.end} (${r.window.days.toFixed(2)} days), ${r.samples} samples at ${r.step.hours} h`,
    ...r.choices.map((c) => `  choice: ${c}`),
    ...r.drifters.map((d) => `  drifter ${d.id}: ${d.samples} velocity samples, ${d.start} → ${d.end}`),
    `  projection: ${r.projection.proj4}`,
    `  land: ${(100 * r.projection.landFraction).toFixed(1)}% of the domain (${r.projection.land})`,
    'flow prior fitted to the deployment:',
    ...r.prior.map((p) => `  ${p.name}: ${p.value.toFixed(3)} ${p.units}`),
    'leave-one-drifter-out skill (each drifter predicted from the others, same samples for every method):',
    ...skillTable(r.skill).map((l) => `  ${l}`),
    `verdict: ${r.verdict}`,
    ...r.notes.map((n) => `note: ${n}`)
  ]
  if (r.out) lines.push(`field written to ${r.out} (skill table also in ${r.out.replace(/\.nc$/i, '')}.skill.json and .skill.csv)`)
  return lines
}

export const assimilateCommand: CliCommand = {
  name: 'assimilate',
  summary: 'real drifters → fitted flow prior, posterior current field (CF NetCDF) and honest leave-one-drifter-out skill',
  usage: `arguments and options (driftclip assimilate TRACKS --out FIELD.nc):
  TRACKS               any drifter file the importer reads (CSV, GeoJSON, NetCDF)
  --out FIELD.nc       the field (CF-1.10 NetCDF-4: x/y in metres, lat/lon, grid_mapping, u/v, spread, land mask);
                       the skill table is also written next to it as FIELD.skill.json and FIELD.skill.csv
  --window START/END   analysis window, ISO-8601 (default: longest span in which ≥ 3 drifters report)
  --drifters ID,ID,…   drifters to use (default all)
  --step HOURS         sampling step (default from the fixes, at most 300 samples)
  --grid N             grid cells along the longer side of the domain (default ${FIELD_DEFAULTS.deployment.grid})
  --pairs N            simulated training pairs; --epochs N training epochs (defaults scale with the deployment)
  --samples N          posterior samples written to the file (default 8)
  --seed N             random seed (default 1)`,
  options: {
    out: { type: 'string' },
    window: { type: 'string' },
    drifters: { type: 'string' },
    step: { type: 'string' },
    grid: { type: 'string' },
    pairs: { type: 'string' },
    epochs: { type: 'string' },
    samples: { type: 'string' },
    seed: { type: 'string' }
  },
  positionals: true,
  async run(values, positionals, io) {
    if (positionals.length !== 1) throw new UserError('assimilate: give exactly one TRACKS file (see driftclip assimilate --help)')
    const out = values.out
    if (typeof out !== 'string' || out === '') throw new UserError('assimilate: --out FIELD.nc is required (see driftclip assimilate --help)')
    let window: { start: string; end: string } | undefined
    if (typeof values.window === 'string') {
      const parts = values.window.split('/')
      if (parts.length !== 2) throw new UserError(`assimilate: --window "${values.window}" is not START/END; write e.g. 2023-04-25T00:00:00Z/2023-04-27T00:00:00Z`)
      window = { start: parts[0], end: parts[1] }
    }
    const num = (name: string, kind: 'int' | 'real') => numberOption(values, name, kind, 'assimilate')
    const options = parseWithSchema(AssimilationOptions, {
      window,
      drifters: typeof values.drifters === 'string' ? values.drifters.split(',').map((s) => s.trim()).filter(Boolean) : undefined,
      stepHours: num('step', 'real'),
      grid: num('grid', 'int'),
      pairs: num('pairs', 'int'),
      epochs: num('epochs', 'int'),
      samples: num('samples', 'int'),
      seed: num('seed', 'int')
    }, 'assimilate', { stepHours: 'step' })
    const { runAssimilation } = await import('../engine/assimilate/deployment/run')
    const given = Object.entries(values).filter(([k, v]) => v !== undefined && k !== 'json').map(([k, v]) => `--${k} ${String(v)}`)
    const command = ['driftclip assimilate', positionals[0], ...given].join(' ')
    const r = await runAssimilation({ tracksPath: positionals[0], outPath: resolve(out), options, command }, io.context)
    for (const line of describeAssimilation(r)) io.print(oneLine(line)) // ids come from the drifter file
    return r
  }
}
