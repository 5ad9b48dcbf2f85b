/** Worker thread of parallel contrastive training: one encoder (engine/learn/encoder-worker.ts) or one data shard (shard-worker.ts). */
import { parentPort, workerData } from 'node:worker_threads'
import { runEncoderSide } from '../learn/encoder-worker'
import { runShard } from '../learn/shard-worker'
import type { EncoderWorkerInit, OrchestratorMessage, ShardWorkerInit, WorkerMessage } from '../learn/parallel-protocol'

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
const post = (m: WorkerMessage) => port.postMessage(m)
const init = workerData as EncoderWorkerInit | ShardWorkerInit
;(init.kind === 'shard' ? runShard(init, post, next) : runEncoderSide(init, post, next))
  .catch((err: unknown) => port.postMessage({ type: 'error', message: err instanceof Error ? (err.stack ?? err.message) : String(err) } satisfies WorkerMessage))
  .finally(() => port.close())
