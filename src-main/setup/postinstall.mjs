// After `npm install`: fetch the Electron binary if this machine can reach its host. Never fails the
// install: without the binary Driftclip runs headless (CLI) and in the browser (serve) with wasm.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'

const require = createRequire(import.meta.url)
let electronDir
try {
  electronDir = dirname(require.resolve('electron/package.json'))
} catch {
  process.exit(0) // production install without dev dependencies
}
if (existsSync(join(electronDir, 'path.txt')) || process.env.ELECTRON_SKIP_BINARY_DOWNLOAD) process.exit(0)
const run = spawnSync(process.execPath, [join(electronDir, 'install.js')], { stdio: 'pipe', timeout: 180_000 })
if (run.status === 0) console.log('driftclip: Electron binary installed.')
else
  console.log(
    'driftclip: Electron binary could not be downloaded (offline?); `npm start` will serve the app in the browser instead.'
  )
