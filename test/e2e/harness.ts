/**
 * Browser-mode harness for end-to-end tests: starts the built app's server on 127.0.0.1 with a fresh
 * workspace, opens Debian's Chromium with playwright-core, and records every page or console error.
 */
import { fileURLToPath } from 'node:url'
import { mkdirSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type Browser, type Page } from 'playwright-core'

export const ARTIFACTS = fileURLToPath(new URL('../artifacts', import.meta.url))
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

export interface RunningApp {
  page: Page
  url: string
  workspace: string
  /** Page errors and console errors seen so far; a test ends by asserting it is empty. */
  errors: string[]
  /** Save a full-page PNG under test/artifacts/ and return its path. */
  screenshot(name: string): Promise<string>
  close(): Promise<void>
}

/** Console noise from headless Chromium itself, not from the app. */
const IGNORED = [/GPU stall due to ReadPixels/, /Automatic fallback to software WebGL/]

export async function startApp(opts: { width?: number; height?: number; colorScheme?: 'light' | 'dark' } = {}): Promise<RunningApp> {
  // the built server module (out/main/serve.js) is what `npm run serve` runs
  const serveModule = fileURLToPath(new URL('../../out/main/serve.js', import.meta.url))
  const { startServer } = (await import(serveModule)) as typeof import('../../src-main/serve')
  const workspace = mkdtempSync(join(tmpdir(), 'driftclip-e2e-'))
  const server = await startServer({ workspace })
  const browser: Browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // WebGL works through ANGLE/SwiftShader with --disable-gpu; never pass --use-gl=swiftshader
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--no-first-run', '--disable-sync', '--disable-quic']
  })
  const page = await browser.newPage({
    viewport: { width: opts.width ?? 1360, height: opts.height ?? 880 },
    colorScheme: opts.colorScheme ?? 'light'
  })
  const errors: string[] = []
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`))
  page.on('console', (m) => {
    if (m.type() === 'error' && !IGNORED.some((r) => r.test(m.text()))) errors.push(`console: ${m.text()}`)
  })
  await page.goto(server.url)
  mkdirSync(ARTIFACTS, { recursive: true })
  return {
    page,
    url: server.url,
    workspace,
    errors,
    async screenshot(name) {
      const path = join(ARTIFACTS, `${name}.png`)
      await page.screenshot({ path, fullPage: true })
      return path
    },
    async close() {
      await browser.close()
      await server.close()
    }
  }
}
