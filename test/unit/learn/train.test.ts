import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CancelledError, UserError, silentContext } from '../../../src-main/engine/jobs/job'
import { initBackend, loadModel, runTraining, trainOnDataset } from '../../../src-main/engine/learn/index'
import { writeDataset } from '../../../src-main/engine/data/dataset'
import { syntheticDataset } from './synthetic'
import { simulateDataset } from '../../../src-main/engine/flows/simulate'
import { SimulationConfig } from '../../../src-main/shared/simulation'

let dir: string
beforeAll(async () => {
  await initBackend('wasm')
  dir = await mkdtemp(join(tmpdir(), 'driftclip-learn-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

const small = { dim: 8, widths: [32], batch: 32, learningRate: 3e-3, warmupFraction: 0.1, parallel: 'off' as const, patience: 0 }

describe('trainOnDataset', () => {
  const ds = syntheticDataset({ pairs: 400 })
  it('learns: validation loss falls well below log B and R@1 beats chance in both directions', async () => {
    const { model, history } = await trainOnDataset(ds, { ...small, epochs: 6 }, silentContext())
    const last = history[history.length - 1]
    expect(history).toHaveLength(6)
    expect(last.validationLoss).toBeLessThan(history[0].validationLoss)
    expect(last.validationLoss).toBeLessThan(Math.log(32) - 1)
    expect(last.r1TrajToPot).toBeGreaterThan(5 / 40)
    expect(last.r1PotToTraj).toBeGreaterThan(5 / 40)
    model.dispose()
  })
  it('is deterministic: same seed, same embeddings', async () => {
    const a = await trainOnDataset(ds, { ...small, epochs: 1 }, silentContext())
    const b = await trainOnDataset(ds, { ...small, epochs: 1 }, silentContext())
    expect(Buffer.from(a.model.encodePotentials(ds.params, 5).buffer)).toEqual(Buffer.from(b.model.encodePotentials(ds.params, 5).buffer))
    a.model.dispose()
    b.model.dispose()
  })
  it('trains the sequence (transformer) encoder and the mmd loss', async () => {
    for (const cfg of [{ encoder: 'sequence' as const, tokens: 8, modelWidth: 16 }, { loss: 'mmd' as const }]) {
      const { model, history } = await trainOnDataset(ds, { ...small, ...cfg, epochs: 3 }, silentContext())
      expect(history[2].validationLoss).toBeLessThan(history[0].validationLoss)
      model.dispose()
    }
  })
  it('refuses the identity potential encoder with the wrong dimension', async () => {
    await expect(trainOnDataset(ds, { ...small, potentialEncoder: 'identity', epochs: 1 }, silentContext())).rejects.toThrow(
      new UserError('the identity potential encoder needs --dim 4 (the number of flow parameters), got 8')
    )
  })
  it('stops when cancelled', async () => {
    const c = new AbortController()
    c.abort()
    await expect(trainOnDataset(ds, { ...small, epochs: 1 }, silentContext(c.signal))).rejects.toBeInstanceOf(CancelledError)
  })
})

describe('basis tokens (velocity × the flow’s Fourier features)', () => {
  it('train on the Fourier flow, save and load with the same embeddings; other flows get one clear line', async () => {
    const ds = simulateDataset(SimulationConfig.parse({ flow: 'fourier', pairs: 120, seed: 4, tracers: 1, starts: [[0.75, 0.75]], dt: 2e-3, steps: 50, recordEvery: 1, fourier: { modesPerSide: 3 } }))
    const cfg = { ...small, dim: 18, potentialEncoder: 'identity' as const, encoder: 'sequence' as const, tokenFeatures: 'basis' as const, tokens: 5, modelWidth: 16, pooling: 'mean' as const, epochs: 1 }
    const { model } = await trainOnDataset(ds, cfg, silentContext())
    expect(model.meta.architecture.tokens).toMatchObject({ tokens: 5, patch: 10, basis: { kind: 'fourier-velocity', modesPerSide: 3 } })
    expect(model.meta.architecture.u.sequence?.tokenDim).toBe(4 + 4 * 9)
    const out = join(dir, 'basis')
    await model.save(out, { dataset: 'fourier.nc' })
    const back = await loadModel(out, ds)
    expect(back.encodeTrajectories(ds.trajectories, 6)).toEqual(model.encodeTrajectories(ds.trajectories, 6))
    model.dispose()
    back.dispose()
    await expect(trainOnDataset(syntheticDataset({ pairs: 40, flow: 'vortex' }), { ...small, encoder: 'sequence', tokenFeatures: 'basis', epochs: 1 }, silentContext())).rejects.toThrow(
      new UserError("--token-features basis needs the Fourier flow (its velocity is a sum of Fourier modes); this data set's flow is vortex: use --token-features positions")
    )
  })
})

describe('model folders and runTraining', () => {
  const ds = syntheticDataset({ pairs: 200 })
  it('saves and loads a model with identical embeddings and logits, and refuses a mismatched data set', async () => {
    const { model } = await trainOnDataset(ds, { ...small, epochs: 1, metric: 'l2' }, silentContext())
    const out = join(dir, 'm1')
    await model.save(out, { dataset: 'synthetic.nc' })
    const meta = JSON.parse(await readFile(join(out, 'driftclip-model.json'), 'utf8'))
    expect(meta.config.metric).toBe('l2')
    expect(meta.provenance.dataset).toBe('synthetic.nc')
    expect(meta.normalisation.v.mean).toHaveLength(4)
    expect(JSON.parse(await readFile(join(out, 'model.json'), 'utf8')).weightsManifest[0].paths).toEqual(['weights.bin'])
    const back = await loadModel(out, ds)
    const zu = model.encodeTrajectories(ds.trajectories, 7)
    const zv = model.encodePotentials(ds.params, 7)
    expect(back.encodeTrajectories(ds.trajectories, 7)).toEqual(zu)
    expect(back.encodePotentials(ds.params, 7)).toEqual(zv)
    expect(back.logits(zu, 7, zv, 7)).toEqual(model.logits(zu, 7, zv, 7))
    expect(back.temperature).toBe(model.temperature)
    const other = syntheticDataset({ pairs: 20, tracers: 3 })
    await expect(loadModel(out, other)).rejects.toThrow(
      `model ${out} was trained on data set synthetic.nc (fourier flow, 2 tracer(s) × 16 times over t ∈ [0, 1], 4 parameters) and cannot be used with this data set (fourier flow, 3 tracer(s) × 16 times over t ∈ [0, 1], 4 parameters); train a model on matching data`
    )
    await expect(loadModel(join(dir, 'nope'))).rejects.toThrow(`${join(dir, 'nope', 'driftclip-model.json')} not found: ${join(dir, 'nope')} is not a Driftclip model folder`)
    model.dispose()
    back.dispose()
  })
  it('resumes from the epoch checkpoint to exactly the uninterrupted result', async () => {
    const path = join(dir, 'd.nc')
    await writeDataset(path, ds)
    const config = { ...small, epochs: 3 }
    const full = await runTraining({ datasetPath: path, outDir: join(dir, 'full'), config }, silentContext())
    const c = new AbortController()
    const ctx = { ...silentContext(c.signal), log: (m: string) => (m.startsWith('epoch 2/') ? c.abort() : undefined) }
    await expect(runTraining({ datasetPath: path, outDir: join(dir, 'part'), config }, ctx)).rejects.toBeInstanceOf(CancelledError)
    expect(existsSync(join(dir, 'part'))).toBe(false)
    expect(existsSync(join(dir, 'part.checkpoint'))).toBe(true)
    const resumed = await runTraining({ datasetPath: path, outDir: join(dir, 'part'), config, resume: true }, silentContext())
    expect(resumed.history).toEqual(full.history)
    expect(existsSync(join(dir, 'part.checkpoint'))).toBe(false)
    const a = await loadModel(join(dir, 'full'))
    const b = await loadModel(join(dir, 'part'))
    expect(b.encodeTrajectories(ds.trajectories, 5)).toEqual(a.encodeTrajectories(ds.trajectories, 5))
    await expect(runTraining({ datasetPath: path, outDir: join(dir, 'none'), config, resume: true }, silentContext())).rejects.toThrow(`nothing to resume: no checkpoint at ${join(dir, 'none')}.checkpoint; start the training without --resume`)
  })
})

describe('encoder-parallel training (one worker thread per encoder)', () => {
  it('gives bit-identical weights and history to the one-thread loop', async () => {
    const ds = syntheticDataset({ pairs: 300 })
    const config = { ...small, epochs: 2, loss: 'cond' as const }
    const a = await trainOnDataset(ds, config, silentContext())
    const b = await trainOnDataset(ds, { ...config, parallel: 'on' as const }, silentContext())
    expect(b.history).toEqual(a.history)
    expect(b.model.encodeTrajectories(ds.trajectories, 4)).toEqual(a.model.encodeTrajectories(ds.trajectories, 4))
    expect(b.model.encodePotentials(ds.params, 4)).toEqual(a.model.encodePotentials(ds.params, 4))
    a.model.dispose()
    b.model.dispose()
  })
  it('cancels', async () => {
    const ds = syntheticDataset({ pairs: 300 })
    const c = new AbortController()
    const ctx = { ...silentContext(c.signal), progress: () => c.abort() }
    await expect(trainOnDataset(ds, { ...small, epochs: 5, parallel: 'on' as const }, ctx)).rejects.toBeInstanceOf(CancelledError)
  })
})
