/**
 * Write files so that a failure, cancel or Ctrl+C never leaves a half-written file and never destroys one the user
 * did not ask to replace: check the target, write a temporary sibling, then rename it into place.
 */
import { existsSync, rmSync } from 'node:fs'
import { lstat, mkdir, mkdtemp, readdir, rename, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, dirname, join } from 'node:path'
import { throwIfCancelled, UserError } from '../jobs/job'

let counter = 0
/** Temporaries being written by this process (removed on error, cancel or Ctrl+C). */
const live = new Set<string>()
/** Outputs this process completed (for "Ctrl+C kept …"). */
const completed: string[] = []
/** `temporary`: removed if the writer is stopped; `cancel`: an output kept for resume, removed only on a cancel (not a pause). */
export type TemporaryKind = 'temporary' | 'cancel'
let watcher: ((path: string, live: boolean, kind: TemporaryKind) => void) | undefined

/** Be told of each temporary as it starts and ends (an engine worker tells its host, which removes them if it must stop the worker). */
export function watchTemporaries(listener: (path: string, live: boolean, kind: TemporaryKind) => void): void {
  watcher = listener
}

/** Declare `path` (e.g. a training checkpoint) as discarded when its job is cancelled, even if its worker must be stopped. */
export function discardOnCancel(path: string, live = true): void {
  watcher?.(path, live, 'cancel')
}

/** `.NAME.PID.N.tmp` (being written) and `.NAME.PID.N.old` (a replaced folder not yet deleted). */
const TEMP_NAME = /^\.(.+)\.(\d+)\.\d+\.(tmp|old)$/
/** Scratch folders in the system temp folder: `driftclip-PID-XXXXXX`. */
const SCRATCH_NAME = /^driftclip-(\d+)-[A-Za-z0-9]{6}$/

/** A temporary sibling of `finalPath` (same folder, so the rename is atomic). */
export function tempSibling(finalPath: string): string {
  return join(dirname(finalPath), `.${basename(finalPath)}.${process.pid}.${++counter}.tmp`)
}

export interface WriteTarget {
  /** What `finalPath` becomes: a single file (default) or a folder (models, comparisons). */
  kind?: 'file' | 'folder'
  /** Replace an existing folder (the user's --force); the old one is kept until the new one is complete. */
  force?: boolean
  /** A file an existing folder must hold to be replaced, so that only Driftclip's own outputs are. */
  marker?: string
}

export interface AtomicOptions extends WriteTarget {
  /** Checked after writing: a cancel before the rename leaves nothing behind. */
  signal?: AbortSignal
}

/**
 * Refuse a target that writing would destroy: a folder, link or device named as a file, anything but a folder named
 * as a folder, and an existing folder without `force` (or without its `marker`). Call it before long work.
 */
export async function checkTarget(finalPath: string, target: WriteTarget = {}): Promise<void> {
  const s = await lstat(finalPath).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined
    throw err
  })
  if (!s) return
  const what = s.isDirectory() ? 'a folder' : s.isSymbolicLink() ? 'a symbolic link' : s.isFile() ? 'a file' : 'not a regular file'
  if ((target.kind ?? 'file') === 'file') {
    if (!s.isFile()) throw new UserError(`${finalPath} is ${what}; give the name of a file to write (nothing was written or deleted)`)
    return
  }
  if (!s.isDirectory()) throw new UserError(`${finalPath} is ${what}, not a folder; give the name of a folder to write (nothing was written or deleted)`)
  if (!target.force) throw new UserError(`${finalPath} already exists; pass --force to replace it, or choose another folder (nothing was written or deleted)`)
  if (target.marker && !existsSync(join(finalPath, target.marker)))
    throw new UserError(`${finalPath} is not a Driftclip output folder (it has no ${target.marker}), so it is not replaced even with --force; choose another folder`)
}

/**
 * Run `write(tmpPath)` and rename the result to `finalPath`; on any error (or cancel) remove the temporary file or
 * folder and rethrow. A folder replaces an existing one (with `force`) by rename: the old one is deleted only after
 * the new one is in place. Stale temporaries of killed runs in the same folder are removed first.
 */
export async function writeAtomically<T>(finalPath: string, write: (tmpPath: string) => Promise<T> | T, opts: AtomicOptions = {}): Promise<T> {
  const dir = dirname(finalPath)
  await mkdir(dir, { recursive: true })
  await removeStaleTemporaries(dir)
  await checkTarget(finalPath, opts)
  // a new output belongs to its job: if the job is stopped and reported cancelled after the rename, it goes too
  if (!existsSync(finalPath)) discardOnCancel(finalPath)
  const tmp = tempSibling(finalPath)
  live.add(tmp)
  watcher?.(tmp, true, 'temporary')
  try {
    const result = await write(tmp)
    await checkTarget(finalPath, opts) // something may have appeared there meanwhile
    if (opts.signal) throwIfCancelled(opts.signal) // the last moment a cancel can still leave nothing behind
    await commit(tmp, finalPath)
    completed.push(finalPath)
    return result
  } catch (err) {
    await rm(tmp, { recursive: true, force: true })
    throw err
  } finally {
    live.delete(tmp)
    watcher?.(tmp, false, 'temporary')
  }
}

async function commit(tmp: string, finalPath: string): Promise<void> {
  // a file replaces a file in one rename; a folder cannot replace a folder so: move the old one aside first
  if (!(await lstat(tmp)).isDirectory() || !existsSync(finalPath)) return rename(tmp, finalPath)
  const old = tmp.replace(/\.tmp$/, '.old')
  await rename(finalPath, old)
  try {
    await rename(tmp, finalPath)
  } catch (err) {
    await rename(old, finalPath)
    throw err
  }
  await rm(old, { recursive: true, force: true })
}

/** Write bytes or text atomically. */
export function writeFileAtomic(finalPath: string, data: string | Uint8Array, opts: AtomicOptions = {}): Promise<void> {
  return writeAtomically(finalPath, (tmp) => writeFile(tmp, data), opts)
}

function alive(pid: number): boolean {
  if (pid === process.pid) return true
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * Remove the temporaries a killed run left in `dir` (its process no longer exists); a replaced folder whose new
 * version never arrived is put back. Returns the names removed.
 */
export async function removeStaleTemporaries(dir: string): Promise<string[]> {
  const names = await readdir(dir).catch(() => [] as string[])
  const removed: string[] = []
  for (const name of names) {
    const m = TEMP_NAME.exec(name)
    if (!m || alive(Number(m[2]))) continue
    const path = join(dir, name)
    const original = join(dir, m[1]!)
    if (m[3] === 'old' && !existsSync(original)) await rename(path, original)
    else await rm(path, { recursive: true, force: true })
    removed.push(name)
  }
  return removed
}

/** A private scratch folder in the system temp folder, named so the next run can remove it if this one is killed. */
export async function scratchDir(): Promise<string> {
  await removeStaleScratch()
  const dir = await mkdtemp(join(tmpdir(), `driftclip-${process.pid}-`))
  watcher?.(dir, true, 'temporary')
  return dir
}

/** Remove scratch folders of runs that no longer exist. */
export async function removeStaleScratch(root = tmpdir()): Promise<string[]> {
  const stale = (await readdir(root).catch(() => [] as string[])).filter((n) => {
    const m = SCRATCH_NAME.exec(n)
    return m !== null && !alive(Number(m[1]))
  })
  await Promise.all(stale.map((n) => rm(join(root, n), { recursive: true, force: true })))
  return stale
}

/**
 * For Ctrl+C: remove, synchronously, every temporary this process is writing, and say what was kept (completed
 * outputs) and what was not (the temporaries removed).
 */
export function interruptCleanup(): { kept: string[]; removed: string[] } {
  const removed = [...live].filter((p) => existsSync(p))
  for (const p of removed) rmSync(p, { recursive: true, force: true })
  live.clear()
  return { kept: [...completed], removed }
}

/** Outputs completed by this process so far. */
export function completedOutputs(): string[] {
  return [...completed]
}
