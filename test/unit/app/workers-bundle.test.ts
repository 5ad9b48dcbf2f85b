import { readFileSync, statSync, writeFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { bundledWorkerFile, startWorker } from '../../../src-main/engine/jobs/workers'

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

describe('the training worker started from source', () => {
  it('is bundled too, with tfjs left to Node, and loads: tfjs initialises and a bad init comes back as its error message', async () => {
    const file = bundledWorkerFile('learn-encoder')!
    expect(file).toMatch(/learn-encoder\.worker\.[0-9a-f]{8}\.mjs$/)
    expect(Object.keys(stampOf(file).inputs)).toEqual(expect.arrayContaining(['src-main/engine/learn/shard-worker.ts', 'src-main/engine/learn/encoder-worker.ts']))
    expect(readFileSync(file, 'utf8')).toMatch(/from "@tensorflow\/tfjs-backend-wasm"/)
    // no encoder specs: the shard reaches them only after its backend is up
    const w = startWorker('learn-encoder', { kind: 'shard', backend: 'wasm' })
    const reply = await new Promise<{ type: string; message: string }>((resolve) => w.once('message', resolve))
    await w.terminate()
    expect(reply.type).toBe('error')
    expect(reply.message).toMatch(/^TypeError: Cannot read properties of undefined \(reading 'kind'\)\n {4}at buildEncoder/)
  }, 30_000)
})
