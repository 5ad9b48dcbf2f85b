/**
 * Worker thread for `evaluateInWorkers`: started once per evaluation with the shared data set and inputs, it samples
 * its share of the fields when asked, then scores its range of test queries and sends the part back.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { sampleMembers, scorePart, type EvaluationShare, type FromWorker, type ToWorker } from '../assimilate/evaluate-parallel'
import { UserError } from './job'

const share = workerData as EvaluationShare
const post = (m: FromWorker) => parentPort?.postMessage(m)
let done = 0
// progress: each of the learned and baseline passes reports 1 … (to − from); count the reports
const ctx = { signal: new AbortController().signal, log: () => {}, progress: (p: { unit: string; done: number }) => (p.unit === 'queries' ? post({ type: 'progress', done: ++done }) : undefined) }
parentPort?.on('message', (m: ToWorker) => {
  try {
    if (m.type === 'sample') {
      sampleMembers(share, m)
      post({ type: 'sampled' })
    } else post({ type: 'part', part: scorePart(share, m, ctx) })
  } catch (err) {
    post({ type: 'error', message: err instanceof Error ? err.message : String(err), user: err instanceof UserError })
  }
})
