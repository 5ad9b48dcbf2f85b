/** Worker thread for `runSimulation`: simulates the chunks of pairs it is sent and transfers the arrays back. */
import { parentPort, workerData } from 'node:worker_threads'
import { SimulationConfig } from '../../shared/simulation'
import { planSimulation } from '../flows/plan'
import { simulatePairs, type SimulateReply, type SimulateRequest } from '../flows/chunk'

const cfg = SimulationConfig.parse((workerData as { config: unknown }).config)
const plan = planSimulation(cfg)

parentPort?.on('message', (m: SimulateRequest) => {
  if (m.type === 'stop') {
    parentPort?.close()
    return
  }
  try {
    const chunk = simulatePairs(cfg, m.first, m.count, undefined, plan)
    const transfer = [chunk.trajectories.buffer, chunk.params.buffer]
    if (chunk.vortexTracks) transfer.push(chunk.vortexTracks.buffer)
    parentPort?.postMessage({ type: 'chunk', chunk } satisfies SimulateReply, transfer as ArrayBuffer[])
  } catch (err) {
    parentPort?.postMessage({ type: 'error', message: err instanceof Error ? err.message : String(err) } satisfies SimulateReply)
  }
})
