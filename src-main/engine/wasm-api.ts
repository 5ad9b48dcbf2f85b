/**
 * The little of the WebAssembly API the embedded kernels use (flows/fourier7-wasm.ts, flows/gram-wasm.ts,
 * learn/adam.ts, learn/wasm/kernels.ts): the main tsconfig has no DOM lib, which declares it.
 */
export interface WasmMemory {
  readonly buffer: ArrayBuffer
  grow(pages: number): number
}

interface WasmApi {
  Module: new (bytes: Uint8Array) => object
  Instance: new (module: object, imports: object) => { exports: unknown }
  validate(bytes: Uint8Array): boolean
}

export const webAssembly = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly
