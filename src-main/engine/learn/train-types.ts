/** The prepared inputs of one training run, shared by the one-thread and the parallel loops. */
import type { FitSettings, PairData, PairNet } from './fit'
import type { ModelMeta } from './model'

/** Everything needed to train: normalised inputs, the untrained pair and the metadata skeleton. */
export interface Prepared { data: PairData; net: PairNet; settings: FitSettings; meta: ModelMeta }
