/**
 * CSV import benchmark (`npm run bench:import [-- --quick]`): peak RSS of importing 1 M fixes (1,000 drifters × 1,000
 * hourly fixes, id,time,lat,lon,ve,vn, consistent velocities) from disk, streamed row by row, against the same file
 * read whole into memory (the GUI path), and the process's resting RSS with the modules loaded. Each run is its own
 * process. The limit is 500 MB (issue #13). Prints one JSON line.
 */
import { execFileSync } from 'node:child_process'
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { finished } from 'node:stream/promises'
import { machine, printLine, round } from './peers'

const quick = process.argv.includes('--quick')
const DRIFTERS = quick ? 100 : 1000
const FIXES = 1000
const LIMIT_MB = 500
const T0 = Date.UTC(2020, 0, 1)
const EARTH = 6.3781e6

/** A drifter moving 0.001° north and east per hour, with the matching ve/vn in m/s. */
async function writeCsv(path: string): Promise<void> {
  const out = createWriteStream(path)
  out.write('id,time,lat,lon,ve,vn\n')
  const dLat = 0.001
  for (let d = 0; d < DRIFTERS; d++) {
    const rows: string[] = []
    for (let k = 0; k < FIXES; k++) {
      const lat = 10 + d * 0.01 + k * dLat
      const vn = (dLat * Math.PI * EARTH) / 180 / 3600
      const ve = vn * Math.cos((lat * Math.PI) / 180)
      rows.push(`${300234060000000 + d},${new Date(T0 + k * 3600000).toISOString().slice(0, 19)}Z,${lat.toFixed(5)},${(-40 + k * dLat).toFixed(5)},${ve.toFixed(4)},${vn.toFixed(4)}`)
    }
    if (!out.write(`${rows.join('\n')}\n`)) await new Promise<void>((r) => out.once('drain', () => r()))
  }
  out.end()
  await finished(out)
}

function run(mode: string, file: string, out: string): { points: number; seconds: number; peakRssMB: number } {
  const child = join(import.meta.dirname, 'import-child.mjs')
  return JSON.parse(execFileSync(process.execPath, [child, mode, file, out], { encoding: 'utf8', maxBuffer: 1 << 20 }).trim().split('\n').pop() as string)
}

const dir = mkdtempSync(join(tmpdir(), 'driftclip-bench-import-'))
try {
  const file = join(dir, 'fixes.csv')
  await writeCsv(file)
  const resting = run('help', file, '')
  const streamed = run('stream', file, join(dir, 'a.nc'))
  const whole = run('bytes', file, join(dir, 'b.nc'))
  printLine({
    benchmark: 'import',
    ...machine(),
    fixes: DRIFTERS * FIXES,
    fileMB: round(statSync(file).size / 1048576, 1),
    restingRssMB: round(resting.peakRssMB, 0),
    streamed: { peakRssMB: round(streamed.peakRssMB, 0), seconds: round(streamed.seconds, 1), points: streamed.points },
    wholeFileInMemory: { peakRssMB: round(whole.peakRssMB, 0), seconds: round(whole.seconds, 1), points: whole.points },
    limitMB: LIMIT_MB,
    withinLimit: streamed.peakRssMB < LIMIT_MB
  })
} finally {
  rmSync(dir, { recursive: true, force: true })
}
