import { describe, expect, it } from 'vitest'
import { itIsTheBuildOf } from './wasm-build'
import { SimulationConfig } from '../../../src-main/shared/simulation'
import { fourierConstants, fourierParams, fourierSigmas } from '../../../src-main/engine/flows/fourier'
import { advectFourierRk4, FourierAdvectWork } from '../../../src-main/engine/flows/fourier-advect'
import { advectFourier7Wasm } from '../../../src-main/engine/flows/fourier7-wasm'
import { FOURIER7_WASM_BASE64 } from '../../../src-main/engine/flows/fourier7-wasm-bytes'
import { Rng, STREAM } from '../../../src-main/engine/flows/rng'

const cfg = SimulationConfig.parse({})
const { omega, kx, ky } = fourierConstants(cfg)
const sigma = fourierSigmas(cfg.fourier, kx, ky)

/** Both loops from the same starts: records and final positions. */
function both(pair: number, starts: number[], dt: number, steps: number, recordEvery: number) {
  const v = fourierParams(sigma, new Rng(cfg.seed, pair, STREAM.params))
  const nTimes = Math.floor(steps / recordEvery)
  const run = (wasm: boolean) => {
    const pos = Float64Array.from(starts)
    const out = new Float64Array(5 + (starts.length / 2) * nTimes * 2).fill(-7)
    advectFourierRk4(v, omega, pos, dt, steps, recordEvery, out, 5, new FourierAdvectWork(7), wasm)
    return { pos, out }
  }
  return { js: run(false), wasm: run(true) }
}

describe('WebAssembly RK4 kernel of the 7×7 Fourier flow', () => {
  it('gives the JS loop’s bits: records, final positions, across re-synchronisations and uneven record intervals', () => {
    const cases: [number, number[], number, number, number][] = [
      [0, [0.75, 0.75], 1e-5, 300, 10], // the paper's step, 2 re-synchronisations
      [3, [0.1, 0.9, -0.4, 1.7, 0.5, 0.5], 2e-3, 517, 7], // three tracers, fast flow, steps not a multiple of recordEvery
      [11, [0.3, 0.2], 1e-4, 129, 129] // one record, exactly past the first re-synchronisation
    ]
    for (const [pair, starts, dt, steps, every] of cases) {
      const { js, wasm } = both(pair, starts, dt, steps, every)
      expect(Array.from(wasm.out)).toEqual(Array.from(js.out))
      expect(Array.from(wasm.pos)).toEqual(Array.from(js.pos))
      expect(js.out[4]).toBe(-7) // before the offset: untouched by both
      expect(js.pos[0]).not.toBe(starts[0]) // the tracers moved
    }
  })

  it('declines other block sizes (the JS loop runs them)', () => {
    const pos = Float64Array.of(0.5, 0.5)
    expect(advectFourier7Wasm(new Float64Array(32), new Float64Array(16), pos, 1e-3, 10, 5, new Float64Array(4), 0)).toBe(false)
    expect(Array.from(pos)).toEqual([0.5, 0.5])
  })

  itIsTheBuildOf('src-main/engine/flows/wasm/build.sh', 'fourier7.c', FOURIER7_WASM_BASE64)
})
