/**
 * The folder the GUI works in: data sets, models, imported tracks and exports, each in its own
 * subfolder. Every path from the renderer is resolved here and must stay inside the root.
 */
import { mkdirSync } from 'node:fs'
import { readdir, stat } from 'node:fs/promises'
import { join, relative, resolve, sep } from 'node:path'
import type { FileEntry } from '../shared/contract'
import { UserError } from './jobs/job'

export const FOLDERS = { datasets: 'datasets', models: 'models', tracks: 'tracks', exports: 'exports' } as const
export type Folder = keyof typeof FOLDERS

export class Workspace {
  readonly root: string

  constructor(root: string) {
    this.root = resolve(root)
    for (const f of Object.values(FOLDERS)) mkdirSync(join(this.root, f), { recursive: true })
  }

  /** Absolute path of a workspace-relative one; refuses anything that escapes the root. */
  resolve(rel: string): string {
    const abs = resolve(this.root, rel)
    if (abs !== this.root && !abs.startsWith(this.root + sep))
      throw new UserError(`"${rel}" is outside the workspace ${this.root}`)
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

  /** The entries of one folder, newest first; hidden and temporary files are skipped. */
  async list(folder: Folder): Promise<FileEntry[]> {
    const dir = join(this.root, FOLDERS[folder])
    // hidden temporaries and training checkpoints (kept for resume) are not artifacts
    const names = (await readdir(dir)).filter((n) => !n.startsWith('.') && !n.endsWith('.checkpoint'))
    const entries = await Promise.all(
      names.map(async (name) => {
        const abs = join(dir, name)
        const s = await stat(abs)
        return { path: this.relative(abs), bytes: s.isDirectory() ? await folderBytes(abs) : s.size, modified: s.mtime.toISOString() }
      })
    )
    return entries.sort((a, b) => b.modified.localeCompare(a.modified))
  }
}

async function folderBytes(dir: string): Promise<number> {
  const names = await readdir(dir)
  const sizes = await Promise.all(names.map(async (n) => (await stat(join(dir, n))).size))
  return sizes.reduce((a, b) => a + b, 0)
}
