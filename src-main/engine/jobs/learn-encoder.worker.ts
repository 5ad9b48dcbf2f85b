/** Worker thread for one encoder of parallel contrastive training (see engine/learn/encoder-worker.ts). */
import { parentPort, workerData } from 'node:worker_threads'
import { runEncoderSide } from '../learn/encoder-worker'
import type { EncoderWorkerInit, OrchestratorMessage, WorkerMessage } from '../learn/parallel-protocol'

const port = parentPort
if (!port) throw new Error('learn-encoder.worker must run as a worker thread')
const inbox: OrchestratorMessage[] = []
let waiting: ((m: OrchestratorMessage) => void) | undefined
port.on('message', (m: OrchestratorMessage) => {
  if (waiting) {
    const w = waiting
    waiting = undefined
    w(m)
  } else inbox.push(m)
})
const next = () => new Promise<OrchestratorMessage>((resolve) => (inbox.length ? resolve(inbox.shift()!) : (waiting = resolve)))
runEncoderSide(workerData as EncoderWorkerInit, (m: WorkerMessage) => port.postMessage(m), next)
  .catch((err: unknown) => port.postMessage({ type: 'error', message: err instanceof Error ? (err.stack ?? err.message) : String(err) } satisfies WorkerMessage))
  .finally(() => port.close())
