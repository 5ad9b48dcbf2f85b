import { Worker } from 'node:worker_threads'
import { describe, expect, it } from 'vitest'
import { cpuClock, threadCpuSeconds } from '../../src-main/engine/thread-cpu'

const processSeconds = () => {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1e6
}

describe('threadCpuSeconds (the benchmark rows’ CPU clock)', () => {
  it('never goes back', () => {
    let last = threadCpuSeconds()
    for (let k = 0; k < 50; k++) {
      const t = threadCpuSeconds()
      expect(t).toBeGreaterThanOrEqual(last)
      last = t
    }
  })

  it.runIf(cpuClock() === 'thread')('charges a busy loop on this thread: no more than the wall time and the process clock', () => {
    const w0 = performance.now(), p0 = processSeconds(), t0 = threadCpuSeconds()
    let x = 0
    while (threadCpuSeconds() - t0 < 0.1) for (let i = 0; i < 1e5; i++) x += Math.sqrt(i + x)
    const dt = threadCpuSeconds() - t0, dp = processSeconds() - p0, dw = (performance.now() - w0) / 1000
    expect(x).toBeGreaterThan(0)
    expect(dt).toBeGreaterThanOrEqual(0.1)
    expect(dt).toBeLessThanOrEqual(dw + 1e-3) // a thread cannot run longer than the wall clock
    expect(dt).toBeLessThanOrEqual(dp + 5e-3) // nor longer than its whole process (getrusage is exact)
  })

  it.runIf(cpuClock() === 'thread')('does not charge work done on another thread while this one waits', async () => {
    // the worker spins until the process has used 0.2 CPU-s more; this thread sleeps in the event loop meanwhile
    const p0 = processSeconds(), t0 = threadCpuSeconds()
    const src = `const { parentPort } = require('node:worker_threads')
      const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6 }
      const start = ${p0}; let x = 0
      while (cpu() - start < 0.2) for (let i = 0; i < 1e5; i++) x += Math.sqrt(i + x)
      parentPort.postMessage(x)`
    const worker = new Worker(src, { eval: true })
    await new Promise((resolve, reject) => {
      worker.once('message', resolve)
      worker.once('error', reject)
    })
    await worker.terminate()
    const dt = threadCpuSeconds() - t0, dp = processSeconds() - p0
    expect(dp).toBeGreaterThanOrEqual(0.2)
    expect(dt).toBeLessThan(0.3 * dp) // this thread paid the worker's start-up at most, not its 0.2 s loop
  })
})
