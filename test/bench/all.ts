/**
 * `npm run bench [-- --full] [-- --paper]`: every benchmark (short runs unless --full; --paper: bench:sim also
 * measures the whole paper-scale data set), each in its own process one after the other,
 * their JSON lines collected into test/bench/results.json with the machine's cores and load average, then the
 * README's performance table regenerated from that file (test/bench/table.ts).
 */
import { spawnSync } from 'node:child_process'
import { renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { machine } from './peers'
import { writeReadmeTable } from './table'

const full = process.argv.includes('--full')
const paper = process.argv.includes('--paper')
const BENCHES = ['sim', 'train', 'eval']
const here = import.meta.dirname
const results: Record<string, unknown>[] = []
const started = machine()
for (const name of BENCHES) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(here, `${name}.bench.ts`), ...(full ? [] : ['--quick']), ...(paper && name === 'sim' ? ['--paper'] : [])], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] })
  const line = r.stdout.trim().split('\n').pop() ?? ''
  try {
    results.push(JSON.parse(line) as Record<string, unknown>)
    console.log(line)
  } catch {
    results.push({ benchmark: name, failed: `exit ${r.status}: no JSON line` })
    console.error(`bench ${name}: exit ${r.status}, no JSON line`)
  }
}
const file = join(here, 'results.json')
writeFileSync(`${file}.tmp`, JSON.stringify({ started, finished: machine(), mode: full ? 'full' : 'quick', results }, null, 2) + '\n')
renameSync(`${file}.tmp`, file)
writeReadmeTable(file, join(here, '../../README.md'))
console.log(`wrote ${file} and the README performance table`)
