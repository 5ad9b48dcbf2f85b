/**
 * The real-drifter workflow in browser mode against the real engine: import a small cut of the Kiel Bight
 * drifters (GEOMAR, MIT licence), assimilate it with a tiny configuration, and read the map, the fitted prior,
 * the skill table against the baselines and the verdict.
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { ARTIFACTS, startApp, type RunningApp } from './harness'

let app: RunningApp
let page: Page

/** Three drifters over their first day, every 20 minutes: small enough to assimilate in seconds. */
function kielCut(): string {
  const lines = readFileSync(join(import.meta.dirname, '../../../shared/data/kiel-bight-2023/drifters_science.csv'), 'utf8').trim().split('\n')
  const keep = lines.slice(1).filter((l) => {
    const [id, time] = l.split(',')
    return ['D298', 'D299', 'D300'].includes(id) && time < '2023-04-25 08:00:00' && /:(00|20|40):00$/.test(time)
  })
  return [lines[0], ...keep].join('\n') + '\n'
}

/** Distinct colours in a canvas (every 7th pixel): a blank or one-colour canvas has very few. */
async function canvasColours(testid: string): Promise<number> {
  return page.evaluate((t) => {
    const c = document.querySelector(`[data-testid="${t}"] canvas`) as HTMLCanvasElement | null
    if (!c) return 0
    const px = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data
    const seen = new Set<number>()
    for (let i = 0; i < px.length; i += 4 * 7) seen.add((px[i] << 16) | (px[i + 1] << 8) | px[i + 2])
    return seen.size
  }, testid)
}

async function seriesIds(testid: string): Promise<string[]> {
  const s = JSON.parse((await page.getByTestId(testid).getAttribute('data-series')) ?? '[]') as { id: string; points: number }[]
  return s.filter((x) => x.points > 0).map((x) => x.id)
}

beforeAll(async () => {
  app = await startApp({ width: 1440, height: 900 })
  page = app.page
})

afterAll(async () => {
  await app?.close()
})

test('Assimilate: Kiel Bight drifters on the real map, the fitted prior, skill against the baselines and a verdict', async () => {
  await page.getByTestId('import-input').setInputFiles({ name: 'kiel-cut.csv', mimeType: 'text/csv', buffer: Buffer.from(kielCut()) })
  await page.getByTestId('import-summary').waitFor({ timeout: 120_000 })
  expect(await page.getByTestId('import-summary').innerText()).toContain('3 drifters')
  expect(await page.getByTestId('import-sampling').innerText()).toBe('every 20 min')

  await page.getByTestId('nav-assimilate').click()
  await page.getByTestId('assimilate-view').waitFor()
  await expect.poll(() => page.getByTestId('assimilate-tracks').inputValue(), { timeout: 30_000 }).toBe('tracks/kiel-cut.nc')
  await page.waitForFunction(() => (document.querySelector('[data-testid="assimilate-map"]')?.getAttribute('data-series') ?? '').includes('"id":"head-2"'), undefined, { timeout: 60_000 })
  expect(await page.getByTestId('assimilate-map-land').innerText()).toMatch(/^Natural Earth 1:10m land, \d+ polygons? in view$/)
  for (const id of ['D298', 'D299', 'D300']) expect(await page.getByTestId(`assimilate-drifter-${id}`).isChecked()).toBe(true)

  await page.getByTestId('assimilate-step').fill('1')
  await page.getByTestId('assimilate-grid').fill('16')
  await page.getByTestId('assimilate-pairs').fill('64')
  await page.getByTestId('assimilate-epochs').fill('1')
  await page.getByTestId('assimilate-start-run').click()
  await page.waitForSelector('[data-testid="assimilate-progress"]:is(.done, .error, .cancelled)', { timeout: 280_000 })
  const state = await page.getByTestId('assimilate-progress').getAttribute('class')
  if (!state?.includes('done')) throw new Error(`assimilation ended as "${state}": ${await page.getByTestId('assimilate-view').innerText()}`)

  // every baseline is scored on the same held-out samples, with an RMSE in m/s and its interval
  await page.getByTestId('assimilate-skill').waitFor()
  for (const m of ['zero', 'mean-of-others', 'nearest', 'inverse-distance', 'gp', 'helmholtz-gp']) {
    const row = await page.getByTestId(`skill-${m}`).innerText()
    expect(row).toMatch(/\d\.\d{3}\s+\d\.\d{3}–\d\.\d{3}/)
  }
  expect((await page.getByTestId('assimilate-verdict').innerText()).length).toBeGreaterThan(30)
  const prior = await page.getByTestId('assimilate-prior').innerText()
  expect(prior).toMatch(/m\/s/)
  expect(prior).toMatch(/km/)
  expect(prior).toMatch(/days/)
  expect(await page.getByTestId('assimilate-setup').innerText()).toMatch(/Window 2023-04-24 \d\d:\d\d UTC → 2023-04-2[45] \d\d:\d\d UTC/)

  // the map: land, graticule, drifters (and the posterior field once the engine writes it)
  await page.waitForTimeout(500)
  expect(await canvasColours('assimilate-map')).toBeGreaterThan(50)
  const ids = await seriesIds('assimilate-map')
  expect(ids).toEqual(expect.arrayContaining(['sea', 'graticule', 'domain', 'track-0', 'track-1', 'track-2']))
  // the georeferenced field is written, read back and drawn: speed cells with arrows, and the uncertainty panel
  expect(existsSync(join(app.workspace, 'exports', 'kiel-cut-field.nc'))).toBe(true)
  expect(await page.getByTestId('assimilate-field-file').innerText()).toContain('exports/kiel-cut-field.nc')
  await page.waitForFunction(() => (document.querySelector('[data-testid="assimilate-uncertainty"]')?.getAttribute('data-series') ?? '').includes('"id":"field-cells"'), undefined, { timeout: 30_000 })
  expect(await seriesIds('assimilate-map')).toEqual(expect.arrayContaining(['field-cells', 'field-arrows']))
  expect(await canvasColours('assimilate-uncertainty')).toBeGreaterThan(50)
  expect(await page.getByTestId('skill-driftclip').innerText()).toMatch(/Driftclip\s+\d\.\d{3}/)
  await page.getByTestId('assimilate-map').screenshot({ path: join(ARTIFACTS, 'assimilate-map.png') })
  // streamlines of the posterior mean instead of (or with) arrows, still drawn under the coast
  await page.getByTestId('assimilate-vectors').selectOption('both')
  await page.waitForFunction(() => {
    const s = JSON.parse(document.querySelector('[data-testid="assimilate-map"]')?.getAttribute('data-series') ?? '[]') as { id: string; points: number }[]
    return (s.find((x) => x.id === 'field-streamlines')?.points ?? 0) > 0
  }, undefined, { timeout: 30_000 })
  expect(await seriesIds('assimilate-map')).toEqual(expect.arrayContaining(['field-cells', 'field-arrows', 'field-streamlines']))
  await page.getByTestId('assimilate-map').screenshot({ path: join(ARTIFACTS, 'assimilate-map-streamlines.png') })
  await page.getByTestId('assimilate-vectors').selectOption('arrows')
  const height = await page.evaluate(() => document.querySelector('main')?.scrollHeight ?? 900)
  await page.setViewportSize({ width: 1440, height: Math.min(3200, Math.max(900, height + 40)) })
  await page.waitForTimeout(400)
  await app.screenshot('assimilate')
  // at 1024 × 700 the view fits without a horizontal scrollbar
  await page.setViewportSize({ width: 1024, height: 700 })
  await page.waitForTimeout(400)
  expect(await page.evaluate(() => { const m = document.querySelector('main')!; return m.scrollWidth - m.clientWidth })).toBeLessThanOrEqual(0)
  expect(app.errors).toEqual([])
})
