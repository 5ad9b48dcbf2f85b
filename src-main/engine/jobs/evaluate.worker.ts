/** Worker thread for `evaluateInWorkers`: scores one range of test queries and sends the part back. */
import { parentPort, workerData } from 'node:worker_threads'
import { evaluatePart, type PartReply, type PartRequest } from '../assimilate/evaluate-parallel'
import { UserError } from './job'

const req = workerData as PartRequest
const post = (m: PartReply) => parentPort?.postMessage(m)
let done = 0
// progress: each of the learned and baseline passes reports 1 … (to − from); count the reports
const ctx = { signal: new AbortController().signal, log: () => {}, progress: (p: { unit: string; done: number }) => (p.unit === 'queries' ? post({ type: 'progress', done: ++done }) : undefined) }
evaluatePart(req, ctx).then(
  (part) => post({ type: 'part', part }),
  (err: unknown) => post({ type: 'error', message: err instanceof Error ? err.message : String(err), user: err instanceof UserError })
)
