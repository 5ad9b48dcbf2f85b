/**
 * HDF5 stamps every object header with the time it was written (access, modification, change, birth), and h5wasm
 * offers no switch to turn that off, so two files written from the same seed differ. `setObjectTimes` rewrites those
 * stamps to one fixed time and recomputes each header's checksum (Jenkins lookup3, as the HDF5 format specifies).
 * A header is patched only if its stored checksum verifies, so bytes of data that merely look like "OHDR" are left alone.
 */

const rot = (x: number, k: number) => (x << k) | (x >>> (32 - k))

/** Bob Jenkins' lookup3 `hashlittle`, the checksum of HDF5 metadata (H5_checksum_lookup3, initial value 0). */
export function lookup3(key: Uint8Array, init = 0): number {
  let length = key.length
  let a = (0xdeadbeef + length + init) | 0
  let b = a
  let c = a
  let o = 0
  const word = (i: number) => key[i]! | (key[i + 1]! << 8) | (key[i + 2]! << 16) | (key[i + 3]! << 24)
  while (length > 12) {
    a = (a + word(o)) | 0
    b = (b + word(o + 4)) | 0
    c = (c + word(o + 8)) | 0
    a = (a - c) | 0; a ^= rot(c, 4); c = (c + b) | 0
    b = (b - a) | 0; b ^= rot(a, 6); a = (a + c) | 0
    c = (c - b) | 0; c ^= rot(b, 8); b = (b + a) | 0
    a = (a - c) | 0; a ^= rot(c, 16); c = (c + b) | 0
    b = (b - a) | 0; b ^= rot(a, 19); a = (a + c) | 0
    c = (c - b) | 0; c ^= rot(b, 4); b = (b + a) | 0
    length -= 12
    o += 12
  }
  if (length === 0) return c >>> 0
  // the tail: up to 12 bytes, little-endian into a, b, c
  const add = [0, 0, 0]
  for (let i = 0; i < length; i++) add[i >> 2]! += key[o + i]! << (8 * (i & 3))
  a = (a + add[0]!) | 0
  b = (b + add[1]!) | 0
  c = (c + add[2]!) | 0
  c ^= b; c = (c - rot(b, 14)) | 0
  a ^= c; a = (a - rot(c, 11)) | 0
  b ^= a; b = (b - rot(a, 25)) | 0
  c ^= b; c = (c - rot(b, 16)) | 0
  a ^= c; a = (a - rot(c, 4)) | 0
  b ^= a; b = (b - rot(a, 14)) | 0
  c ^= b; c = (c - rot(b, 24)) | 0
  return c >>> 0
}

const OHDR = [0x4f, 0x48, 0x44, 0x52]

/** Set every version-2 object header's times to `seconds` (in place); returns how many headers were patched. */
export function setObjectTimes(bytes: Uint8Array, seconds: number): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  let patched = 0
  for (let at = bytes.indexOf(OHDR[0]!); at >= 0 && at + 6 <= bytes.length; at = bytes.indexOf(OHDR[0]!, at + 1)) {
    if (bytes[at + 1] !== OHDR[1] || bytes[at + 2] !== OHDR[2] || bytes[at + 3] !== OHDR[3] || bytes[at + 4] !== 2) continue
    const flags = bytes[at + 5]!
    if (!(flags & 0x20)) continue // no times stored
    const times = at + 6
    const sizeAt = times + 16 + (flags & 0x10 ? 4 : 0)
    const sizeBytes = 1 << (flags & 0x03)
    if (sizeAt + sizeBytes > bytes.length) continue
    let chunk = 0
    for (let i = sizeBytes - 1; i >= 0; i--) chunk = chunk * 256 + bytes[sizeAt + i]!
    const end = sizeAt + sizeBytes + chunk
    if (end + 4 > bytes.length || view.getUint32(end, true) !== lookup3(bytes.subarray(at, end))) continue
    for (let k = 0; k < 4; k++) view.setUint32(times + 4 * k, seconds, true)
    view.setUint32(end, lookup3(bytes.subarray(at, end)), true)
    patched++
  }
  return patched
}
