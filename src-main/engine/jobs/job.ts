/** What every long operation receives: a cancel signal and progress/log callbacks. No IPC, no terminal. */
import type { JobError, JobProgress } from '../../shared/contract'

export interface JobContext {
  /** Aborted when the user cancels; check it between units of work. */
  signal: AbortSignal
  /** Report progress; callers may call it often, the runner throttles. */
  progress(p: JobProgress): void
  log(message: string, level?: 'info' | 'warn'): void
}

/** An error the user caused and can fix: shown as one plain message, exit code 1 in the CLI. */
export class UserError extends Error {
  constructor(
    message: string,
    readonly code: Exclude<JobError['code'], 'internal' | 'cancelled'> = 'bad-input'
  ) {
    super(message)
    this.name = 'UserError'
  }
}

/** The abort reason of a job cancelled with Pause: partial work that can be resumed is kept. */
export const PAUSE_REASON = 'pause'

/** Thrown by `throwIfCancelled`; the runner turns it into a `job:cancelled` event. */
export class CancelledError extends Error {
  constructor() {
    super('cancelled')
    this.name = 'CancelledError'
  }
}

export function throwIfCancelled(signal: AbortSignal): void {
  if (signal.aborted) throw new CancelledError()
}

/** A context that ignores progress: for tests and nested calls. */
export function silentContext(signal: AbortSignal = new AbortController().signal): JobContext {
  return { signal, progress: () => {}, log: () => {} }
}

/** Map any thrown value to the contract's error shape. */
export function toJobError(err: unknown): JobError {
  if (err instanceof CancelledError) return { code: 'cancelled', message: 'cancelled' }
  if (err instanceof UserError) return { code: err.code, message: err.message }
  const e = err as { code?: unknown; message?: unknown; name?: unknown }
  if (e && e.name === 'RequestError' && typeof e.message === 'string')
    return { code: (e.code as JobError['code']) ?? 'bad-input', message: e.message }
  return { code: 'internal', message: err instanceof Error ? err.message : String(err) }
}

/** Estimated seconds left from elapsed time and fraction done. */
export function etaSeconds(startedMs: number, done: number, total: number, nowMs = Date.now()): number | undefined {
  if (done <= 0 || total <= 0) return undefined
  return ((nowMs - startedMs) / 1000) * ((total - done) / done)
}
