/**
 * The whole assimilation chain on a small cut of the real Kiel Bight drifters (3 drifters, one day, 2-hour step,
 * tiny training): the skill table's structure, the JSON/CSV files, the field's CF attributes as ncdump, xarray and
 * GDAL read them, and one clear error with nothing written for a bad input.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { main } from '../../../src-main/cli'
import { SKILL_METHODS, type AssimilationResult } from '../../../src-main/shared/deployment'
import { withTempDir } from '../drifters/fixtures'

const KIEL = join(import.meta.dirname, '../../../../shared/data/kiel-bight-2023/drifters_science.csv')

/** Three drifters over 25 April 2023 from the real science file, as id,time,lat,lon. */
function kielCut(): string {
  const lines = readFileSync(KIEL, 'utf8').split('\n').slice(1)
  const keep = lines.filter((l) => /^D(298|299|300),2023-04-25 /.test(l) && l.slice(16, 18) < '12')
  return `id,time,lat,lon\n${keep.join('\n')}\n`
}

function capture() {
  const out: string[] = []
  const err: string[] = []
  vi.spyOn(console, 'log').mockImplementation((s: string) => void out.push(s))
  vi.spyOn(console, 'error').mockImplementation((s: string) => void err.push(s))
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true)
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true)
  return { out, err }
}

const has = (cmd: string) => {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`])
    return true
  } catch {
    return false
  }
}

afterEach(() => vi.restoreAllMocks())

describe('driftclip assimilate on a cut of the Kiel Bight drifters', () => {
  let dir = ''
  let result: AssimilationResult
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'driftclip-assimilate-'))
    await writeFile(join(dir, 'kiel.csv'), kielCut())
    const { out } = capture()
    const code = await main(['assimilate', join(dir, 'kiel.csv'), '--out', join(dir, 'field.nc'), '--step', '2', '--pairs', '300', '--epochs', '2', '--grid', '16', '--samples', '2', '--json'])
    vi.restoreAllMocks()
    expect(code).toBe(0)
    result = JSON.parse(out.join('\n')) as AssimilationResult
  }, 300_000)
  afterAll(() => rm(dir, { recursive: true, force: true }))

  it('prints a skill row for every method on the same samples, with intervals, and names the winner', () => {
    expect(result.skill.map((r) => r.method)).toEqual([...SKILL_METHODS])
    const n = (r: AssimilationResult['skill'][number]) => r.perDrifter.reduce((s, d) => s + d.n, 0)
    for (const r of result.skill) {
      expect(r.ci[0]).toBeLessThanOrEqual(r.rmse + 1e-12)
      expect(r.ci[1]).toBeGreaterThanOrEqual(r.rmse - 1e-12)
      expect(r.perDrifter.map((d) => d.id)).toEqual(['D298', 'D299', 'D300'])
      expect(n(r)).toBe(n(result.skill[0]))
    }
    const zero = result.skill.find((r) => r.method === 'zero')!
    expect(zero.speedRatio).toBe(0)
    const best = [...result.skill].sort((a, b) => a.rmse - b.rmse)[0]
    expect(result.best).toBe(best.method)
    expect(result.verdict).toContain(`${best.method} wins`)
    expect(result.verdict).toMatch(/Driftclip (beats every baseline|LOSES)/)
    // drifters moving together: every method but the zero field is far better than it
    for (const r of result.skill.filter((x) => x.method !== 'zero')) expect(r.rmse).toBeLessThan(zero.rmse / 3)
    expect(result.prior.find((p) => p.name === 'inertial period')!.value).toBeCloseTo(0.613, 2) // 2π/f at 54.4°N
    expect(result.choices.some((c) => c.startsWith('window:'))).toBe(true)
  })

  it('writes the skill table as JSON and CSV next to the field', () => {
    const json = JSON.parse(readFileSync(join(dir, 'field.skill.json'), 'utf8'))
    expect(Object.keys(json)).toEqual(['skill', 'best', 'verdict'])
    expect(json.skill.map((r: { method: string }) => r.method)).toContain('driftclip')
    const csv = readFileSync(join(dir, 'field.skill.csv'), 'utf8').split('\n')
    expect(csv[0]).toBe('method,drifter,rmse_m_s,ci_low,ci_high,speed_ratio,direction_cosine,samples')
    expect(csv.some((l) => l.startsWith('driftclip,all,'))).toBe(true)
  })

  it('writes a georeferenced CF-1.10 field that ncdump reads', () => {
    const header = execFileSync('ncdump', ['-h', join(dir, 'field.nc')], { encoding: 'utf8' })
    for (const attr of [
      ':Conventions = "CF-1.10"',
      'crs:grid_mapping_name = "azimuthal_equidistant"',
      'u:standard_name = "eastward_sea_water_velocity"',
      'v:standard_name = "northward_sea_water_velocity"',
      'u:ancillary_variables = "u_std"',
      'u:grid_mapping = "crs"',
      'u:coordinates = "lat lon"',
      'x:units = "m"',
      'x:standard_name = "projection_x_coordinate"',
      'lat:standard_name = "latitude"',
      'land_mask:flag_meanings = "water land"',
      ':drifters = "D298,D299,D300"'
    ])
      expect(header).toContain(attr)
    expect(header).toMatch(/crs:crs_wkt = "PROJCS\[/)
    expect(header).toMatch(/:history = ".*driftclip assimilate/)
  })

  it.skipIf(!existsSync('/usr/bin/python3'))('opens in xarray with lat/lon coordinates near the deployment', () => {
    const script = `import xarray as xr, json
d = xr.open_dataset(${JSON.stringify(join(dir, 'field.nc'))})
print(json.dumps({"dims": dict(d.sizes), "coords": sorted(d.coords), "lat": float(d.lat.mean()), "lon": float(d.lon.mean()), "gm": d.u.attrs.get("grid_mapping")}))`
    let out: { dims: Record<string, number>; coords: string[]; lat: number; lon: number; gm: string }
    try {
      out = JSON.parse(execFileSync('/usr/bin/python3', ['-c', script], { encoding: 'utf8' }))
    } catch (err) {
      if (String(err).includes('No module named')) return // xarray not installed here
      throw err
    }
    expect(out.coords).toEqual(expect.arrayContaining(['lat', 'lon', 'time', 'x', 'y']))
    expect(out.gm).toBe('crs')
    expect(out.lat).toBeGreaterThan(54.3)
    expect(out.lat).toBeLessThan(54.6)
    expect(out.lon).toBeGreaterThan(10.2)
    expect(out.lon).toBeLessThan(10.9)
  })

  it.skipIf(!has('gdalinfo'))('is placed by GDAL: corner coordinates around Kiel Bight', () => {
    const info = execFileSync('gdalinfo', [`NETCDF:"${join(dir, 'field.nc')}":u`], { encoding: 'utf8' })
    expect(info).toMatch(/Azimuthal Equidistant/i)
    const centre = /Center\s+\([^)]*\)\s+\(\s*(\d+)d\s*(\d+)'\s*[\d.]+"E,\s*(\d+)d\s*(\d+)'\s*[\d.]+"N\)/.exec(info)
    expect(centre).not.toBeNull()
    const lon = Number(centre![1]) + Number(centre![2]) / 60
    const lat = Number(centre![3]) + Number(centre![4]) / 60
    expect(Math.abs(lon - result.projection.centre.lon)).toBeLessThan(0.3)
    expect(Math.abs(lat - result.projection.centre.lat)).toBeLessThan(0.2)
  })

  it('cancel during the GP fits stops the job and writes nothing', async () => {
    const { runAssimilation } = await import('../../../src-main/engine/assimilate/deployment/run')
    const { AssimilationOptions } = await import('../../../src-main/shared/deployment')
    const controller = new AbortController()
    const out = join(dir, 'cancelled.nc')
    const ctx = { signal: controller.signal, log: () => {}, progress: (p: { message?: string }) => p.message?.startsWith('GP') && controller.abort() }
    await expect(runAssimilation({ tracksPath: join(dir, 'kiel.csv'), outPath: out, options: AssimilationOptions.parse({ stepHours: 2 }) }, ctx)).rejects.toThrow('cancelled')
    expect(existsSync(out)).toBe(false)
  })

  it('bad input: exit 1, one line naming the file and what to change, nothing written', async () => {
    await withTempDir(async (d) => {
      await writeFile(join(d, 'one.csv'), 'id,time,lat,lon\na,2023-04-25T00:00:00Z,54.5,10.5\na,2023-04-25T01:00:00Z,54.51,10.5\na,2023-04-25T02:00:00Z,54.52,10.5\n')
      const { err } = capture()
      const code = await main(['assimilate', join(d, 'one.csv'), '--out', join(d, 'f.nc')])
      vi.restoreAllMocks()
      expect(code).toBe(1)
      expect(err).toHaveLength(1)
      expect(err[0]).toMatch(/^driftclip: one\.csv: .*at least 2 drifters.*choose/)
      expect(await readdir(d)).toEqual(['one.csv'])
    })
  })
})
