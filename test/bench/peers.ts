/**
 * The benchmarks' peers (../shared/bench, beside the repository) run in the same process tree and the same minute as
 * the code they are compared with, and the shared shape of every benchmark's one JSON line: this machine is shared,
 * so only ratios measured side by side and CPU-seconds per unit of work mean something.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync } from 'node:fs'
import { availableParallelism, loadavg, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

const BENCH_DIR = resolve(import.meta.dirname, '../../../shared/bench')
/** Debian's python with torch + OpenBLAS (not a pyenv one); override with DRIFTCLIP_PYTHON. */
const PYTHON = process.env.DRIFTCLIP_PYTHON ?? '/usr/bin/python3'

export type PeerResult = { available: true; value: number; raw: Record<string, unknown> } | { available: false; reason: string }

function lastJsonLine(stdout: string): Record<string, unknown> {
  const line = stdout.trim().split('\n').pop() ?? ''
  return JSON.parse(line) as Record<string, unknown>
}

function run(cmd: string, args: string[], key: string, env?: NodeJS.ProcessEnv): PeerResult {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 120_000, env: { ...process.env, ...env } })
  if (r.error) return { available: false, reason: `${cmd}: ${r.error.message}` }
  if (r.status !== 0) return { available: false, reason: `${cmd} ${args.join(' ')} exited with ${r.status}: ${(r.stderr || '').trim().split('\n').pop()}` }
  try {
    const raw = lastJsonLine(r.stdout)
    return { available: true, value: Number(raw[key]), raw }
  } catch {
    return { available: false, reason: `${cmd} printed no JSON line` }
  }
}

/**
 * Runs torch_ref.py unchanged, noting the process CPU time at each of its perf_counter calls (they come in
 * start/end pairs around its 5 blocks of 20 steps), and adds the median CPU-ms per step to its JSON line.
 */
const TORCH_WRAPPER = `
import json, runpy, statistics, sys, time, io, contextlib
marks = []
wall = time.perf_counter
def counted():
    marks.append(time.process_time())
    return wall()
time.perf_counter = counted
out = io.StringIO()
with contextlib.redirect_stdout(out):
    runpy.run_path(sys.argv[1], run_name='__main__')
line = json.loads(out.getvalue().strip().splitlines()[-1])
blocks = [(marks[i + 1] - marks[i]) / 20 * 1000 for i in range(0, len(marks) - 1, 2)]
line['cpuMsPerStep'] = statistics.median(blocks)
print(json.dumps(line))
`

/** PyTorch's reference training step on one thread: ms per step (median of its 5 blocks of 20 steps), and CPU-ms per step. */
export function torchPeer(): PeerResult {
  const script = join(BENCH_DIR, 'torch_ref.py')
  if (!existsSync(script)) return { available: false, reason: `${script} not found` }
  return run(PYTHON, ['-c', TORCH_WRAPPER, script], 'msPerStep', ONE_BLAS_THREAD)
}

/**
 * torch.set_num_threads(1) does not reach OpenBLAS's own pthread pool (Debian's libopenblas0-pthread): without these
 * the "one-thread" peer used 2 cores (CPU-ms per step 2× its wall ms, measured 2026-12-02), so it is pinned here.
 */
const ONE_BLAS_THREAD = { OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' }

let rk4Binary: string | undefined
/** The C RK4 loop (cc -O2), `trajectories` × 10,000 steps: tracer-steps per CPU-second of one core. */
export function rk4Peer(trajectories = 20): PeerResult {
  const source = join(BENCH_DIR, 'rk4_ref.c')
  if (!existsSync(source)) return { available: false, reason: `${source} not found` }
  if (!rk4Binary) {
    const dir = join(tmpdir(), `driftclip-peers-${process.pid}`)
    mkdirSync(dir, { recursive: true })
    const out = join(dir, 'rk4_ref')
    const cc = spawnSync('cc', ['-O2', '-o', out, source, '-lm'], { encoding: 'utf8' })
    if (cc.error || cc.status !== 0) return { available: false, reason: `cc -O2 rk4_ref.c failed: ${cc.error?.message ?? cc.stderr.trim()}` }
    rk4Binary = out
  }
  return run(rk4Binary, [String(trajectories)], 'tracerStepsPerSecond')
}

/** Median (mean of the middle two for even counts). */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  if (s.length === 0) return NaN
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2
}

/** [min, max] rounded to `digits`. */
export function range(xs: number[], digits = 2): [number, number] {
  return [round(Math.min(...xs), digits), round(Math.max(...xs), digits)]
}

export function round(x: number, digits = 2): number {
  return Number(x.toFixed(digits))
}

/** CPU-seconds (user + system, all threads of this process) since `from`. */
export function cpuSecondsSince(from: NodeJS.CpuUsage): number {
  const c = process.cpuUsage(from)
  return (c.user + c.system) / 1e6
}

/** What every benchmark line carries about the machine it ran on. */
export function machine(): { date: string; cores: number; loadAverage1min: number; node: string } {
  return { date: new Date().toISOString(), cores: availableParallelism(), loadAverage1min: round(loadavg()[0]!), node: process.version }
}

/** Print the benchmark's one JSON line (npm run bench collects these). */
export function printLine(line: Record<string, unknown>): void {
  console.log(JSON.stringify(line))
}
