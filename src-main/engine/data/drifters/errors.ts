/** One shape for every import error: "FILE: WHERE: PROBLEM; WHAT TO DO", thrown as a UserError. */
import { UserError } from '../../jobs/job'
import { capQuotes, oneLine } from '../../../shared/text'

export { MAX_IMPORT_BYTES } from '../../../shared/limits'

/**
 * Build the import UserError.
 * @param file  file name as the user gave it
 * @param where row ("row 7"), variable ("variable lat") or "file"
 * @param problem what is wrong
 * @param fix what the user can do about it
 */
export function importError(file: string, where: string, problem: string, fix: string): UserError {
  // the problem quotes the file's own text: escaped and cut, so it cannot drive a terminal or run to megabytes
  return new UserError(oneLine(`${file}: ${where}: ${capQuotes(problem)}; ${fix}`))
}
