import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { Workspace } from '../../../src-main/engine/workspace'
import { writeAtomically } from '../../../src-main/engine/data/atomic'
import { readdirSync, existsSync, symlinkSync } from 'node:fs'

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

describe('Workspace links', () => {
  const outside = mkdtempSync(join(tmpdir(), 'outside-'))
  writeFileSync(join(outside, 'secret.txt'), 'first line of a system file')
  const root = mkdtempSync(join(tmpdir(), 'ws-links-'))
  const ws = new Workspace(root)
  writeFileSync(join(root, 'datasets', 'real.nc'), 'data')
  symlinkSync(join(root, 'datasets', 'real.nc'), join(root, 'datasets', 'alias.nc'))
  symlinkSync(join(outside, 'secret.txt'), join(root, 'datasets', 'leak.nc'))
  symlinkSync(outside, join(root, 'tracks', 'elsewhere'))
  symlinkSync(join(root, 'datasets', 'gone.nc'), join(root, 'datasets', 'dangling.nc'))

  test('a link that stays inside is followed; one that leaves, directly or through a linked folder, is refused', () => {
    expect(ws.resolve('datasets/alias.nc')).toBe(join(root, 'datasets', 'alias.nc'))
    const refused = (rel: string) => `"${rel}" is a symbolic link leading outside the workspace ${root}; links that leave the workspace are refused`
    expect(() => ws.resolve('datasets/leak.nc')).toThrow(refused('datasets/leak.nc'))
    expect(() => ws.resolve('tracks/elsewhere/secret.txt')).toThrow(refused('tracks/elsewhere/secret.txt'))
    expect(() => ws.resolve('tracks/elsewhere/new.nc')).toThrow(refused('tracks/elsewhere/new.nc'))
  })

  test('a dangling or escaping link is skipped with a note, and the rest is still listed', async () => {
    const notes: string[] = []
    const list = await ws.list('datasets', notes)
    expect(list.map((e) => e.path).sort()).toEqual(['datasets/alias.nc', 'datasets/real.nc'])
    expect(notes.sort()).toEqual(['datasets/dangling.nc: a broken symbolic link, skipped', 'datasets/leak.nc: a symbolic link leading outside the workspace, skipped'])
  })
})
