/**
 * The `driftclip` command line: parses `driftclip <command> [options]`, shows progress, and maps
 * failures to exit codes (0 ok, 1 user error with one clear message, 2 internal error, 130 Ctrl+C).
 * Commands call the engine functions directly, not the contract's request handler (which serves the GUI's
 * workspace): the same code and configuration schemas, with files named by the user's options.
 */
import { parseArgs } from 'node:util'
import { COMMANDS } from './commands/index'
import type { CliCommand, CliIo } from './commands/types'
import { CancelledError, UserError, type JobContext } from './engine/jobs/job'
import { progressReporter } from './commands/progress'
import { completedOutputs, interruptCleanup } from './engine/data/atomic'
import { capQuotes, cut, oneLine, printable } from './shared/text'

/** An error message as one safe line: control characters escaped, long quotes and the whole cut. */
export function errorLine(message: string): string {
  return oneLine(cut(capQuotes(message), 1000))
}

/** What a cancelled run leaves: the outputs it completed, and that the unfinished one was not written. */
export function cancelReport(kept: readonly string[], removed: readonly string[] = []): string {
  const keptText = kept.length ? `kept ${oneLine(kept.join(', '))} (complete)` : 'nothing was written'
  const removedText = removed.length ? `; removed the unfinished ${oneLine(removed.join(', '))}` : kept.length ? '; the unfinished output was not written' : ''
  return `driftclip: cancelled; ${keptText}${removedText}`
}

/**
 * Ctrl+C once: cancel, so the command stops at its next check and removes its temporaries. Ctrl+C again (a command
 * busy in one long step): remove the temporaries now and exit 130.
 */
function onInterrupt(controller: AbortController): () => void {
  return () => {
    if (!controller.signal.aborted) {
      controller.abort()
      process.stderr.write('\ndriftclip: stopping (Ctrl+C again to stop at once)\n')
      return
    }
    const { kept, removed } = interruptCleanup()
    process.stderr.write(`${cancelReport(kept, removed)}\n`)
    process.exit(130)
  }
}

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
  let interrupt: (() => void) | undefined
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
      // node's messages span lines; the hint on positionals after "--" does not apply (ours never start with "-")
      const message = (err as Error).message.replace(/\s*\n\s*/g, ' ').replace(/\. To specify a positional argument.*$/s, '')
      throw new UserError(`${command.name}: ${message} (see driftclip ${command.name} --help)`)
    }
    const controller = new AbortController()
    interrupt = onInterrupt(controller)
    process.on('SIGINT', interrupt)
    const reporter = progressReporter({ enabled: !json, tty: Boolean(process.stderr.isTTY), stream: process.stderr })
    const context: JobContext = {
      signal: controller.signal,
      progress: (p) => reporter.update(p),
      // logs and prints carry text from data files: escaped, so they cannot drive the terminal
      log: (message, level = 'info') => {
        if (!json || level === 'warn') reporter.line(oneLine(capQuotes(level === 'warn' ? `warning: ${message}` : message)))
      }
    }
    const io: CliIo = { context, json, print: (line) => (json ? undefined : reporter.line(printable(line), process.stdout)) }
    const result = await command.run(parsed.values as never, parsed.positionals, io)
    reporter.finish()
    if (json) console.log(JSON.stringify(result, null, 2))
    return 0
  } catch (err) {
    if (err instanceof UserError) {
      console.error(`driftclip: ${errorLine(err.message)}`)
      return 1
    }
    if (err instanceof CancelledError) {
      console.error(cancelReport(completedOutputs()))
      return 130
    }
    // a stack trace helps a developer, not a user: one line unless DRIFTCLIP_DEBUG asks for it
    const debug = Boolean(process.env.DRIFTCLIP_DEBUG)
    const detail = err instanceof Error ? (debug ? (err.stack ?? err.message) : errorLine(err.message)) : errorLine(String(err))
    console.error(`driftclip: internal error: ${detail}${debug ? '' : ' (DRIFTCLIP_DEBUG=1 shows where)'}`)
    return 2
  } finally {
    if (interrupt) process.off('SIGINT', interrupt)
  }
}

const invokedDirectly = process.argv[1] && /cli\.(ts|js)$/.test(process.argv[1])
if (invokedDirectly) {
  main(process.argv.slice(2)).then((code) => process.exit(code))
}
