/**
 * `npm start`: open the Electron window when an Electron binary and a display exist; otherwise say
 * why in one line and serve the same app in the browser instead.
 */
import { spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startServer } from './serve'

/** Path of the Electron binary, or why there is none. Never triggers a download. */
export function findElectron(): { path: string } | { reason: string } {
  let dir: string
  try {
    dir = dirname(createRequire(import.meta.url).resolve('electron/package.json'))
  } catch {
    return { reason: 'Electron is not installed (npm install was run without dev dependencies)' }
  }
  const pathFile = join(dir, 'path.txt')
  const binary = existsSync(pathFile) ? join(dir, 'dist', readFileSync(pathFile, 'utf8').trim()) : ''
  if (!binary || !existsSync(binary))
    return { reason: 'the Electron binary is not installed (it could not be downloaded during set-up)' }
  return { path: binary }
}

/** Why no window can be shown here, if that is so. */
export function missingDisplay(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string | undefined {
  if (platform !== 'linux') return undefined
  return env.DISPLAY || env.WAYLAND_DISPLAY ? undefined : 'there is no display (DISPLAY and WAYLAND_DISPLAY are not set)'
}

async function serveInstead(reason: string): Promise<void> {
  console.log(`Driftclip: no desktop window because ${reason}; starting browser mode instead.`)
  const server = await startServer()
  console.log(`Open this URL in a browser (it carries the access token):\n  ${server.url}`)
  const stop = () => void server.close().then(() => process.exit(0))
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}

async function main(): Promise<void> {
  const electron = findElectron()
  const noDisplay = missingDisplay()
  if ('reason' in electron) return serveInstead(electron.reason)
  if (noDisplay) return serveInstead(noDisplay)
  const appRoot = fileURLToPath(new URL('../../', import.meta.url))
  const child = spawn(electron.path, [appRoot], { stdio: ['ignore', 'inherit', 'pipe'] })
  let stderr = ''
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString()
    process.stderr.write(d)
  })
  const started = Date.now()
  child.on('exit', (code) => {
    // a window that dies at once (missing system libraries, sandbox errors) falls back to the browser
    if (code !== 0 && Date.now() - started < 10_000) {
      const why = stderr.trim().split('\n').pop() ?? `exit code ${code}`
      void serveInstead(`Electron could not start (${why})`)
    } else process.exit(code ?? 0)
  })
}

if (process.argv[1] && /launch\.(ts|js)$/.test(process.argv[1])) {
  main().catch((err: Error) => {
    console.error(`driftclip: ${err.message}`)
    process.exit(1)
  })
}
