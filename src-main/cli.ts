/**
 * The `driftclip` command line: parses `driftclip <command> [options]`, shows progress, and maps
 * failures to exit codes (0 ok, 1 user error with one clear message, 2 internal error).
 */
import { parseArgs } from 'node:util'
import { COMMANDS } from './commands/index'
import type { CliCommand, CliIo } from './commands/types'
import { CancelledError, UserError, type JobContext } from './engine/jobs/job'
import { progressReporter } from './commands/progress'

const HELP = `driftclip — ocean Lagrangian data assimilation with probabilistic contrastive learning

usage: driftclip <command> [options]   (driftclip <command> --help for its options)

commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(14)} ${c.summary}`).join('\n')}

common options:
  --json     print the result as JSON on stdout (no progress, no prose)
  --help     show help`

function findCommand(name: string | undefined): CliCommand {
  const command = COMMANDS.find((c) => c.name === name)
  if (!command) {
    const known = COMMANDS.map((c) => c.name).join(', ')
    throw new UserError(name ? `unknown command "${name}"; known commands: ${known}` : `no command given; known commands: ${known}`)
  }
  return command
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(HELP)
    return 0
  }
  const json = rest.includes('--json')
  try {
    const command = findCommand(name)
    if (rest.includes('--help')) {
      console.log(`usage: driftclip ${command.name} [options]\n\n${command.summary}\n\n${command.usage}`)
      return 0
    }
    let parsed: ReturnType<typeof parseArgs>
    try {
      parsed = parseArgs({
        args: rest,
        options: { ...command.options, json: { type: 'boolean' }, help: { type: 'boolean' } },
        allowPositionals: command.positionals ?? false,
        strict: true
      })
    } catch (err) {
      throw new UserError(`${command.name}: ${(err as Error).message.replace(/\. To specify.*$/s, '')} (see driftclip ${command.name} --help)`)
    }
    const controller = new AbortController()
    process.once('SIGINT', () => controller.abort())
    const reporter = progressReporter({ enabled: !json, tty: Boolean(process.stderr.isTTY), stream: process.stderr })
    const context: JobContext = {
      signal: controller.signal,
      progress: (p) => reporter.update(p),
      log: (message, level = 'info') => {
        if (!json || level === 'warn') reporter.line(level === 'warn' ? `warning: ${message}` : message)
      }
    }
    const io: CliIo = { context, json, print: (line) => (json ? undefined : reporter.line(line, process.stdout)) }
    const result = await command.run(parsed.values as never, parsed.positionals, io)
    reporter.finish()
    if (json) console.log(JSON.stringify(result, null, 2))
    return 0
  } catch (err) {
    if (err instanceof UserError) {
      console.error(`driftclip: ${err.message}`)
      return 1
    }
    if (err instanceof CancelledError) {
      console.error('driftclip: cancelled; nothing was written')
      return 1
    }
    console.error(`driftclip: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`)
    return 2
  }
}

const invokedDirectly = process.argv[1] && /cli\.(ts|js)$/.test(process.argv[1])
if (invokedDirectly) {
  main(process.argv.slice(2)).then((code) => process.exit(code))
}
