import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { Workspace } from '../../../src-main/engine/workspace'
import { writeAtomically } from '../../../src-main/engine/data/atomic'
import { readdirSync, existsSync } from 'node:fs'

describe('Workspace', () => {
  const root = mkdtempSync(join(tmpdir(), 'ws-'))
  const ws = new Workspace(root)

  test('creates its four folders', () => {
    expect(readdirSync(root).sort()).toEqual(['datasets', 'exports', 'models', 'tracks'])
  })

  test('resolves inside the root and refuses escapes', () => {
    expect(ws.resolve('datasets/a.nc')).toBe(join(root, 'datasets/a.nc'))
    expect(() => ws.resolve('../outside.nc')).toThrow(`"../outside.nc" is outside the workspace ${root}`)
    expect(() => ws.resolve('/etc/passwd')).toThrow('is outside the workspace')
  })

  test('lists files and skips hidden temporaries and training checkpoints', async () => {
    writeFileSync(join(root, 'exports', 'a.svg'), '<svg/>')
    writeFileSync(join(root, 'exports', '.b.svg.1.tmp'), 'partial')
    writeFileSync(join(root, 'exports', 'm.checkpoint'), 'kept for resume')
    const list = await ws.list('exports')
    expect(list.map((e) => [e.path, e.bytes])).toEqual([['exports/a.svg', 6]])
  })
})

describe('writeAtomically', () => {
  const dir = mkdtempSync(join(tmpdir(), 'atomic-'))

  test('a failed write leaves neither the file nor a temporary', async () => {
    const target = join(dir, 'field.nc')
    await expect(
      writeAtomically(target, (tmp) => {
        writeFileSync(tmp, 'half')
        throw new Error('disk full')
      })
    ).rejects.toThrow('disk full')
    expect(readdirSync(dir)).toEqual([])
  })

  test('a successful write replaces the old file whole', async () => {
    const target = join(dir, 'metrics.json')
    writeFileSync(target, 'old')
    await writeAtomically(target, (tmp) => writeFileSync(tmp, 'new'))
    expect(readdirSync(dir)).toEqual(['metrics.json'])
    expect(existsSync(target)).toBe(true)
  })
})
