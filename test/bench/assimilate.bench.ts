/**
 * Assimilation benchmark (`npm run bench:assimilate [-- --quick]`): the whole `driftclip assimilate` chain on the
 * real Kiel Bight drifters (../shared/data/kiel-bight-2023, GEOMAR, MIT) — all 6 drifters over the default window,
 * or with --quick 3 drifters over one day — and the wall time of each phase, the CPU-seconds and the skill table,
 * as one JSON line.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { AssimilationOptions } from '../../src-main/shared/deployment'
import { runAssimilation } from '../../src-main/engine/assimilate/deployment/run'
import { silentContext } from '../../src-main/engine/jobs/job'
import { cpuSecondsSince, machine, printLine } from './peers'

const quick = process.argv.includes('--quick')
const source = join(import.meta.dirname, '../../../shared/data/kiel-bight-2023/drifters_science.csv')
const dir = mkdtempSync(join(tmpdir(), 'driftclip-bench-assimilate-'))
try {
  // The science file names its columns D_number,date_UTC,Latitude,Longitude: written as id,time,lat,lon.
  const rows = readFileSync(source, 'utf8').trim().split('\n').slice(1)
  const kept = quick ? rows.filter((l) => /^D(298|299|300),2023-04-25 /.test(l)) : rows
  const tracks = join(dir, 'kiel.csv')
  writeFileSync(tracks, `id,time,lat,lon\n${kept.join('\n')}\n`)
  const options = AssimilationOptions.parse(quick ? { stepHours: 2, pairs: 500, epochs: 2 } : {})
  const c0 = process.cpuUsage()
  const t0 = performance.now()
  const r = await runAssimilation({ tracksPath: tracks, outPath: join(dir, 'field.nc'), options }, silentContext())
  printLine({
    benchmark: 'assimilate',
    quick,
    ...machine(),
    drifters: r.drifters.length,
    samples: r.samples,
    stepHours: r.step.hours,
    phasesSeconds: r.timings,
    totalSeconds: +((performance.now() - t0) / 1000).toFixed(2),
    cpuSeconds: +cpuSecondsSince(c0).toFixed(2),
    skill: r.skill.map(({ method, rmse, ci, speedRatio, directionCosine }) => ({ method, rmse, ci, speedRatio, directionCosine })),
    best: r.best
  })
} finally {
  rmSync(dir, { recursive: true, force: true })
}
