/**
 * The GUI end to end in browser mode against the real engine: simulate a small set, train a few epochs,
 * compare two variants, open both explorers, export NetCDF and read it back; a screenshot per view.
 */
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import h5wasm from 'h5wasm/node'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { ARTIFACTS, startApp, type RunningApp } from './harness'

let app: RunningApp
let page: Page
const JOB_TIMEOUT = 240_000
const EXPORTS = join(ARTIFACTS, 'exports')

beforeAll(async () => {
  app = await startApp()
  page = app.page
})

afterAll(async () => {
  await app?.close()
})

/** Screenshot the whole current view: grow the viewport to the view's scroll height first. */
async function shoot(name: string): Promise<void> {
  const height = await page.evaluate(() => document.querySelector('main')?.scrollHeight ?? 880)
  await page.setViewportSize({ width: 1360, height: Math.min(3200, Math.max(880, height + 40)) })
  await page.waitForTimeout(400)
  await app.screenshot(name)
  await page.setViewportSize({ width: 1360, height: 880 })
}

/** Wait until a job's progress bar reaches an end state; fail with the engine's message unless it is done. */
async function waitForJob(testid: string): Promise<void> {
  const bar = page.getByTestId(testid)
  await page.waitForSelector(`[data-testid="${testid}"]:is(.done, .error, .cancelled)`, { timeout: JOB_TIMEOUT })
  const state = await bar.getAttribute('class')
  if (!state?.includes('done')) {
    const jobs = await page.getByTestId('jobs-panel').innerText()
    throw new Error(`${testid} ended as "${state}": ${jobs}`)
  }
}

/** The series a chart holds (written by the chart panel as `data-series`). */
async function seriesOf(testid: string): Promise<{ id: string; name: string; type: string; points: number }[]> {
  return JSON.parse((await page.getByTestId(testid).getAttribute('data-series')) ?? '[]')
}

async function waitForSeries(testid: string, id: string): Promise<void> {
  await page.waitForFunction(
    ([t, i]) => (document.querySelector(`[data-testid="${t}"]`)?.getAttribute('data-series') ?? '').includes(`"id":"${i}"`),
    [testid, id] as const,
    { timeout: 60_000 }
  )
}

test('the shell shows the backend and mode, and every view is reachable by keyboard', async () => {
  await page.waitForFunction(() => /tensorflow|wasm|cpu/.test(document.querySelector('[data-testid="backend-status"]')?.textContent ?? ''))
  expect(await page.getByTestId('status-mode').innerText()).toBe('mode: browser')
  for (const [key, view] of [['2', 'train'], ['3', 'compare'], ['4', 'explore2d'], ['6', 'export'], ['1', 'data']]) {
    await page.keyboard.press(`Alt+${key}`)
    await page.getByTestId(`${view}-view`).waitFor()
  }
})

test('Data: simulate a small set; the preview shows its tracer paths', async () => {
  await page.getByTestId('sim-name').fill('e2e')
  await page.getByTestId('sim-pairs').fill('64')
  await page.getByTestId('sim-steps').fill('1500')
  await page.getByTestId('sim-record').fill('50')
  await page.getByTestId('sim-start').click()
  await waitForJob('sim-progress')
  await waitForSeries('chart-preview', 'start')
  const series = await seriesOf('chart-preview')
  expect(series.filter((s) => s.name === 'tracer path').length).toBeGreaterThan(0)
  expect(series.find((s) => s.id === 'end')?.points).toBeGreaterThan(0)
  await expect.poll(() => page.getByTestId('workspace-list').innerText()).toContain('datasets/e2e.nc')
  await shoot('data')
})

test('Data: import a drifter CSV; its units, problems and tracks are shown', async () => {
  const rows = ['ID,time,latitude,longitude,ve,vn', ',UTC,degrees_north,degrees_east,m/s,m/s']
  for (const [id, lat0, lon0] of [[101, 30, -60], [102, 31, -61]] as const) {
    for (let h = 0; h < 24; h++) rows.push(`${id},2020-01-01T${String(h).padStart(2, '0')}:00:00Z,${lat0 + h * 0.01},${lon0 + h * 0.02},0.5,0.3`)
  }
  await page.getByTestId('import-input').setInputFiles({ name: 'drifters.csv', mimeType: 'text/csv', buffer: Buffer.from(rows.join('\n') + '\n') })
  await page.getByTestId('import-summary').waitFor({ timeout: JOB_TIMEOUT })
  const summary = await page.getByTestId('import-summary').innerText()
  expect(summary).toContain('drifters.csv')
  expect(summary).toContain('2 drifters, 48 fixes')
  expect(await page.getByTestId('import-sampling').innerText()).toBe('every 1 h')
  expect(await page.getByTestId('import-extent').innerText()).toMatch(/^30\.00°N – 31\.23°N, 61\.00°W – 59\.54°W \(\d+ × \d+ km\)$/)
  expect(await page.getByTestId('import-kept').innerText()).toBe('id, time, lat, lon, ve, vn')
  // imported drifters are drawn on the map: one track per drifter, named by its id
  await waitForSeries('chart-map', 'head-1')
  expect((await seriesOf('chart-map')).filter((s) => s.id.startsWith('track-')).map((s) => s.name)).toEqual(['101', '102'])
  await shoot('data-import')
})

test('Train: a few epochs with live curves, then the model is listed', async () => {
  await page.getByTestId('nav-train').click()
  await page.getByTestId('train-name').fill('e2e-model')
  await page.getByTestId('train-epochs').fill('2')
  await page.getByTestId('train-batch').fill('16')
  await page.getByTestId('train-dim').fill('16')
  await page.getByTestId('train-start').click()
  await waitForJob('train-progress')
  await page.getByTestId('train-result').waitFor()
  expect(await page.getByTestId('train-result').innerText()).toContain('models/e2e-model')
  const curves = await seriesOf('chart-training')
  expect(curves.length).toBeGreaterThan(0)
  expect(curves.every((s) => s.type === 'line' && s.points > 0)).toBe(true)
  await shoot('train')
})

test('Compare: two variants give R@k bars, an RMSE table and small multiples', async () => {
  await page.getByTestId('nav-compare').click()
  await page.getByTestId('variant-0-epochs').fill('1')
  await page.getByTestId('variant-1-epochs').fill('1')
  await page.getByTestId('compare-start').click()
  await waitForJob('compare-progress')
  await waitForSeries('chart-recall', 'trajectoryToPotential-r1')
  const bars = (await seriesOf('chart-recall')).filter((s) => s.type === 'bar')
  expect(bars).toHaveLength(6)
  expect(bars.every((s) => s.points === 2)).toBe(true)
  expect(await page.getByTestId('rmse-table').locator('tbody tr').count()).toBeGreaterThanOrEqual(2)
  await waitForSeries('chart-multiples', 'variant-1-heat')
  await shoot('compare')
})

test('Explore 2D: truth, reconstruction, difference and tracer paths are drawn', async () => {
  await page.getByTestId('nav-explore2d').click()
  await page.getByTestId('explore2d-model').selectOption('models/e2e-model')
  await page.getByTestId('explore2d-load').click()
  await waitForSeries('chart-field', 'truth-heat')
  const ids = (await seriesOf('chart-field')).map((s) => s.id)
  expect(ids).toEqual(expect.arrayContaining(['truth-heat', 'reconstruction-heat', 'difference-heat', 'truth-arrows', 'truth-start', 'truth-end']))
  const heat = (await seriesOf('chart-field')).find((s) => s.id === 'truth-heat')
  expect(heat?.points).toBe(32 * 32)
  await page.getByTestId('frame-slider').fill('5')
  await expect.poll(async () => page.getByTestId('explore2d-view').innerText()).toContain('frame 6 /')
  await page.getByTestId('chart-field-png').click()
  await expect.poll(() => page.getByTestId('explore2d-view').innerText()).toContain('Saved exports/field-map')
  await page.getByTestId('chart-field-svg').click()
  await expect.poll(() => page.getByTestId('explore2d-view').innerText()).toMatch(/Saved exports\/field-map[\w-]*\.svg/)
  await shoot('explore2d')
  await page.getByTestId('explore2d-vectors').selectOption('streamlines')
  await waitForSeries('chart-field', 'truth-streamlines')
  expect((await seriesOf('chart-field')).find((s) => s.id === 'truth-streamlines')?.points).toBeGreaterThan(10)
  await shoot('explore2d-streamlines')
})

test('Explore 3D: the WebGL canvas draws tubes over the surface (non-uniform pixels)', async () => {
  await page.getByTestId('nav-explore3d').click()
  await page.getByTestId('three-canvas').waitFor()
  await page.getByTestId('explore3d-load').click()
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="three-canvas"]')?.getAttribute('data-rendered') ?? 0) > 0, undefined, { timeout: 60_000 })
  const colours = await page.evaluate(() => {
    const gl = document.querySelector('[data-testid="three-canvas"]') as HTMLCanvasElement
    const copy = document.createElement('canvas')
    copy.width = gl.width
    copy.height = gl.height
    const ctx = copy.getContext('2d')!
    ctx.drawImage(gl, 0, 0)
    const px = ctx.getImageData(0, 0, copy.width, copy.height).data
    const seen = new Set<number>()
    for (let i = 0; i < px.length; i += 4 * 7) seen.add((px[i] << 16) | (px[i + 1] << 8) | px[i + 2])
    return seen.size
  })
  expect(colours).toBeGreaterThan(50)
  await shoot('explore3d')
})

test('Export: every format (NetCDF with the chosen fields, CSV, GeoJSON, JSON) is written, listed, saved under test/artifacts/exports and reads back', async () => {
  await page.getByTestId('nav-export').click()
  await page.getByTestId('export-name').fill('e2e-export')
  for (const f of ['netcdf', 'csv', 'geojson', 'json']) await page.getByTestId(`export-format-${f}`).check()
  // leave the stream function out: the files must hold exactly the chosen fields
  await page.getByTestId('export-field-psi').uncheck()
  await page.getByTestId('export-start').click()
  await page.getByTestId('export-written').waitFor({ timeout: JOB_TIMEOUT })
  const written = await page.getByTestId('export-written').innerText()
  const files = [...written.matchAll(/exports\/[\w./-]+\.(nc|csv|geojson|json)/g)].map((m) => m[0])
  expect(files.every((f) => f.startsWith('exports/e2e-export/'))).toBe(true)
  expect(new Set(files.map((f) => f.split('.').pop()))).toEqual(new Set(['nc', 'csv', 'geojson', 'json']))
  await expect.poll(() => page.getByTestId('export-list').innerText()).toContain('exports/e2e-export')
  mkdirSync(EXPORTS, { recursive: true })
  for (const f of files) copyFileSync(join(app.workspace, f), join(EXPORTS, `e2e-export-${basename(f)}`))
  await h5wasm.ready
  for (const nc of files.filter((f) => f.endsWith('.nc'))) {
    const file = new h5wasm.File(join(app.workspace, nc), 'r')
    try {
      expect(file.keys()).toEqual(expect.arrayContaining(['u', 'v', 'vorticity', 'x', 'y', 'time']))
      expect(file.keys()).not.toContain('psi')
      expect(String(file.attrs.Conventions?.value)).toBe('CF-1.10')
    } finally {
      file.close()
    }
  }
  const text = (ext: string) => readFileSync(join(app.workspace, files.find((f) => f.endsWith(ext))!), 'utf8')
  const csv = text('.csv').trim().split('\n')
  expect(csv[0]).toMatch(/^id,time/)
  expect(csv.length).toBeGreaterThan(10)
  const geo = JSON.parse(text('.geojson')) as { type: string; features: { geometry: { type: string } }[] }
  expect(geo.type).toBe('FeatureCollection')
  expect(geo.features.length).toBeGreaterThan(0)
  const json = JSON.parse(text('.json')) as { rows: { time: number; velocityRmse: number | null }[] }
  expect(json.rows.length).toBeGreaterThan(1)
  expect(json.rows.every((r) => typeof r.velocityRmse === 'number' && r.velocityRmse > 0)).toBe(true)
  await shoot('export')
})

test('no page or console errors happened', () => {
  expect(app.errors).toEqual([])
})
