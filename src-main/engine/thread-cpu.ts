import { openSync, readSync } from 'node:fs'

/**
 * CPU time of the calling thread, in seconds, and which clock gave it.
 *
 * Why: process.cpuUsage() is process-wide, so it also charges V8's background threads (concurrent marking and
 * sweeping, the optimising compiler) to whatever runs on the main thread at that moment — e.g. the GC debt one
 * benchmark row leaves behind is paid inside the next row's timing. The calling thread's own clock charges the work
 * done on it (its GC pauses included) and nothing done on other threads.
 *
 * Linux: /proc/thread-self/schedstat's first field (the scheduler's run time of this thread, ns). The kernel brings it
 * up to date only at a scheduler tick or a context switch, so a plain read lags by up to one tick (4 ms here); a
 * 50-µs futex sleep first (Atomics.wait) makes the thread switch out, and the read exact. One read costs ≈ 0.04 ms of
 * this thread's CPU. Elsewhere (macOS, Windows) it falls back to process.cpuUsage() and says so (`clock: 'process'`).
 *
 * Module state is per thread: a worker that imports this module opens its own file (its own thread's clock).
 */
export type CpuClock = 'thread' | 'process'

let fd: number | null | undefined
const buffer = Buffer.alloc(128)
const nap = new Int32Array(new SharedArrayBuffer(4))

function schedstatFd(): number | null {
  if (fd === undefined) {
    try {
      fd = openSync('/proc/thread-self/schedstat', 'r')
    } catch {
      fd = null
    }
  }
  return fd
}

/** Which clock threadCpuSeconds reads on this platform. */
export function cpuClock(): CpuClock {
  return schedstatFd() === null ? 'process' : 'thread'
}

/** CPU seconds of the calling thread so far (process-wide where the platform has no per-thread clock; see cpuClock). */
export function threadCpuSeconds(): number {
  const f = schedstatFd()
  if (f === null) {
    const u = process.cpuUsage()
    return (u.user + u.system) / 1e6
  }
  Atomics.wait(nap, 0, 0, 0.05) // switch out once, so the kernel's run time is current (see above)
  const n = readSync(f, buffer, 0, buffer.length, 0)
  const text = buffer.toString('latin1', 0, n)
  return Number(text.slice(0, text.indexOf(' '))) / 1e9
}

/** CPU seconds of the calling thread since `start` (a threadCpuSeconds() reading). */
export function cpuSecondsSince(start: number): number {
  return threadCpuSeconds() - start
}
