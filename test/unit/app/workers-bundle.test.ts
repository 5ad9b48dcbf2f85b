import { readFileSync, statSync, writeFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { bundledWorkerFile } from '../../../src-main/engine/jobs/workers'

type Stamp = { version: number; inputs: Record<string, [number, number]> }
const stampOf = (file: string) => JSON.parse(readFileSync(`${file}.json`, 'utf8')) as Stamp

describe('compute workers started from source', () => {
  it('are bundled once into node_modules/.cache, stamped with every input, and reused while the inputs are unchanged', () => {
    const file = bundledWorkerFile('simulate')!
    expect(file).toMatch(/node_modules\/\.cache\/driftclip-workers\/simulate\.worker\.[0-9a-f]{8}\.mjs$/)
    const stamp = stampOf(file)
    expect(Object.keys(stamp.inputs)).toEqual(expect.arrayContaining(['src-main/engine/jobs/simulate.worker.ts', 'src-main/engine/flows/chunk.ts']))
    // the bundle leaves packages to Node: zod is imported, not inlined
    expect(readFileSync(file, 'utf8')).toMatch(/from "zod"/)
    const built = statSync(file).mtimeMs
    expect(bundledWorkerFile('simulate')).toBe(file)
    expect(statSync(file).mtimeMs).toBe(built)
  })
  it('are rebuilt when an input differs from its stamp', () => {
    const file = bundledWorkerFile('evaluate')!
    const stamp = stampOf(file)
    const source = 'src-main/engine/assimilate/evaluate-parallel.ts'
    const truth = stamp.inputs[source]!
    writeFileSync(`${file}.json`, JSON.stringify({ ...stamp, inputs: { ...stamp.inputs, [source]: [truth[0] - 1000, truth[1]] } }))
    expect(bundledWorkerFile('evaluate')).toBe(file)
    expect(stampOf(file).inputs[source]).toEqual(truth)
  })
})
