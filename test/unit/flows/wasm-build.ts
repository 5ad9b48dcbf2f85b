import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { expect, it } from 'vitest'

const tools = ['clang', 'wasm-ld'].every((t) => spawnSync('sh', ['-c', `command -v ${t}`]).status === 0)

/**
 * The test that embedded bytes are the build of their C source: `bash script out.wasm` (flows/wasm/build*.sh) rebuilt
 * here when clang and wasm-ld are installed, and its base64 compared with the embedded one.
 */
export function itIsTheBuildOf(script: string, source: string, base64: string): void {
  it.skipIf(!tools)(`is the build of wasm/${source} (rebuilt here when clang and wasm-ld are installed)`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'driftclip-wasm-'))
    try {
      const out = join(dir, basename(source, '.c') + '.wasm')
      const r = spawnSync('bash', [script, out], { encoding: 'utf8' })
      expect(r.stderr).toBe('')
      expect(readFileSync(out).toString('base64')).toBe(base64)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
}
