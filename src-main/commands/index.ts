/** Every `driftclip` command, in the order `--help` lists them. Add one line per command. */
import type { CliCommand } from './types'
import { simulateCommand } from './simulate'
import { importCommand } from './import'
import { trainCommand } from './train'

export const COMMANDS: CliCommand[] = [simulateCommand, importCommand, trainCommand]
