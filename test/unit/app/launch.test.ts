import { existsSync } from 'node:fs'
import { describe, expect, test, vi } from 'vitest'
import { findElectron, missingDisplay } from '../../../src-main/launch'
import { main } from '../../../src-main/cli'

describe('npm start decides between a window and the browser', () => {
  test('no display on Linux is named; other platforms always have one', () => {
    expect(missingDisplay({}, 'linux')).toBe('there is no display (DISPLAY and WAYLAND_DISPLAY are not set)')
    expect(missingDisplay({ DISPLAY: ':99' }, 'linux')).toBeUndefined()
    expect(missingDisplay({ WAYLAND_DISPLAY: 'wayland-0' }, 'linux')).toBeUndefined()
    expect(missingDisplay({}, 'darwin')).toBeUndefined()
  })

  test('the Electron binary is either found on disk or its absence explained', () => {
    const found = findElectron()
    if ('path' in found) expect(existsSync(found.path)).toBe(true)
    else expect(found.reason).toMatch(/^(the Electron binary is not installed|Electron is not installed)/)
  })
})

describe('CLI exit codes', () => {
  test('help is exit 0 and lists every command; an unknown command is exit 1 with one line naming the known ones', async () => {
    const out = vi.spyOn(console, 'log').mockImplementation(() => {})
    const err = vi.spyOn(console, 'error').mockImplementation(() => {})
    try {
      expect(await main(['--help'])).toBe(0)
      expect(String(out.mock.calls[0][0])).toMatch(/simulate[\s\S]*import[\s\S]*train[\s\S]*demo/)
      expect(await main(['frobnicate'])).toBe(1)
      expect(err.mock.calls).toEqual([
        ['driftclip: unknown command "frobnicate"; known commands: simulate, import, train, evaluate, compare, demo, gp-experiment, assimilate, reproduce, benchmark-da, export-tracks']
      ])
    } finally {
      out.mockRestore()
      err.mockRestore()
    }
  })
})
