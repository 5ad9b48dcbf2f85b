/** Write files so that a failure or cancel never leaves a half-written file: temp name, then rename. */
import { mkdir, rename, rm, writeFile } from 'node:fs/promises'
import { dirname, basename, join } from 'node:path'

let counter = 0

/** A temporary sibling of `finalPath` (same folder, so the rename is atomic). */
export function tempSibling(finalPath: string): string {
  return join(dirname(finalPath), `.${basename(finalPath)}.${process.pid}.${++counter}.tmp`)
}

/**
 * Run `write(tmpPath)` and rename the result to `finalPath`; on any error (or cancel) remove the
 * temporary file or folder and rethrow. Works for a single file or a folder (models).
 */
export async function writeAtomically<T>(finalPath: string, write: (tmpPath: string) => Promise<T> | T): Promise<T> {
  await mkdir(dirname(finalPath), { recursive: true })
  const tmp = tempSibling(finalPath)
  try {
    const result = await write(tmp)
    await rm(finalPath, { recursive: true, force: true })
    await rename(tmp, finalPath)
    return result
  } catch (err) {
    await rm(tmp, { recursive: true, force: true })
    throw err
  }
}

/** Write bytes or text atomically. */
export function writeFileAtomic(finalPath: string, data: string | Uint8Array): Promise<void> {
  return writeAtomically(finalPath, (tmp) => writeFile(tmp, data))
}
