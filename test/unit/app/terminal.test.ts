import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { main } from '../../../src-main/cli'
import { capQuotes, oneLine, printable, quote } from '../../../src-main/shared/text'
import { withTempDir } from '../drifters/fixtures'

function captureAll() {
  const chunks: string[] = []
  const keep = (s: unknown) => void chunks.push(String(s))
  vi.spyOn(console, 'log').mockImplementation(keep)
  vi.spyOn(console, 'error').mockImplementation(keep)
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => (keep(s), true))
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => (keep(s), true))
  return chunks
}

afterEach(() => vi.restoreAllMocks())

describe('text from data never drives the terminal', () => {
  it('escapes ANSI/OSC sequences, newlines and bidi overrides; cuts long quotes', () => {
    expect(oneLine('a\u001b]0;pwned\u0007b\nwrote /etc/passwd\u202e')).toBe('a\\e]0;pwned\\u{7}b\\nwrote /etc/passwd\\u{202e}')
    expect(printable('table\n\u001b[2Jrow')).toBe('table\n\\e[2Jrow')
    expect(quote('x'.repeat(100))).toBe(`"${'x'.repeat(80)}… (20 more characters)"`)
    expect(capQuotes(`lat "${'9'.repeat(90)}" is not a number; time "ok"`)).toBe(`lat "${'9'.repeat(80)}… (10 more characters)" is not a number; time "ok"`)
  })

  it('drifter ids with escapes and newlines are printed escaped: no cleared screen, no forged line', async () => {
    await withTempDir(async (dir) => {
      const evil = 'A\u001b[2J\u001b]0;owned\u0007\nwrote /etc/passwd'
      const rows = [0, 1, 2].map((h) => `"${evil}",2020-01-01T0${h}:00:00Z,54.${h},10.${h}`)
      await writeFile(join(dir, 'evil.csv'), ['id,time,lat,lon', ...rows].join('\n') + '\n')
      const out = captureAll()
      const code = await main(['import', join(dir, 'evil.csv'), '--out', join(dir, 't.nc')])
      vi.restoreAllMocks()
      expect(code).toBe(0)
      const text = out.join('')
      expect(text).not.toContain('\u001b[2J')
      expect(text).not.toContain('\u001b]')
      expect(text.split('\n').some((l) => l.startsWith('wrote /etc/passwd'))).toBe(false)
      expect(text).toContain('drifter A\\e[2J\\e]0;owned\\u{7}\\nwrote /etc/passwd')
    })
  })

  it('an error quoting a huge bad value is one short line', async () => {
    await withTempDir(async (dir) => {
      const huge = '7'.repeat(1000) + 'x'.repeat(1_000_000)
      await writeFile(join(dir, 'huge.csv'), `id,time,lat,lon\n1,2020-01-01T00:00:00Z,${huge},0\n1,2020-01-01T01:00:00Z,0,1\n`)
      const out = captureAll()
      const code = await main(['import', join(dir, 'huge.csv'), '--out', join(dir, 't.nc')])
      vi.restoreAllMocks()
      expect(code).toBe(1)
      const errors = out.filter((s) => s.startsWith('driftclip:'))
      expect(errors).toHaveLength(1)
      expect(errors[0].length).toBeLessThan(400)
      expect(errors[0]).toMatch(/^driftclip: huge\.csv: line 2: .*"7{80}… \(\d+ more characters\)"/)
    })
  })
})
