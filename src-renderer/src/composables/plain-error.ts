/** Turns any failure (request error, job error, exception) into one plain sentence plus what to do next. */
import { CHANNELS, type JobError } from '@shared/contract'

const NEXT_STEP: Record<JobError['code'], string> = {
  'bad-input': 'Check the settings named above and try again.',
  'not-found': 'Refresh the workspace list and pick an existing file.',
  cancelled: 'Start it again when you are ready.',
  internal: 'Try again; if it happens again, copy the job log from the jobs panel and report it.'
}

/** The code of an error-like value, or 'internal'. */
export function errorCode(err: unknown): JobError['code'] {
  const code = (err as { code?: unknown } | null)?.code
  return code === 'bad-input' || code === 'not-found' || code === 'cancelled' || code === 'internal' ? code : 'internal'
}

/** "What went wrong. What to do next." — never a stack trace. */
export function plainError(err: unknown): string {
  const raw = (err as { message?: unknown } | null)?.message
  let message = typeof raw === 'string' && raw.trim() ? raw.trim() : String(err)
  if (/failed to fetch|networkerror|load failed/i.test(message)) {
    return 'The engine is not reachable. Check that Driftclip is still running, then reload this page.'
  }
  message = message.split('\n')[0]
  // request validation says "<channel>: <field>: <problem>"; the channel name means nothing to a user
  const m = /^(\w+): ([\w.]+): (.*)$/.exec(message)
  if (m && (CHANNELS as string[]).includes(m[1])) message = `setting "${m[2]}": ${m[3]}`
  if (!/[.!?]$/.test(message)) message += '.'
  const first = message.charAt(0).toUpperCase() + message.slice(1)
  return `${first} ${NEXT_STEP[errorCode(err)]}`
}
