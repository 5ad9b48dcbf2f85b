import { spawn } from 'node:child_process'
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { cancelReport } from '../../../src-main/cli'

describe('Ctrl+C in the CLI', () => {
  it('says what was kept and what was not', () => {
    expect(cancelReport([])).toBe('driftclip: cancelled; nothing was written')
    expect(cancelReport(['/w/a.nc'])).toBe('driftclip: cancelled; kept /w/a.nc (complete); the unfinished output was not written')
    expect(cancelReport(['/w/a.nc'], ['/w/.b.nc.7.1.tmp'])).toBe('driftclip: cancelled; kept /w/a.nc (complete); removed the unfinished /w/.b.nc.7.1.tmp')
  })

  it('a simulate interrupted while running exits 130, says so, and leaves no file or temporary', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sigint-'))
    try {
      const cli = join(import.meta.dirname, '../../../src-main/cli.ts')
      const child = spawn(process.execPath, ['--import', 'tsx', cli, 'simulate', '--pairs', '100000', '--out', join(dir, 'big.nc')], { stdio: ['ignore', 'pipe', 'pipe'] })
      let stderr = ''
      const code = await new Promise<number | null>((resolve) => {
        child.stderr.on('data', (c: Buffer) => {
          stderr += c.toString()
          if (/pairs/.test(stderr) && !child.killed) child.kill('SIGINT') // interrupt once the simulation runs
        })
        child.on('exit', (c) => resolve(c))
      })
      expect(stderr).toContain('driftclip: cancelled; nothing was written')
      expect(code).toBe(130)
      expect(readdirSync(dir)).toEqual([])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
