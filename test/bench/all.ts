/**
 * `npm run bench [-- --full] [-- --no-paper]`: every benchmark (short runs unless --full), each in its own process one
 * after the other, their JSON lines collected into test/bench/results.json with the machine's cores and the load
 * average at the start and the end, then the README's performance table regenerated from that file
 * (test/bench/table.ts). bench:sim also simulates and writes the whole paper-scale data set (≈ 1.5 min on two free
 * cores) unless --no-paper. A benchmark that fails or runs out of time becomes a row saying why; the others still run.
 */
import { spawnSync } from 'node:child_process'
import { renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { machine } from './peers'
import { writeReadmeTable } from './table'

const full = process.argv.includes('--full')
const paper = !process.argv.includes('--no-paper')
/** Benchmarks in table order, each with the most it may take on a busy machine before it is stopped. */
const BENCHES: { name: string; minutes: number }[] = [
  { name: 'sim', minutes: 20 },
  { name: 'train', minutes: 15 },
  { name: 'eval', minutes: 20 },
  { name: 'import', minutes: 5 },
  { name: 'assimilate', minutes: 10 }
]
const here = import.meta.dirname

/** The line of a failed run's stderr that says what went wrong: its last error line, else its last line. */
function errorLine(stderr: string): string {
  const lines = stderr.split('\n').map((l) => l.trim()).filter((l) => l && !/^Node\.js v/.test(l) && !l.startsWith('at '))
  return (lines.filter((l) => /Error\b|error:/.test(l)).pop() ?? lines.pop() ?? 'no output').slice(0, 200)
}

/** Run one benchmark; its last stdout line is its JSON result, or a `failed` line names the reason. */
export function runBench(name: string, args: string[], minutes: number): Record<string, unknown> {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(here, `${name}.bench.ts`), ...args], {
    encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: minutes * 60_000, killSignal: 'SIGKILL', maxBuffer: 64 << 20
  })
  if (r.stderr) process.stderr.write(r.stderr)
  const line = (r.stdout ?? '').trim().split('\n').pop() ?? ''
  try {
    const parsed = JSON.parse(line) as Record<string, unknown>
    if (typeof parsed === 'object' && parsed !== null) return { ...parsed, benchmark: name }
  } catch {
    // fall through: no JSON line
  }
  const why = r.error?.message.includes('ETIMEDOUT') || r.signal === 'SIGKILL'
    ? `stopped after ${minutes} min`
    : r.error ? r.error.message : `exit ${r.status ?? r.signal}: ${errorLine(r.stderr ?? '')}`
  return { benchmark: name, failed: `${why}; no JSON line` }
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  const results: Record<string, unknown>[] = []
  const started = machine()
  for (const { name, minutes } of BENCHES) {
    const args = [...(full ? [] : ['--quick']), ...(paper && name === 'sim' ? ['--paper'] : [])]
    const t0 = performance.now()
    const result = runBench(name, args, minutes)
    results.push({ ...result, benchSeconds: Math.round((performance.now() - t0) / 1000) })
    console.log(JSON.stringify(result))
    if (result.failed) console.error(`bench ${name}: ${String(result.failed)}`)
  }
  const file = join(here, 'results.json')
  writeFileSync(`${file}.tmp`, JSON.stringify({ started, finished: machine(), mode: full ? 'full' : 'quick', paper, results }, null, 2) + '\n')
  renameSync(`${file}.tmp`, file)
  writeReadmeTable(file, join(here, '../../README.md'))
  console.log(`wrote ${file} and the README performance table`)
}
