/** Test fixtures made by the tests: temp folders, text/bytes files, and a tiny NetCDF-3 (CDF-1) writer. */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'driftclip-drifters-'))
  try {
    return await fn(dir)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

export const bytes = (text: string) => new TextEncoder().encode(text)

type Cdf3Attr = string | number[]
export interface Cdf3Var {
  name: string
  dims: string[]
  type: 'char' | 'int' | 'double'
  data: number[] | string
  attrs?: Record<string, Cdf3Attr>
}

/** A minimal classic NetCDF (CDF-1) writer: no record dimension, char/int/double variables, text or double attributes. */
export function writeCdf1(dims: [string, number][], vars: Cdf3Var[], gattrs: Record<string, Cdf3Attr> = {}): Uint8Array {
  const typeCode = { char: 2, int: 4, double: 6 } as const
  const size = { char: 1, int: 4, double: 8 } as const
  const pad = (n: number) => (4 - (n % 4)) % 4
  const build = (offsets: number[]) => {
    const out: number[] = []
    const i32 = (x: number) => out.push((x >>> 24) & 255, (x >>> 16) & 255, (x >>> 8) & 255, x & 255)
    const name = (s: string) => {
      i32(s.length)
      for (const c of s) out.push(c.charCodeAt(0))
      for (let k = 0; k < pad(s.length); k++) out.push(0)
    }
    const attrs = (a: Record<string, Cdf3Attr>) => {
      const entries = Object.entries(a)
      if (entries.length === 0) {
        i32(0)
        i32(0)
        return
      }
      i32(12)
      i32(entries.length)
      for (const [k, v] of entries) {
        name(k)
        if (typeof v === 'string') {
          i32(2)
          i32(v.length)
          for (const c of v) out.push(c.charCodeAt(0))
          for (let q = 0; q < pad(v.length); q++) out.push(0)
        } else {
          i32(6)
          i32(v.length)
          for (const x of v) out.push(...f64(x))
        }
      }
    }
    out.push(0x43, 0x44, 0x46, 1)
    i32(0)
    i32(10)
    i32(dims.length)
    for (const [n, s] of dims) {
      name(n)
      i32(s)
    }
    attrs(gattrs)
    i32(11)
    i32(vars.length)
    vars.forEach((v, k) => {
      name(v.name)
      i32(v.dims.length)
      for (const d of v.dims) i32(dims.findIndex((x) => x[0] === d))
      attrs(v.attrs ?? {})
      i32(typeCode[v.type])
      const n = v.dims.reduce((a, d) => a * (dims.find((x) => x[0] === d)?.[1] ?? 0), 1)
      const bytesLen = n * size[v.type]
      i32(bytesLen + pad(bytesLen))
      i32(offsets[k] ?? 0)
    })
    return out
  }
  const headerLength = build([]).length
  const offsets: number[] = []
  let at = headerLength
  const payloads = vars.map((v) => {
    const p: number[] = []
    if (v.type === 'char') for (const c of v.data as string) p.push(c.charCodeAt(0))
    else if (v.type === 'int') for (const x of v.data as number[]) p.push((x >>> 24) & 255, (x >>> 16) & 255, (x >>> 8) & 255, x & 255)
    else for (const x of v.data as number[]) p.push(...f64(x))
    while (p.length % 4) p.push(0)
    offsets.push(at)
    at += p.length
    return p
  })
  return Uint8Array.from([...build(offsets), ...payloads.flat()])
}

function f64(x: number): number[] {
  const b = new DataView(new ArrayBuffer(8))
  b.setFloat64(0, x, false)
  return Array.from(new Uint8Array(b.buffer))
}
