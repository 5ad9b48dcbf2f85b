/**
 * The WebAssembly SIMD build of the 7×7 Fourier RK4 loop (source and build: wasm/fourier7.c, wasm/build.sh). It
 * does the JS loop's operations in the same order with Math.cos/Math.sin imported, so its positions are the JS
 * loop's bits (tested), at ~2.4× the speed. One instance per thread, created on first use; not re-entrant.
 */
import { FOURIER7_WASM_BASE64 } from './fourier7-wasm-bytes'
import { webAssembly, type WasmMemory } from '../wasm-api'

const { Module, Instance } = webAssembly

interface Exports {
  memory: WasmMemory
  paramsPtr(): number
  omegaPtr(): number
  advect(pos: number, nTr: number, dt: number, steps: number, recordEvery: number, out: number): void
}

/** Larger runs (positions + records) stay on the JS loop rather than grow the wasm memory past this. */
const MAX_BYTES = 1 << 30

let instance: { ex: Exports; free: number } | undefined

function load(): { ex: Exports; free: number } {
  const bytes = Buffer.from(FOURIER7_WASM_BASE64, 'base64')
  const ex = new Instance(new Module(bytes), { env: { cos: Math.cos, sin: Math.sin } }).exports as Exports
  // everything past the initial memory (static data and stack) is ours for positions and records
  return { ex, free: ex.memory.buffer.byteLength }
}

/**
 * advectFourierRk4 for K = 49 modes in wasm; false (nothing done) when the run is too large for it, so the caller
 * takes the JS loop. Same arguments and layout as advectFourierRk4.
 */
export function advectFourier7Wasm(
  params: Float64Array, omega: Float64Array, pos: Float64Array, dt: number, steps: number, recordEvery: number,
  out: Float64Array, offset: number
): boolean {
  const nTr = pos.length / 2
  const nTimes = Math.floor(steps / recordEvery)
  const bytes = (pos.length + nTr * nTimes * 2) * 8
  if (omega.length !== 49 || params.length !== 98 || bytes > MAX_BYTES || steps > 0x7fffffff) return false
  instance ??= load()
  const { ex, free } = instance
  const need = free + bytes - ex.memory.buffer.byteLength
  if (need > 0) ex.memory.grow(Math.ceil(need / 65536))
  const buf = ex.memory.buffer
  new Float64Array(buf, ex.paramsPtr(), 98).set(params)
  new Float64Array(buf, ex.omegaPtr(), 49).set(omega)
  const posAt = free, outAt = free + pos.length * 8
  new Float64Array(buf, posAt, pos.length).set(pos)
  ex.advect(posAt, nTr, dt, steps, recordEvery, outAt)
  pos.set(new Float64Array(buf, posAt, pos.length))
  out.set(new Float64Array(buf, outAt, nTr * nTimes * 2), offset)
  return true
}
