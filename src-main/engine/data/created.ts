/**
 * The creation date written into outputs. SOURCE_DATE_EPOCH (seconds since 1970, the reproducible-builds convention)
 * fixes it, so the same seed gives the same bytes; without it the date is now and is the only byte that differs.
 */
import { UserError } from '../jobs/job'

export function creationDate(env: NodeJS.ProcessEnv = process.env): string {
  const fixed = env.SOURCE_DATE_EPOCH
  if (fixed === undefined || fixed === '') return new Date().toISOString()
  const seconds = Number(fixed)
  if (!Number.isInteger(seconds) || seconds < 0) throw new UserError(`SOURCE_DATE_EPOCH must be whole seconds since 1970, got "${fixed}"`)
  return new Date(seconds * 1000).toISOString()
}
