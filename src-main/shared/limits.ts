/**
 * Input limits and grid/frame defaults, each defined once: the contract (GUI requests), the server, the engine, the
 * CLI and the renderer's stores all read them here. Pure: zod only.
 */
import { z } from 'zod'

/**
 * Largest seed. Seeds are 32-bit: the training and sampling generators take 32 bits (learn/random.ts,
 * assimilate/weights.ts), so a larger seed would silently repeat a smaller one's numbers.
 */
export const MAX_SEED = 2 ** 32 - 1

/** A random seed, as every face accepts it (simulate, train, compare, evaluate, assimilate, the twin benchmark). */
export const Seed = z.number().int().min(0).max(MAX_SEED)

/** Grid cells per side and frames of each kind of field. */
export const FIELD_DEFAULTS = {
  /** Explore 2D/3D (getField). */
  explore: { grid: 32, frames: 20 },
  /** A comparison's test-case panels, one per variant (first, middle and last frame), and its report's field view. */
  comparison: { grid: 24, frames: 3, reportFrames: 5 },
  /** Field errors of an evaluation or comparison (RMSE tables): every query × bank member is sampled on it. */
  evaluation: { grid: 16, frames: 6 },
  /** An assimilated deployment field: cells along the longer side of the domain, and at most this many frames. */
  deployment: { grid: 48, frames: 120 },
  /** The deployment map reads at most this many frames of a field file. */
  deploymentMap: { frames: 48 }
} as const
/** The largest fields a request may ask for: explore views (a 128² × 200 view is ~26 MB of JSON) and deployment fields. */
export const FIELD_LIMITS = {
  explore: { grid: { min: 8, max: 128 }, frames: { max: 200 } },
  deployment: { grid: { min: 8, max: 200 }, frames: { max: 500 } }
} as const

/**
 * Memory an evaluation's sampled fields may take, bytes: every bank member and test query is held on the grid at every
 * frame (u, v, ψ as doubles), so `--grid` and `--frames` are bounded by their product, not one by one.
 */
export const MAX_EVALUATION_FIELD_BYTES = 2 ** 31

/** Largest drifter file accepted, bytes (stated in the error so users know the limit). */
export const MAX_IMPORT_BYTES = 200 * 1024 * 1024

/** Base64 length of the largest drifter file: the contract's cap on an upload's `contentBase64`. */
export const MAX_IMPORT_BASE64 = Math.ceil(MAX_IMPORT_BYTES / 3) * 4

/** Largest request body the browser-mode server reads: the largest upload plus room for its JSON envelope. */
export const MAX_REQUEST_BYTES = MAX_IMPORT_BASE64 + 1024 * 1024

/**
 * Values one variable of a file may declare before anything is allocated. A header can claim any size (a 7 kB
 * NetCDF-4 file may declare 60 million observations), so the claim is checked against the file: at most 4 values per
 * byte of file (a 32× compression of doubles, beyond what real drifter data reaches), never less than 2^20 nor
 * more than 2^26 (512 MiB of doubles).
 */
export function maxDeclaredValues(fileBytes: number): number {
  return Math.min(2 ** 26, Math.max(2 ** 20, 4 * fileBytes))
}

/** What is wrong with a variable's declared shape for a file of `fileBytes`, or undefined when it is within limits. */
export function declaredSizeProblem(shape: readonly number[], fileBytes: number): string | undefined {
  const values = shape.reduce((a, b) => a * b, 1)
  const max = maxDeclaredValues(fileBytes)
  if (values <= max) return undefined
  return `declares ${values.toLocaleString('en-US')} values (shape ${shape.join(' × ')}), more than the ${max.toLocaleString('en-US')} a ${fileBytes.toLocaleString('en-US')}-byte file can hold; the file is damaged or crafted`
}
