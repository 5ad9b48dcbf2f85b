/**
 * The real desktop app through Playwright's Electron driver. Runs only where an Electron binary and a
 * display exist; elsewhere it is skipped and says why (this CI machine cannot download Electron).
 */
import { fileURLToPath } from 'node:url'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { _electron as electron } from 'playwright-core'
import { expect, test } from 'vitest'
import { findElectron, missingDisplay } from '../../src-main/launch'
import { ARTIFACTS } from './harness'

const binary = findElectron()
const why = 'reason' in binary ? binary.reason : missingDisplay()
if (why) console.log(`electron e2e skipped: ${why}`)

test.skipIf(Boolean(why))('the desktop window opens on the shell with the tensor backend shown', async () => {
  const app = await electron.launch({
    executablePath: 'path' in binary ? binary.path : undefined,
    args: [fileURLToPath(new URL('../..', import.meta.url)), '--no-sandbox'],
    env: { ...process.env, HOME: mkdtempSync(join(tmpdir(), 'driftclip-home-')) }
  })
  try {
    const win = await app.firstWindow()
    await win.waitForSelector('[data-testid="backend-status"]')
    expect(await win.title()).toBe('Driftclip')
    expect(await win.textContent('[data-testid="backend-status"]')).toMatch(/tensorflow|wasm|cpu/)
    const isolated = await win.evaluate(() => typeof (window as unknown as { require?: unknown }).require === 'undefined')
    expect(isolated).toBe(true)
    await win.screenshot({ path: join(ARTIFACTS, 'electron-shell.png') })
  } finally {
    await app.close()
  }
})
