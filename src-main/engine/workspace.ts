/**
 * The folder the GUI works in: data sets, models, imported tracks and exports, each in its own
 * subfolder. Every path from the renderer is resolved here and must stay inside the root.
 */
import { existsSync, mkdirSync, realpathSync } from 'node:fs'
import { readdir, stat } from 'node:fs/promises'
import { basename, dirname, join, relative, resolve, sep } from 'node:path'
import type { FileEntry } from '../shared/contract'
import { UserError } from './jobs/job'
import { removeStaleTemporaries } from './data/atomic'

export const FOLDERS = { datasets: 'datasets', models: 'models', tracks: 'tracks', exports: 'exports' } as const
export type Folder = keyof typeof FOLDERS

export class Workspace {
  readonly root: string
  /** The root with its own links resolved: what real paths are compared with. */
  private readonly realRoot: string

  constructor(root: string) {
    this.root = resolve(root)
    for (const f of Object.values(FOLDERS)) mkdirSync(join(this.root, f), { recursive: true })
    this.realRoot = realpathSync(this.root)
  }

  /** Remove what killed runs left (hidden temporaries, folders moved aside); returns the names removed. */
  async removeStale(): Promise<string[]> {
    return (await Promise.all(Object.values(FOLDERS).map((f) => removeStaleTemporaries(join(this.root, f))))).flat()
  }

  /** Absolute path of a workspace-relative one; refuses anything that escapes the root. */
  resolve(rel: string): string {
    const abs = resolve(this.root, rel)
    if (!inside(this.root, abs)) throw new UserError(`"${rel}" is outside the workspace ${this.root}`)
    // a link inside the workspace may lead out of it: compare where it really is (links resolved)
    if (!inside(this.realRoot, realPath(abs)))
      throw new UserError(`"${rel}" is a symbolic link leading outside the workspace ${this.root}; links that leave the workspace are refused`)
    return abs
  }

  /** Workspace-relative form of an absolute path inside the root (forward slashes). */
  relative(abs: string): string {
    return relative(this.root, abs).split(sep).join('/')
  }

  /** Absolute path for a new artifact `name` in `folder`, with an optional extension. */
  pathFor(folder: Folder, name: string, ext = ''): string {
    return join(this.root, FOLDERS[folder], `${name}${ext}`)
  }

  /**
   * The entries of one folder, newest first; hidden and temporary files are skipped. A broken link, or one leading
   * outside the workspace, is skipped too, with a line in `notes`, so one bad entry never hides the others.
   */
  async list(folder: Folder, notes: string[] = []): Promise<FileEntry[]> {
    const dir = join(this.root, FOLDERS[folder])
    // hidden temporaries and training checkpoints (kept for resume) are not artifacts
    const names = (await readdir(dir)).filter((n) => !n.startsWith('.') && !n.endsWith('.checkpoint'))
    const entries = await Promise.all(
      names.map(async (name): Promise<FileEntry | undefined> => {
        const abs = join(dir, name)
        const rel = this.relative(abs)
        if (!existsSync(abs)) return void notes.push(`${rel}: a broken symbolic link, skipped`)
        if (!inside(this.realRoot, realPath(abs))) return void notes.push(`${rel}: a symbolic link leading outside the workspace, skipped`)
        const s = await stat(abs)
        return { path: rel, bytes: s.isDirectory() ? await folderBytes(abs) : s.size, modified: s.mtime.toISOString() }
      })
    )
    return entries.filter((e) => e !== undefined).sort((a, b) => b.modified.localeCompare(a.modified))
  }
}

function inside(root: string, abs: string): boolean {
  return abs === root || abs.startsWith(root + sep)
}

/** `abs` with every link resolved; a path that does not exist yet is resolved through its nearest existing parent. */
function realPath(abs: string): string {
  if (existsSync(abs)) return realpathSync(abs)
  const parent = dirname(abs)
  return parent === abs ? abs : join(realPath(parent), basename(abs))
}

async function folderBytes(dir: string): Promise<number> {
  const names = await readdir(dir)
  const sizes = await Promise.all(names.map(async (n) => (await stat(join(dir, n)).catch(() => undefined))?.size ?? 0))
  return sizes.reduce((a, b) => a + b, 0)
}
