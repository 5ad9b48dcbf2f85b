/**
 * The creation date written into outputs. SOURCE_DATE_EPOCH (seconds since 1970, the reproducible-builds convention)
 * fixes it, and the HDF5 object time stamps with it, so the same seed gives the same bytes; without it the date is
 * now, and the date_created attribute and HDF5's time stamps are all that differ.
 */
import { UserError } from '../jobs/job'

export function creationDate(env: NodeJS.ProcessEnv = process.env): string {
  const seconds = fixedCreationSeconds(env)
  return new Date(seconds === undefined ? Date.now() : seconds * 1000).toISOString()
}

/** SOURCE_DATE_EPOCH as seconds, or undefined when it is not set. */
export function fixedCreationSeconds(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const fixed = env.SOURCE_DATE_EPOCH
  if (fixed === undefined || fixed === '') return undefined
  const seconds = Number(fixed)
  if (!Number.isInteger(seconds) || seconds < 0 || seconds >= 2 ** 32) throw new UserError(`SOURCE_DATE_EPOCH must be whole seconds since 1970, got "${fixed}"`)
  return seconds
}
