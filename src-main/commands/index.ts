/** Every `driftclip` command, in the order `--help` lists them. Add one line per command. */
import type { CliCommand } from './types'

export const COMMANDS: CliCommand[] = []
