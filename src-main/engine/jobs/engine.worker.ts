/** The engine worker thread: answers contract requests and runs jobs, off the main thread. */
import { parentPort, workerData } from 'node:worker_threads'
import type { EngineMessage, EngineOptions, HostMessage } from './protocol'
import { createEngine } from '../engine'
import { toJobError } from './job'
import { watchTemporaries } from '../data/atomic'

const port = parentPort
if (!port) throw new Error('engine.worker must run as a worker thread')

const post = (m: EngineMessage) => port.postMessage(m)
watchTemporaries((path, live, kind) => post({ type: 'temporary', path, live, kind }))
const engine = await createEngine(workerData as EngineOptions, (event) => post({ type: 'event', event }))

port.on('message', async (m: HostMessage) => {
  if (m.type !== 'request') return
  try {
    const result = await engine.handle(m.channel, m.arg)
    post({ type: 'response', id: m.id, ok: true, result })
  } catch (err) {
    post({ type: 'response', id: m.id, ok: false, error: toJobError(err) })
  }
})
post({ type: 'ready' })
