import { describe, expect, test } from 'vitest'
import { formatDuration, formatProgress, progressReporter } from '../../../src-main/commands/progress'

describe('terminal progress', () => {
  test('formats a bar with count, ETA and metrics', () => {
    expect(formatProgress({ done: 250, total: 1000, unit: 'pairs', etaSeconds: 75, metrics: { pairsPerSecond: 41.5 } }, 8)).toBe(
      '[##------]  25% · 250/1000 pairs · ETA 1:15 · pairsPerSecond 41.50'
    )
  })

  test('durations', () => {
    expect(formatDuration(59.6)).toBe('1:00')
    expect(formatDuration(3725)).toBe('1:02:05')
  })

  test('without a terminal it writes plain lines, throttled, with the final state', () => {
    const out: string[] = []
    const r = progressReporter({ enabled: true, tty: false, stream: { write: (s: string) => out.push(s) }, intervalMs: 60_000 })
    for (let i = 1; i <= 10; i++) r.update({ done: i, total: 10, unit: 'steps' })
    r.finish()
    expect(out.every((l) => !l.includes('\r'))).toBe(true)
    expect(out[0]).toContain('1/10 steps')
    expect(out.at(-1)).toContain('10/10 steps')
    expect(out.length).toBeLessThanOrEqual(3)
  })
})
