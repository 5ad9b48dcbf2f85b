/** The learning core's public surface: backend, training, models. */
export { initBackend, currentBackend } from './backend'
export type { EpochRecord } from './fit'
export type { TrainResult } from './train'
export { trainOnDataset, runTraining, checkpointPath } from './train'
export type { ContrastiveModel } from './model'
export { loadModel } from './model-io'
