/**
 * The first-run path in browser mode against the real engine: "Run the demo" on a fresh workspace simulates,
 * trains and compares the embedded demo (quick), then lands in Explore 2D with the best variant's reconstruction
 * drawn: every chart canvas there has non-uniform pixels.
 */
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { startApp, type RunningApp } from './harness'

let app: RunningApp
let page: Page

beforeAll(async () => {
  app = await startApp({ width: 1440, height: 900 })
  page = app.page
})

afterAll(async () => {
  await app?.close()
})

/** Distinct colours in a chart's canvas (every 11th pixel): a blank chart has one. */
async function canvasColours(testid: string): Promise<number> {
  return page.evaluate((t) => {
    const c = document.querySelector(`[data-testid="${t}"] canvas`) as HTMLCanvasElement | null
    if (!c || !c.width || !c.height) return 0
    const px = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data
    const seen = new Set<number>()
    for (let i = 0; i < px.length; i += 4 * 11) seen.add((px[i] << 16) | (px[i + 1] << 8) | px[i + 2])
    return seen.size
  }, testid)
}

test('Run the demo: lands in Explore 2D with the best reconstruction drawn, and Compare holds the comparison', async () => {
  await page.getByTestId('data-view').waitFor()
  await page.getByTestId('demo-run').click()
  await page.waitForSelector('[data-testid="demo-progress"]:is(.done, .error, .cancelled)', { timeout: 290_000 })
  const state = await page.getByTestId('demo-progress').getAttribute('class')
  if (!state?.includes('done')) throw new Error(`the demo ended as "${state}": ${await page.getByTestId('jobs-panel').innerText()}`)
  // the user lands in Explore 2D, with the demo's data set and its best model chosen
  await page.getByTestId('explore2d-view').waitFor({ timeout: 30_000 })
  await page.waitForFunction(() => (document.querySelector('[data-testid="chart-field"]')?.getAttribute('data-series') ?? '').includes('"id":"reconstruction-heat"'), undefined, { timeout: 60_000 })
  const series = JSON.parse((await page.getByTestId('chart-field').getAttribute('data-series')) ?? '[]') as { id: string; points: number }[]
  expect(series.find((s) => s.id === 'reconstruction-heat')?.points).toBeGreaterThan(100)
  expect(series.find((s) => s.id === 'truth-heat')?.points).toBeGreaterThan(100)
  expect(await page.getByTestId('explore2d-model').inputValue()).toMatch(/models\//)
  await expect.poll(() => canvasColours('chart-field'), { timeout: 10_000 }).toBeGreaterThan(50)
  await expect.poll(() => canvasColours('chart-rmse-frames'), { timeout: 10_000 }).toBeGreaterThan(10)
  await app.screenshot('demo-explore2d')
  // the comparison the demo ran is in Compare: three variants with R@k bars
  await page.getByTestId('nav-compare').click()
  await page.waitForFunction(() => (document.querySelector('[data-testid="chart-recall"]')?.getAttribute('data-series') ?? '').includes('"id":"trajectoryToPotential-r1"'), undefined, { timeout: 30_000 })
  expect(await page.getByTestId('rmse-table').locator('tbody tr').count()).toBeGreaterThanOrEqual(3)
  expect(await canvasColours('chart-recall')).toBeGreaterThan(10)
  expect(app.errors).toEqual([])
})
