import { describe, expect, test } from 'vitest'
import type { EngineEvent } from '../../../src-main/shared/contract'
import { JobRunner } from '../../../src-main/engine/jobs/runner'
import { PAUSE_REASON, throwIfCancelled, UserError } from '../../../src-main/engine/jobs/job'

function collect() {
  const events: EngineEvent[] = []
  const runner = new JobRunner((e) => events.push(e))
  const settled = () => new Promise((r) => setTimeout(r, 30))
  return { events, runner, settled }
}

describe('JobRunner', () => {
  test('a job emits started, its last progress, and done with the result', async () => {
    const { events, runner, settled } = collect()
    const { jobId: id } = runner.start('import', 'tracks.csv', async (ctx) => {
      for (let i = 1; i <= 100; i++) ctx.progress({ done: i, total: 100, unit: 'rows' })
      return { file: 'tracks.csv' } as never
    })
    await settled()
    expect(events[0]).toMatchObject({ type: 'job:started', job: { jobId: id, kind: 'import', state: 'running' } })
    const progress = events.filter((e) => e.type === 'job:progress')
    // throttled: far fewer than 100 events, and the final 100/100 always goes out
    expect(progress.length).toBeLessThan(5)
    expect(progress.at(-1)).toMatchObject({ progress: { done: 100, total: 100 } })
    expect(events.at(-1)).toEqual({ type: 'job:done', jobId: id, kind: 'import', result: { file: 'tracks.csv' } })
    expect(runner.list()[0].state).toBe('done')
  })

  test('cancel aborts the signal and ends with job:cancelled only', async () => {
    const { events, runner, settled } = collect()
    const { jobId: id } = runner.start('simulate', 'demo', async (ctx) => {
      await new Promise((r) => setTimeout(r, 10))
      throwIfCancelled(ctx.signal)
      return {} as never
    })
    expect(runner.cancel(id)).toBe(true)
    await settled()
    expect(events.map((e) => e.type)).toEqual(['job:started', 'job:cancelled'])
    expect(runner.cancel(id)).toBe(false)
  })

  test('a cancel that arrives after the result is complete cannot undo it: the job reports done, not cancelled', async () => {
    const { events, runner, settled } = collect()
    const { jobId: id } = runner.start('export', 'late cancel', async () => {
      await new Promise((r) => setTimeout(r, 5))
      runner.cancel(id) // the file is already in place when the cancel lands
      return { files: [] }
    })
    await settled()
    expect(events.map((e) => e.type)).toEqual(['job:started', 'job:log', 'job:done'])
    expect(runner.list()[0].state).toBe('done')
  })

  test('pause is a cancel whose abort reason and event say paused (the work keeps what Resume needs)', async () => {
    const { events, runner, settled } = collect()
    let reason: unknown
    const { jobId: id } = runner.start('train', 'm', async (ctx) => {
      await new Promise((r) => setTimeout(r, 10))
      reason = ctx.signal.reason
      throwIfCancelled(ctx.signal)
      return {} as never
    })
    expect(runner.cancel(id, true)).toBe(true)
    await settled()
    expect(reason).toBe(PAUSE_REASON)
    expect(events.at(-1)).toEqual({ type: 'job:cancelled', jobId: id, paused: true })
    expect(runner.list()[0]).toMatchObject({ state: 'cancelled', paused: true })
  })

  test('a user error keeps its message and code; anything else is internal', async () => {
    const { events, runner, settled } = collect()
    runner.start('import', 'a', async () => {
      throw new UserError('a.csv row 3: time "yesterday" is not a date', 'bad-input')
    })
    runner.start('import', 'b', async () => {
      throw new TypeError('boom')
    })
    await settled()
    const errors = events.filter((e) => e.type === 'job:error')
    expect(errors.map((e) => (e as { error: unknown }).error)).toEqual([
      { code: 'bad-input', message: 'a.csv row 3: time "yesterday" is not a date' },
      { code: 'internal', message: 'boom' }
    ])
  })
})
