/**
 * What makes a saved figure valid, checked by the renderer before sending and by the engine before writing:
 * a PNG with a real header and a non-empty size, or SVG markup with an <svg> root. Pure.
 */

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]

/** Width and height from a PNG's IHDR chunk, or null when the bytes are not a PNG. */
export function pngSize(bytes: Uint8Array): { width: number; height: number } | null {
  if (bytes.length < 33 || PNG_SIGNATURE.some((b, i) => bytes[i] !== b)) return null
  const ihdr = String.fromCharCode(...bytes.subarray(12, 16))
  if (ihdr !== 'IHDR') return null
  const u32 = (o: number) => ((bytes[o] << 24) | (bytes[o + 1] << 16) | (bytes[o + 2] << 8) | bytes[o + 3]) >>> 0
  return { width: u32(16), height: u32(20) }
}

/** Why these bytes are not a figure of the given format, or null when they are one. */
export function figureProblem(format: 'png' | 'svg', bytes: Uint8Array): string | null {
  if (format === 'png') {
    const size = pngSize(bytes)
    if (!size) return `not a PNG image (${bytes.length} bytes): the chart was not drawn; show it on screen and save again`
    if (size.width === 0 || size.height === 0) return `the PNG is ${size.width} × ${size.height} pixels: the chart has no size on screen`
    return null
  }
  const text = new TextDecoder().decode(bytes.subarray(0, Math.min(bytes.length, 4096)))
  if (!/<svg[\s>]/.test(text)) return `not an SVG document (${bytes.length} bytes): no <svg> element`
  return null
}
