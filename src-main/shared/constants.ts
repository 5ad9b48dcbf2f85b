/** Physical constants, units and paper defaults: the one place each of these facts lives. Pure: no imports. */

/** Earth radius used for drifter velocities, as clouddrift's `velocity_from_position` (m). */
export const EARTH_RADIUS_M = 6.3781e6

/** Seconds per day. */
export const SECONDS_PER_DAY = 86400

/** The paper's Lagrangian experiment (arXiv 2505.24134 §6.3). */
export const PAPER = {
  /** Fourier modes of the stream function: the 7×7 lowest wavenumbers. */
  modesPerSide: 7,
  modes: 49,
  /** Integration step and length: RK4, dt = 1e-5 up to T = 0.1. */
  dt: 1e-5,
  steps: 10_000,
  /** Positions recorded every 10 steps, so a trajectory is 2 × 1000. */
  recordEvery: 10,
  /** The one tracer starts at (0.75, 0.75). */
  start: [0.75, 0.75] as const,
  /** Embedding dimension n_e = 2K. */
  embeddingDim: 98,
  /** Training: Adam, lr 1e-4, batch 128, 20 epochs, N = 32,768 pairs. */
  batch: 128,
  learningRate: 1e-4,
  epochs: 20,
  pairs: 32_768
} as const

/** CLIP-style temperature default (open_clip initialises the logit scale at 1/0.07). */
export const DEFAULT_TEMPERATURE = 0.07
