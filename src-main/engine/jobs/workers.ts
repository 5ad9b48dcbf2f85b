/**
 * Start an engine worker thread by name (`<name>.worker.ts` in this folder). When the engine runs from
 * the electron-vite bundle the built `<name>.worker.js` sits next to this module; when it runs from
 * source (CLI, serve, tests) the TypeScript file is loaded through tsx.
 */
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { createRequire } from 'node:module'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'

export type WorkerName = 'engine' | 'simulate' | 'learn-encoder' | 'evaluate'

export function workerUrl(name: WorkerName): { url: URL; fromSource: boolean } {
  const bundled = new URL(`./${name}.worker.js`, import.meta.url)
  if (existsSync(fileURLToPath(bundled))) return { url: bundled, fromSource: false }
  return { url: new URL(`./${name}.worker.ts`, import.meta.url), fromSource: true }
}

export function startWorker(name: WorkerName, workerData?: unknown): Worker {
  const { url, fromSource } = workerUrl(name)
  if (!fromSource) return new Worker(url, { workerData })
  // Node 20 ignores `--import` in a worker's execArgv, so register tsx inside the worker first; h5wasm (4 MB of
  // JavaScript) is loaded natively before that, as driftclip.mjs does: transformed by tsx it costs each worker
  // ~2 CPU-s and ~600 MB of RSS, and the TypeScript modules then share the native instance
  const tsxApi = pathToFileURL(join(dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist/esm/api/index.mjs')).href
  const h5wasm = import.meta.resolve('h5wasm/node')
  const boot = `import(${JSON.stringify(h5wasm)}).then(() => import(${JSON.stringify(tsxApi)})).then((m) => { m.register(); return import(${JSON.stringify(url.href)}) })`
  return new Worker(boot, { eval: true, workerData })
}
