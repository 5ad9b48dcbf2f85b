/** Reading typed command-line option values, each failure one UserError naming the option. */
import type { z } from 'zod'
import { UserError } from '../engine/jobs/job'
import type { OptionValues } from './types'

/** An optional number (integer or real) option of `command`; undefined when absent. */
export function numberOption(values: OptionValues, name: string, kind: 'int' | 'real', command: string): number | undefined {
  const raw = values[name]
  if (raw === undefined) return undefined
  const n = Number(raw)
  if (raw === '' || !Number.isFinite(n) || (kind === 'int' && !Number.isInteger(n)))
    throw new UserError(`${command}: --${name} must be ${kind === 'int' ? 'an integer' : 'a number'}, got "${String(raw)}"`)
  return n
}

/** A positive integer option with a default. */
export function intOption(values: OptionValues, name: string, fallback: number): number {
  const raw = values[name]
  if (raw === undefined) return fallback
  const n = Number(raw)
  if (!Number.isInteger(n) || n < 1) throw new UserError(`--${name} must be a positive integer, got "${String(raw)}"`)
  return n
}

/** A required string option, or a UserError naming it. */
export function stringOption(values: OptionValues, name: string, command: string): string {
  const raw = values[name]
  if (typeof raw !== 'string' || raw === '') throw new UserError(`${command}: --${name} is required (see driftclip ${command} --help)`)
  return raw
}

/**
 * Validate options with the schema the contract uses, so the CLI accepts exactly what the GUI does; the first problem
 * names the option that set it (`optionOf` maps a schema field to its option where the names differ).
 */
export function parseWithSchema<S extends z.ZodType>(schema: S, input: z.input<S>, command: string, optionOf: Record<string, string> = {}): z.output<S> {
  const parsed = schema.safeParse(input)
  if (parsed.success) return parsed.data
  const issue = parsed.error.issues[0]!
  const first = String(issue.path[0] ?? 'option')
  throw new UserError(`${command}: --${optionOf[issue.path.map(String).join('.')] ?? optionOf[first] ?? first}: ${issue.message}`)
}
