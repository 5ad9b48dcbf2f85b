/**
 * Worker thread for `evaluateInWorkers`: started once per evaluation with the shared data set, it samples its share
 * of the fields, fills its share of the bank's mean and scores baseline chunks (meeting the other workers at
 * barriers), then scores learned chunks when the model's inputs arrive; each part goes back with its first query.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { learnedPart, startPart, type EvaluationShare, type FromWorker, type ToWorker } from '../assimilate/evaluate-parallel'
import { UserError } from './job'

const share = workerData as EvaluationShare
const post = (m: FromWorker) => parentPort?.postMessage(m)
let done = 0
// progress: each of the learned and baseline passes reports 1 … (to − from); count the reports
const ctx = { signal: new AbortController().signal, log: () => {}, progress: (p: { unit: string; done: number }) => (p.unit === 'queries' ? post({ type: 'progress', done: ++done }) : undefined) }
parentPort?.on('message', (m: ToWorker) => {
  try {
    if (m.type === 'start') post({ type: 'baselines', parts: startPart(share, m, ctx) })
    else post({ type: 'learned', parts: learnedPart(share, m, ctx) })
  } catch (err) {
    post({ type: 'error', message: err instanceof Error ? err.message : String(err), user: err instanceof UserError })
  }
})
