/** Every `driftclip` command, in the order `--help` lists them. Add one line per command. */
import type { CliCommand } from './types'
import { simulateCommand } from './simulate'
import { importCommand } from './import'
import { trainCommand } from './train'
import { gpExperimentCommand } from './gp-experiment'
import { evaluateCommand } from './evaluate'
import { compareCommand } from './compare'
import { demoCommand } from './demo'
import { assimilateCommand } from './assimilate'
import { reproduceCommand } from './reproduce'
import { benchmarkDaCommand } from './benchmark-da'
import { exportTracksCommand } from './export-tracks'

export const COMMANDS: CliCommand[] = [simulateCommand, importCommand, trainCommand, evaluateCommand, compareCommand, demoCommand, gpExperimentCommand, assimilateCommand, reproduceCommand, benchmarkDaCommand, exportTracksCommand]
