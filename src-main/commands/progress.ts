/** Progress for the terminal: a redrawn bar on a TTY, a plain line every few seconds otherwise. */
import type { JobProgress } from '../shared/contract'

interface Writable {
  write(s: string): unknown
}

export interface ProgressReporter {
  update(p: JobProgress): void
  /** Print a line without tearing the bar. */
  line(text: string, stream?: Writable): void
  finish(): void
}

export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds))
  const h = Math.floor(s / 3600)
  const m = Math.floor((s % 3600) / 60)
  const pad = (n: number) => String(n).padStart(2, '0')
  return h > 0 ? `${h}:${pad(m)}:${pad(s % 60)}` : `${m}:${pad(s % 60)}`
}

export function formatProgress(p: JobProgress, width = 24): string {
  const fraction = p.total > 0 ? Math.min(1, p.done / p.total) : 0
  const filled = Math.round(fraction * width)
  const bar = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`
  const parts = [`${bar} ${(fraction * 100).toFixed(0).padStart(3)}%`, `${p.done}/${p.total} ${p.unit}`]
  if (p.etaSeconds !== undefined && Number.isFinite(p.etaSeconds)) parts.push(`ETA ${formatDuration(p.etaSeconds)}`)
  for (const [k, v] of Object.entries(p.metrics ?? {})) parts.push(`${k} ${Number.isInteger(v) ? v : v.toPrecision(4)}`)
  if (p.message) parts.push(p.message)
  return parts.join(' · ')
}

export function progressReporter(opts: { enabled: boolean; tty: boolean; stream: Writable; intervalMs?: number }): ProgressReporter {
  const interval = opts.intervalMs ?? (opts.tty ? 100 : 2000)
  let last = 0
  let drawn = false
  let pending: JobProgress | undefined
  const clear = () => {
    if (drawn && opts.tty) opts.stream.write('\r\x1b[2K')
    drawn = false
  }
  const draw = (p: JobProgress) => {
    if (opts.tty) {
      opts.stream.write(`\r\x1b[2K${formatProgress(p)}`)
      drawn = true
    } else opts.stream.write(`${formatProgress(p)}\n`)
    pending = undefined
  }
  return {
    update(p) {
      if (!opts.enabled) return
      const now = Date.now()
      pending = p
      if (now - last >= interval || p.done >= p.total) {
        last = now
        draw(p)
      }
    },
    line(text, stream = opts.stream) {
      clear()
      stream.write(`${text}\n`)
    },
    finish() {
      if (opts.enabled && pending) draw(pending)
      if (drawn && opts.tty) opts.stream.write('\n')
      drawn = false
    }
  }
}
