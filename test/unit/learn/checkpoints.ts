import { tf } from '../../../src-main/engine/learn/backend'
import type { EpochRecord, FitHooks } from '../../../src-main/engine/learn/fit'
import type { OptimizerState } from '../../../src-main/engine/learn/parallel-protocol'
import type { PairedDataset } from '../../../src-main/engine/data/dataset-types'
import { prepareTraining } from '../../../src-main/engine/learn/train'
import type { TrainConfigInput } from '../../../src-main/shared/training'

/** What a checkpoint holds after an epoch: every weight (u, v, the temperature), the Adam state and the history. */
export interface EpochSnapshot {
  weights: number[][]
  optimizer: Record<string, OptimizerState>
  history: EpochRecord[]
}

/**
 * Every epoch's snapshot of a run of `train` (fitParallel, fitDataParallel, …), started afresh or resumed after the
 * snapshot `from` (its weights assigned, its history and Adam state passed as the resume hooks).
 */
export async function epochSnapshots(
  ds: PairedDataset, config: TrainConfigInput, train: (p: ReturnType<typeof prepareTraining>, hooks: FitHooks) => Promise<unknown>, from?: EpochSnapshot
): Promise<EpochSnapshot[]> {
  const p = prepareTraining(ds, config)
  const vars = [...p.net.encU.variables, ...p.net.encV.variables, p.net.logScale]
  if (from) vars.forEach((v, i) => v.assign(tf.tensor(from.weights[i]!, v.shape)))
  const snaps: EpochSnapshot[] = []
  await train(p, {
    ...(from ? { startEpoch: 1, history: from.history, optimizerStates: from.optimizer } : {}),
    onEpochEnd: async (_, history, optimizer) => {
      snaps.push({ weights: vars.map((v) => Array.from(v.dataSync())), optimizer, history: [...history] })
    }
  })
  return snaps
}
