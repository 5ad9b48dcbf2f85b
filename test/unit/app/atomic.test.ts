import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { main } from '../../../src-main/cli'
import {
  checkTarget,
  interruptCleanup,
  removeStaleScratch,
  removeStaleTemporaries,
  scratchDir,
  writeAtomically,
  writeFileAtomic
} from '../../../src-main/engine/data/atomic'
import { CancelledError, UserError } from '../../../src-main/engine/jobs/job'

async function withDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'atomic-'))
  try {
    return await fn(dir)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

/** The pid of a process that has exited (as a killed run's would be). */
const deadPid = () => spawnSync(process.execPath, ['-e', '0']).pid!

function quietCli() {
  const err: string[] = []
  vi.spyOn(console, 'log').mockImplementation(() => {})
  vi.spyOn(console, 'error').mockImplementation((s: string) => void err.push(s))
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true)
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true)
  return err
}

afterEach(() => vi.restoreAllMocks())

describe('--out never deletes what the user did not ask to delete', () => {
  it.each([
    ['simulate', (out: string) => ['simulate', '--pairs', '2', '--steps', '20', '--record-every', '10', '--out', out]],
    ['import', (out: string, dir: string) => ['import', join(dir, 'd.csv'), '--out', out]],
    ['train', (out: string, dir: string) => ['train', '--data', join(dir, 'missing.nc'), '--out', out]]
  ])('%s --out EXISTING_FOLDER refuses with one line and leaves the folder as it was', async (_name, args) => {
    await withDir(async (dir) => {
      writeFileSync(join(dir, 'd.csv'), 'id,time,lat,lon\n1,2020-01-01T00:00:00Z,0,0\n1,2020-01-01T01:00:00Z,0,1\n')
      const precious = join(dir, 'thesis')
      mkdirSync(precious)
      writeFileSync(join(precious, 'chapter1.tex'), 'years of work')
      const err = quietCli()
      const code = await main(args(precious, dir))
      vi.restoreAllMocks()
      expect(code).toBe(1)
      expect(err).toHaveLength(1)
      expect(err[0]).toMatch(/^driftclip: .*thesis (is a folder|already exists)/)
      expect(readFileSync(join(precious, 'chapter1.tex'), 'utf8')).toBe('years of work')
    })
  })

  it('a symbolic link or a folder named as a file target is refused; an existing regular file is replaced', async () => {
    await withDir(async (dir) => {
      writeFileSync(join(dir, 'real.txt'), 'keep')
      symlinkSync(join(dir, 'real.txt'), join(dir, 'link.txt'))
      await expect(writeFileAtomic(join(dir, 'link.txt'), 'x')).rejects.toThrow(new UserError(`${join(dir, 'link.txt')} is a symbolic link; give the name of a file to write (nothing was written or deleted)`))
      await expect(writeFileAtomic(dir, 'x')).rejects.toThrow(/is a folder; give the name of a file to write/)
      expect(readFileSync(join(dir, 'real.txt'), 'utf8')).toBe('keep')
      await writeFileAtomic(join(dir, 'real.txt'), 'new')
      expect(readFileSync(join(dir, 'real.txt'), 'utf8')).toBe('new')
    })
  })

  it('a folder is replaced only with force and only when it holds the marker; the old one stays until the new one is complete', async () => {
    await withDir(async (dir) => {
      const out = join(dir, 'model')
      mkdirSync(out)
      writeFileSync(join(out, 'driftclip-model.json'), 'old')
      const target = { kind: 'folder', force: true, marker: 'driftclip-model.json' } as const
      await expect(checkTarget(out, { ...target, force: false })).rejects.toThrow(/already exists; pass --force to replace it/)
      await expect(checkTarget(dir, target)).rejects.toThrow(/is not a Driftclip output folder \(it has no driftclip-model.json\)/)
      // a write that fails leaves the old folder untouched
      await expect(writeAtomically(out, () => { throw new Error('disk full') }, target)).rejects.toThrow('disk full')
      expect(readFileSync(join(out, 'driftclip-model.json'), 'utf8')).toBe('old')
      await writeAtomically(out, (tmp) => {
        expect(readFileSync(join(out, 'driftclip-model.json'), 'utf8')).toBe('old') // still there while the new one is written
        mkdirSync(tmp)
        writeFileSync(join(tmp, 'driftclip-model.json'), 'new')
      }, target)
      expect(readFileSync(join(out, 'driftclip-model.json'), 'utf8')).toBe('new')
      expect(readdirSync(dir)).toEqual(['model'])
    })
  })
})

describe('temporaries never outlive their run', () => {
  it('a cancel during the final write leaves neither the file nor its temporary', async () => {
    await withDir(async (dir) => {
      const controller = new AbortController()
      const write = writeAtomically(join(dir, 'out.nc'), (tmp) => {
        writeFileSync(tmp, 'complete bytes')
        controller.abort() // the cancel arrives while the file is being finished
      }, { signal: controller.signal })
      await expect(write).rejects.toBeInstanceOf(CancelledError)
      expect(readdirSync(dir)).toEqual([])
    })
  })

  it('Ctrl+C removes the temporaries being written and says what was kept', async () => {
    await withDir(async (dir) => {
      await writeFileAtomic(join(dir, 'first.csv'), 'done')
      let report: ReturnType<typeof interruptCleanup> | undefined
      await writeAtomically(join(dir, 'second.nc'), (tmp) => {
        writeFileSync(tmp, 'half')
        report = interruptCleanup()
        throw new CancelledError()
      }).catch(() => {})
      expect(report!.removed).toHaveLength(1)
      expect(report!.removed[0]).toMatch(/\.second\.nc\.\d+\.\d+\.tmp$/)
      expect(report!.kept).toContain(join(dir, 'first.csv'))
      expect(readdirSync(dir).filter((n) => n.startsWith('.'))).toEqual([])
    })
  })

  it('stale temporaries of a killed run are removed by the next write; a folder moved aside is restored', async () => {
    await withDir(async (dir) => {
      const dead = deadPid()
      writeFileSync(join(dir, `.tracks.nc.${dead}.1.tmp`), 'partial')
      mkdirSync(join(dir, `.model.${dead}.2.old`))
      writeFileSync(join(dir, `.model.${dead}.2.old`, 'driftclip-model.json'), 'the only copy')
      writeFileSync(join(dir, `.live.nc.${process.pid}.3.tmp`), 'being written by us')
      await writeFileAtomic(join(dir, 'other.csv'), 'x')
      expect(readdirSync(dir).sort()).toEqual([`.live.nc.${process.pid}.3.tmp`, 'model', 'other.csv'])
      expect(readFileSync(join(dir, 'model', 'driftclip-model.json'), 'utf8')).toBe('the only copy')
      expect(await removeStaleTemporaries(dir)).toEqual([])
    })
  })

  it('scratch copies in the system temp folder are named by process, and a dead run\'s are removed', async () => {
    await withDir(async (root) => {
      mkdirSync(join(root, `driftclip-${deadPid()}-abc123`))
      mkdirSync(join(root, `driftclip-${process.pid}-xyz789`))
      mkdirSync(join(root, 'driftclip-notes'))
      expect(await removeStaleScratch(root)).toHaveLength(1)
      expect(readdirSync(root).sort()).toEqual(['driftclip-notes', `driftclip-${process.pid}-xyz789`].sort())
    })
    const mine = await scratchDir()
    expect(mine).toMatch(new RegExp(`driftclip-${process.pid}-[A-Za-z0-9]{6}$`))
    await rm(mine, { recursive: true })
    expect(existsSync(mine)).toBe(false)
  })
})
