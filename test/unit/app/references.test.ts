/** The code base keeps no dead ends: every contract request has a caller, and no comment points at a file that is not in the repository. */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, test } from 'vitest'
import { CHANNELS } from '../../../src-main/shared/contract'

const root = join(import.meta.dirname, '../../..')
function files(dir: string, ext: RegExp): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n)
    return statSync(p).isDirectory() ? files(p, ext) : ext.test(n) ? [p] : []
  })
}
const sources = ['src-main', 'src-renderer', 'test'].flatMap((d) => files(join(root, d), /\.(ts|vue|md)$/))

describe('no dead ends', () => {
  test('every contract request is called by the renderer', () => {
    const renderer = files(join(root, 'src-renderer/src'), /\.(ts|vue)$/).map((p) => readFileSync(p, 'utf8')).join('\n')
    expect(CHANNELS.filter((c) => !new RegExp(`\\b${c}\\b`).test(renderer))).toEqual([])
  })

  test('comments cite arXiv sections, not notes files outside the repository', () => {
    const dangling = sources.filter((p) => /paper\.md|\/work\/notes\//.test(readFileSync(p, 'utf8')) && !p.endsWith('references.test.ts'))
    expect(dangling.map((p) => relative(root, p))).toEqual([])
  })

  test('the stores take job results and stored settings without casts (job:done is typed by job kind)', () => {
    const casts = files(join(root, 'src-renderer/src/stores'), /\.ts$/).flatMap((p) =>
      readFileSync(p, 'utf8')
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .split('\n')
        .filter((line) => !line.trim().startsWith('//') && /[\w\])]\s+as\s+(?:[A-Z{([]|unknown\b|never\b|any\b)/.test(line))
        .map((line) => `${relative(root, p)}: ${line.trim()}`)
    )
    expect(casts).toEqual([])
  })
})
