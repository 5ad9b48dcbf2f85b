/** Global setup of the e2e project: build the app once (renderer, main, preload) before any browser test. */
import { fileURLToPath } from 'node:url'
import { execFileSync } from 'node:child_process'
import { resolve } from 'node:path'

export default function setup(): void {
  const root = fileURLToPath(new URL('../..', import.meta.url))
  execFileSync(process.execPath, [resolve(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit']
  })
}
