/** The shape of one `driftclip <command>`: options, help and a run function over the engine. */
import type { ParseArgsConfig } from 'node:util'
import type { JobContext } from '../engine/jobs/job'

export type OptionSpec = NonNullable<ParseArgsConfig['options']>
export type OptionValues = Record<string, string | boolean | (string | boolean)[] | undefined>

export interface CliIo {
  /** Progress goes to a bar on a terminal, plain lines otherwise, nothing under --json. */
  context: JobContext
  /** Human-readable output (stdout); suppressed under --json. */
  print(line: string): void
  json: boolean
}

export interface CliCommand {
  name: string
  /** One line for `driftclip --help`. */
  summary: string
  /** Option lines for `driftclip <name> --help`. */
  usage: string
  options: OptionSpec
  /** Whether positional arguments are accepted (e.g. `import FILE`). */
  positionals?: boolean
  /** Do the work; the returned value is printed as JSON under --json. Throw UserError for bad input. */
  run(values: OptionValues, positionals: string[], io: CliIo): Promise<unknown>
}
