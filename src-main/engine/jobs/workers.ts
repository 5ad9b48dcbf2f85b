/**
 * Start an engine worker thread by name (`<name>.worker.ts` in this folder). When the engine runs from
 * the electron-vite bundle the built `<name>.worker.js` sits next to this module; when it runs from
 * source (CLI, serve, tests, benchmarks) the compute workers are bundled once into one JavaScript file each
 * (cached until a source file changes), and the others load their TypeScript through tsx.
 */
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { createRequire } from 'node:module'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'

export type WorkerName = 'engine' | 'simulate' | 'learn-encoder' | 'evaluate' | 'gp'

/**
 * Workers bundled from source: their start-up is then Node loading one file (~0.1 CPU-s) instead of tsx
 * transforming and resolving every module (~0.6–1.3 CPU-s per worker, measured; a training worker's start to tfjs
 * ready 1.0–1.2 → 0.5–0.6 CPU-s). Packages stay outside the bundle
 * (Node loads them from node_modules as usual). The engine worker is not bundled: some of its modules find
 * resources relative to their own file.
 */
const BUNDLED_FROM_SOURCE: ReadonlySet<WorkerName> = new Set(['simulate', 'evaluate', 'learn-encoder', 'gp'])
/** Bumped when the bundle options change, so older cached bundles are rebuilt. */
const BUNDLE_VERSION = 1

export function workerUrl(name: WorkerName): { url: URL; fromSource: boolean } {
  const bundled = new URL(`./${name}.worker.js`, import.meta.url)
  if (existsSync(fileURLToPath(bundled))) return { url: bundled, fromSource: false }
  return { url: new URL(`./${name}.worker.ts`, import.meta.url), fromSource: true }
}

const tsxPackage = (): string => createRequire(import.meta.url).resolve('tsx/package.json')

interface BundleStamp { version: number; inputs: Record<string, [mtimeMs: number, size: number]> }

function stampOf(path: string): [number, number] | undefined {
  try {
    const s = statSync(path)
    return [s.mtimeMs, s.size]
  } catch {
    return undefined
  }
}

/**
 * The bundled JavaScript of worker `name` from source, in node_modules/.cache/driftclip-workers (inside the
 * repository, so the bundle's package imports resolve): reused while every input file keeps its modification time
 * and size, rebuilt otherwise (esbuild, the one tsx uses; ~0.3 s). Undefined when it cannot be built (then tsx).
 */
export function bundledWorkerFile(name: WorkerName): string | undefined {
  const source = fileURLToPath(new URL(`./${name}.worker.ts`, import.meta.url))
  const root = resolve(dirname(source), '../../..')
  const dir = join(root, 'node_modules/.cache/driftclip-workers')
  // named by the checkout too: trees that share one node_modules (hoisted, linked) keep their own bundles
  const out = join(dir, `${name}.worker.${createHash('sha256').update(root).digest('hex').slice(0, 8)}.mjs`)
  const stampFile = `${out}.json`
  try {
    const stamp = JSON.parse(readFileSync(stampFile, 'utf8')) as BundleStamp
    const fresh = stamp.version === BUNDLE_VERSION && existsSync(out) &&
      Object.entries(stamp.inputs).every(([file, s]) => {
        const now = stampOf(join(root, file))
        return now !== undefined && now[0] === s[0] && now[1] === s[1]
      })
    if (fresh) return out
  } catch {
    // no stamp or an unreadable one: build
  }
  try {
    if (!existsSync(join(root, 'node_modules'))) return undefined
    mkdirSync(dir, { recursive: true })
    const esbuild = createRequire(tsxPackage())('esbuild') as typeof import('esbuild')
    const tmp = `${out}.${process.pid}.${Date.now()}.tmp`
    const r = esbuild.buildSync({
      entryPoints: [source], outfile: tmp, bundle: true, platform: 'node', format: 'esm', target: 'node20',
      packages: 'external', metafile: true, logLevel: 'silent', absWorkingDir: root
    })
    const inputs: BundleStamp['inputs'] = {}
    for (const file of Object.keys(r.metafile.inputs)) {
      const s = stampOf(join(root, file))
      if (s) inputs[file] = s
    }
    writeFileSync(`${tmp}.json`, JSON.stringify({ version: BUNDLE_VERSION, inputs } satisfies BundleStamp))
    // two processes may build at once: each renames whole files into place, the bundle before its stamp
    renameSync(tmp, out)
    renameSync(`${tmp}.json`, stampFile)
    return out
  } catch {
    return undefined
  }
}

export function startWorker(name: WorkerName, workerData?: unknown): Worker {
  const { url, fromSource } = workerUrl(name)
  if (!fromSource) return new Worker(url, { workerData })
  const bundle = BUNDLED_FROM_SOURCE.has(name) ? bundledWorkerFile(name) : undefined
  if (bundle) return new Worker(pathToFileURL(bundle), { workerData, execArgv: [] })
  // Node 20 ignores `--import` in a worker's execArgv, so register tsx inside the worker first; h5wasm (4 MB of
  // JavaScript) is loaded natively before that, as driftclip.mjs does: transformed by tsx it costs each worker
  // ~2 CPU-s and ~600 MB of RSS, and the TypeScript modules then share the native instance
  const tsxApi = pathToFileURL(join(dirname(tsxPackage()), 'dist/esm/api/index.mjs')).href
  const h5wasm = import.meta.resolve('h5wasm/node')
  const boot = `import(${JSON.stringify(h5wasm)}).then(() => import(${JSON.stringify(tsxApi)})).then((m) => { m.register(); return import(${JSON.stringify(url.href)}) })`
  return new Worker(boot, { eval: true, workerData })
}
