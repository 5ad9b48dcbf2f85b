// One measured import for bench:import, in its own process so its peak RSS is its own. Loads h5wasm before tsx,
// exactly as the driftclip bin does. Usage: node import-child.mjs stream|bytes|help FILE OUT
import { readFileSync } from 'node:fs'
import { performance } from 'node:perf_hooks'
import { register } from 'tsx/esm/api'

await import('h5wasm/node')
register()
const [mode, file, out] = process.argv.slice(2)
const t0 = performance.now()
let points = 0
if (mode === 'stream') {
  const { importDrifterPath } = await import('../../src-main/engine/data/drifters/import.ts')
  const { silentContext } = await import('../../src-main/engine/jobs/job.ts')
  points = (await importDrifterPath('bench.csv', file, out, silentContext())).points
} else if (mode === 'bytes') {
  const { importDrifterFile } = await import('../../src-main/engine/data/drifters/import.ts')
  const { silentContext } = await import('../../src-main/engine/jobs/job.ts')
  points = (await importDrifterFile('bench.csv', new Uint8Array(readFileSync(file)), out, silentContext())).points
} else {
  await import('../../src-main/engine/data/drifters/import.ts')
}
console.log(JSON.stringify({ mode, points, seconds: (performance.now() - t0) / 1000, peakRssMB: process.resourceUsage().maxRSS / 1024 }))
