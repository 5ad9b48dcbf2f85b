/** The quality report: sampling interval, gaps with their length, stationary (grounded) periods, off-water fixes. */
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { importDrifterFile } from '../../../src-main/engine/data/drifters/import'
import { trackQuality } from '../../../src-main/engine/data/drifters/quality'
import { isoTime } from '../../../src-main/engine/data/drifters/time'
import { readTracksNetcdf } from '../../../src-main/engine/data/tracks'
import { silentContext } from '../../../src-main/engine/jobs/job'
import { bytes, withTempDir } from './fixtures'

const T0 = Date.UTC(2020, 0, 1) / 1000
const H = 3600
/** Degrees of latitude per hour at 0.2 m/s. */
const DRIFT = (0.2 * H) / 111_195

/** A 6-hourly drifter: 20 fixes drifting north, a 354 h gap, 20 more, then 12 days grounded (fixes within metres). */
function gdpLike(): string {
  const rows: string[] = []
  let t = T0
  let lat = 10
  const fix = () => rows.push(`7,${isoTime(t)},${lat.toFixed(6)},-40`)
  for (let k = 0; k < 20; k++, t += 6 * H, lat += 6 * DRIFT) fix()
  t += 354 * H - 6 * H
  for (let k = 0; k < 20; k++, t += 6 * H, lat += 6 * DRIFT) fix()
  const grounded = lat
  for (let k = 0; k < 48; k++, t += 6 * H) {
    lat = grounded + (k % 2) * 0.0002
    fix()
  }
  return `id,time,lat,lon\n${rows.join('\n')}\n`
}

describe('quality report', () => {
  it('finds the sampling interval, a 354 h gap and a 12-day grounding, in the summary and the track file', async () => {
    await withTempDir(async (dir) => {
      const out = join(dir, 't.nc')
      const s = await importDrifterFile('gdp.csv', bytes(gdpLike()), out, silentContext())
      const q = s.quality?.[0]
      expect(q?.samplingSeconds).toBe(6 * H)
      expect(q?.gaps).toEqual([{ start: '2020-01-05T18:00:00Z', end: '2020-01-20T12:00:00Z', hours: 354 }])
      expect(q?.stationary).toHaveLength(1)
      expect(q?.stationary[0]).toMatchObject({ hours: 282, fixes: 48 })
      expect(s.perDrifter?.[0]).toMatchObject({ samplingSeconds: 6 * H, gaps: 1, longestGapHours: 354 })
      expect(s.problems.map((p) => p.message)).toContain('1 gap in the track (longest 354 h, 2020-01-05T18:00:00Z → 2020-01-20T12:00:00Z; sampling every 6 h)')
      const back = await readTracksNetcdf(out)
      expect(String(back.attributes?.quality_report)).toMatch(/^drifter 7: sampling 21600 s; gaps 2020-01-05T18:00:00Z\/2020-01-20T12:00:00Z \(354 h\); stationary /)
    })
  })

  it('a raw GPS log: harbour and ship transit before release, and pick-up after, are found and trimmed on request', async () => {
    // 10-minute fixes: 2 days on the quay, 1 h at 6 m/s to the release point, 2 days drifting at 0.2 m/s, 1 h back at 6 m/s.
    const rows: string[] = []
    let t = T0
    let lat = 54.33
    const push = (n: number, dLat: number) => {
      for (let k = 0; k < n; k++, t += 600, lat += dLat) rows.push(`301,${isoTime(t)},${lat.toFixed(6)},10.15`)
    }
    push(288, 0)
    push(6, (6 * 600) / 111_195)
    push(288, (0.2 * 600) / 111_195)
    push(6, -(6 * 600) / 111_195)
    const d = { id: '301', time: Float64Array.from(rows, (_, i) => T0 + i * 600), lat: Float64Array.from(rows, (r) => Number(r.split(',')[2])), lon: new Float64Array(rows.length).fill(10.15) }
    const q = trackQuality(d)
    // The ship's arrival is resolved to the half-hour speed window: within a fix or two of fix 294.
    const before = q.beforeRelease?.fixes ?? 0
    expect(before).toBeGreaterThanOrEqual(292)
    expect(before).toBeLessThanOrEqual(294)
    expect(q.beforeRelease).toEqual({ fixes: before, start: isoTime(T0), end: isoTime(T0 + (before - 1) * 600) })
    expect(q.afterRecovery?.fixes).toBeGreaterThanOrEqual(6)
    expect(q.afterRecovery?.fixes).toBeLessThanOrEqual(9)
    await withTempDir(async (dir) => {
      const csv = bytes(`id,time,lat,lon\n${rows.join('\n')}\n`)
      const kept = await importDrifterFile('raw.csv', csv, join(dir, 'a.nc'), silentContext())
      expect(kept.points).toBe(rows.length)
      expect(kept.problems.map((p) => p.message)).toContain(`${before} fixes before release (${isoTime(T0)} → ${isoTime(T0 + (before - 1) * 600)}: stationary or at ship speed) kept (import with --trim to leave them out)`)
      const trimmed = await importDrifterFile('raw.csv', csv, join(dir, 'b.nc'), silentContext(), { trim: true })
      expect(trimmed.points).toBe(rows.length - before - (q.afterRecovery?.fixes ?? 0))
      expect(trimmed.timeStart).toBe(isoTime(T0 + before * 600))
    })
  })
})
