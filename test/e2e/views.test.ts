/**
 * Charts that never go blank and figures that are what they claim, in real Chromium against the real engine:
 * every pair of views is visited during a training run and after a field was loaded, and every chart canvas
 * must then hold a drawing; every figure is exported as PNG and SVG and checked; a cancelled run leaves no
 * checkpoint, a paused one survives a reload; at 1024×700 no view scrolls sideways.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import { PNG } from 'pngjs'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { ARTIFACTS, startApp, type RunningApp } from './harness'
import { VIEWS } from '../../src-renderer/src/stores/settings-store'

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

async function waitForState(testid: string, states: string): Promise<string> {
  await page.waitForSelector(`[data-testid="${testid}"]:is(${states})`, { timeout: JOB_TIMEOUT })
  return (await page.getByTestId(testid).getAttribute('class')) ?? ''
}

async function go(view: string): Promise<void> {
  await page.getByTestId(`nav-${view}`).click()
  await page.getByTestId(`${view}-view`).waitFor()
}

/**
 * Every chart of the current view that has something to show, with the size of its canvas and how many
 * distinct colours it holds (a blank or collapsed chart has one colour or no pixels).
 */
async function chartPixels(): Promise<{ id: string; width: number; height: number; colours: number }[]> {
  return page.evaluate(() => {
    const out: { id: string; width: number; height: number; colours: number }[] = []
    const main = document.querySelector('main')!
    for (const el of main.querySelectorAll<HTMLElement>('[data-series]')) {
      if (el.dataset.series === '[]') continue
      const canvas = el.querySelector('canvas')
      const id = el.dataset.testid ?? '?'
      if (!canvas || !canvas.width || !canvas.height) {
        out.push({ id, width: canvas?.width ?? 0, height: canvas?.height ?? 0, colours: 0 })
        continue
      }
      const px = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data
      const seen = new Set<number>()
      for (let i = 0; i < px.length; i += 4 * 11) seen.add((px[i] << 16) | (px[i + 1] << 8) | px[i + 2])
      out.push({ id, width: canvas.width, height: canvas.height, colours: seen.size })
    }
    const gl = main.querySelector<HTMLCanvasElement>('[data-testid="three-canvas"][data-rendered]')
    if (gl) {
      const copy = document.createElement('canvas')
      copy.width = gl.width
      copy.height = gl.height
      const ctx = copy.getContext('2d')!
      ctx.drawImage(gl, 0, 0)
      const px = ctx.getImageData(0, 0, copy.width, copy.height).data
      const seen = new Set<number>()
      for (let i = 0; i < px.length; i += 4 * 11) seen.add((px[i] << 16) | (px[i + 1] << 8) | px[i + 2])
      out.push({ id: 'three-canvas', width: gl.width, height: gl.height, colours: seen.size })
    }
    return out
  })
}

/** Wait (briefly) until every chart of the view is drawn, then assert it. */
async function expectChartsDrawn(where: string): Promise<string[]> {
  let charts = await chartPixels()
  for (let i = 0; i < 20 && charts.some((c) => c.colours < 10); i++) {
    await page.waitForTimeout(100)
    charts = await chartPixels()
  }
  for (const c of charts) expect(c.colours, `${c.id} in ${where} (${c.width}×${c.height})`).toBeGreaterThanOrEqual(10)
  return charts.map((c) => c.id)
}

test('every pair of views, during a training run and after loading a field: every chart is drawn', async () => {
  await page.getByTestId('sim-name').fill('views')
  await page.getByTestId('sim-pairs').fill('64')
  await page.getByTestId('sim-steps').fill('1500')
  await page.getByTestId('sim-record').fill('50')
  await page.getByTestId('sim-start').click()
  expect(await waitForState('sim-progress', '.done, .error, .cancelled')).toContain('done')
  // a field loaded in Explore 3D must also show in Explore 2D (visited before, so kept alive meanwhile)
  await go('explore2d')
  await go('explore3d')
  await page.getByTestId('three-canvas').waitFor()
  await page.getByTestId('explore3d-load').click()
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="three-canvas"]')?.getAttribute('data-rendered') ?? 0) > 0, undefined, { timeout: 60_000 })
  // a long run (no early stop) that the tour below leaves and re-enters many times
  await go('train')
  await page.getByTestId('train-name').fill('tour')
  await page.getByTestId('train-epochs').fill('5000')
  await page.getByTestId('train-patience').fill('0')
  await page.getByTestId('train-batch').fill('16')
  await page.getByTestId('train-dim').fill('8')
  await page.getByTestId('train-start').click()
  await page.waitForFunction(() => (document.querySelector('[data-testid="chart-training"]')?.getAttribute('data-series') ?? '[]') !== '[]', undefined, { timeout: 60_000 })
  await go('data')
  const ids = VIEWS.map((v) => v.id)
  const seen = new Set<string>()
  for (const a of ids) {
    for (const b of ids) {
      if (a === b) continue
      await go(a)
      await go(b)
      for (const id of await expectChartsDrawn(`${b} after ${a}`)) seen.add(id)
    }
  }
  expect([...seen]).toEqual(expect.arrayContaining(['chart-preview', 'chart-training', 'chart-field', 'three-canvas']))
  // the run was live for the whole tour; Cancel discards it, checkpoint included
  await go('train')
  expect(await page.getByTestId('train-progress').getAttribute('class')).toContain('running')
  await page.getByTestId('train-cancel').click()
  expect(await waitForState('train-progress', '.done, .error, .cancelled')).toContain('cancelled')
  await expect.poll(() => existsSync(join(app.workspace, 'models', 'tour.checkpoint')), { timeout: 10_000 }).toBe(false)
  expect(await page.getByTestId('jobs-panel').innerText()).toContain('cancelled')
})

/** Click a chart's PNG or SVG button and return the saved workspace path (each save gets a new name). */
async function exportFigure(chart: string, format: 'png' | 'svg', before: string | null): Promise<string> {
  await page.getByTestId(`${chart}-${format}`).click()
  const status = page.getByTestId(`${chart}-saved`)
  const current = async () => ((await status.count()) ? await status.innerText() : '')
  // the status line still shows the previous save until this one is answered
  await expect.poll(async () => ((await current()) === before ? '' : current()), { timeout: 20_000 }).toMatch(new RegExp(`^Saved exports/[\\w.-]+\\.${format}$`))
  const text = await status.innerText()
  return text.replace(/^Saved /, '')
}

test('every figure exports as a PNG of its on-screen size with a drawing, and as an SVG that parses', async () => {
  mkdirSync(EXPORTS, { recursive: true })
  const checked: string[] = []
  for (const [view, charts] of [['data', ['chart-preview']], ['train', ['chart-training']], ['explore2d', ['chart-field']]] as const) {
    await go(view)
    for (const chart of charts) {
      await expectChartsDrawn(view)
      const box = await page.getByTestId(chart).evaluate((el) => ({ width: el.clientWidth, height: el.clientHeight }))
      const png = await exportFigure(chart, 'png', null)
      const file = join(app.workspace, png)
      copyFileSync(file, join(EXPORTS, basename(file)))
      const image = PNG.sync.read(readFileSync(file))
      // ECharts exports at twice the screen pixels
      expect([image.width, image.height]).toEqual([box.width * 2, box.height * 2])
      const colours = new Set<number>()
      for (let i = 0; i < image.data.length; i += 4 * 13) colours.add(image.data.readUInt32BE(i))
      expect(colours.size, `${png} colours`).toBeGreaterThan(10)
      // a second save never overwrites the first
      const again = await exportFigure(chart, 'png', `Saved ${png}`)
      expect(again).not.toBe(png)
      expect(existsSync(join(app.workspace, png))).toBe(true)
      const svg = await exportFigure(chart, 'svg', `Saved ${again}`)
      copyFileSync(join(app.workspace, svg), join(EXPORTS, basename(svg)))
      const text = readFileSync(join(app.workspace, svg), 'utf8')
      const parsed = await page.evaluate((t) => {
        const doc = new DOMParser().parseFromString(t, 'image/svg+xml')
        return { root: doc.documentElement.nodeName, errors: doc.getElementsByTagName('parsererror').length, width: doc.documentElement.getAttribute('width') }
      }, text)
      expect(parsed).toEqual({ root: 'svg', errors: 0, width: String(box.width) })
      checked.push(png, svg)
    }
  }
  expect(checked).toHaveLength(6)
})

test('a paused run shows as paused, survives a reload and resumes from its checkpoint', async () => {
  await go('train')
  await page.getByTestId('train-name').fill('paused')
  await page.getByTestId('train-start').click()
  await expect.poll(() => existsSync(join(app.workspace, 'models', 'paused.checkpoint', 'checkpoint.json')), { timeout: 60_000, interval: 100 }).toBe(true)
  await page.waitForFunction(() => (document.querySelector('[data-testid="chart-training"]')?.getAttribute('data-series') ?? '[]') !== '[]', undefined, { timeout: 60_000 })
  await page.getByTestId('train-pause').click()
  expect(await waitForState('train-progress', '.done, .error, .cancelled, .paused')).toContain('paused')
  await page.reload()
  await page.getByTestId('train-view').waitFor()
  await page.getByTestId('train-resume').waitFor()
  expect(await page.getByTestId('train-name').inputValue()).toBe('paused')
  // the curves of the paused run are still there after the reload
  expect(await page.getByTestId('chart-training').getAttribute('data-series')).not.toBe('[]')
  await page.getByTestId('train-resume').click()
  await expect.poll(async () => page.getByTestId('jobs-panel').innerText(), { timeout: 30_000 }).toContain('resume paused')
  expect(await waitForState('train-progress', '.running, .done')).toContain('running')
  await page.getByTestId('train-cancel').click()
  expect(await waitForState('train-progress', '.done, .error, .cancelled, .paused')).toContain('cancelled')
  await expect.poll(() => existsSync(join(app.workspace, 'models', 'paused.checkpoint')), { timeout: 10_000 }).toBe(false)
})

test('at 1024×700 no view scrolls sideways, the 3D key stays off the scene and the jobs panel folds away', async () => {
  await page.setViewportSize({ width: 1024, height: 700 })
  for (const v of VIEWS) {
    await go(v.id)
    await page.waitForTimeout(150)
    const overflow = await page.evaluate(() => {
      const main = document.querySelector('main')!
      return { page: document.documentElement.scrollWidth - window.innerWidth, main: main.scrollWidth - main.clientWidth }
    })
    expect(overflow, v.id).toEqual({ page: 0, main: 0 })
    if (v.id === 'explore3d') {
      // the colour key sits above the scene, never over it, and leaves the scene most of the card
      const box = await page.evaluate(() => {
        const legend = document.querySelector('[data-testid="three-legend"]')!.getBoundingClientRect()
        const scene = document.querySelector('[data-testid="three-canvas"]')!.getBoundingClientRect()
        return { legendBelowScene: legend.bottom > scene.top + 0.5, sceneHeight: scene.height, sceneBottom: scene.bottom }
      })
      expect(box.legendBelowScene).toBe(false)
      expect(box.sceneHeight).toBeGreaterThan(250)
      expect(box.sceneBottom).toBeLessThanOrEqual(700)
    }
    await app.screenshot(`small-${v.id}`)
  }
  await page.getByTestId('jobs-toggle').click()
  expect(await page.getByTestId('jobs-panel').evaluate((el) => el.getBoundingClientRect().width)).toBeLessThan(60)
  await page.setViewportSize({ width: 1360, height: 880 })
})

test('no page or console errors happened', () => {
  expect(app.errors).toEqual([])
})
