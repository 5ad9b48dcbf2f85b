/**
 * Perceptually uniform ocean colormaps as 256-entry tables, built once from ramps in OKLab (lightness
 * changes linearly, so equal steps in value look like equal steps in colour). Pure: no DOM.
 */

export type ColormapName = 'speed' | 'thermal' | 'balance' | 'curl'

/** Which maps suit which data: sequential for magnitudes, diverging (through white at 0) for signed fields. */
export const COLORMAP_KIND: Record<ColormapName, 'sequential' | 'diverging'> = { speed: 'sequential', thermal: 'sequential', balance: 'diverging', curl: 'diverging' }

/** One colormap entry: sRGB 0–255. */
export type Rgb = [number, number, number]

/** A stop in OKLCh: lightness 0–1, chroma ~0–0.2, hue in degrees. */
interface LchStop {
  l: number
  c: number
  h: number
}

/** Sequential maps run light → dark (speed) or dark → light (thermal); balance diverges through white. */
const RAMPS: Record<ColormapName, LchStop[]> = {
  // pale yellow → green → deep teal, like cmocean 'speed'
  speed: [
    { l: 0.97, c: 0.07, h: 105 },
    { l: 0.72, c: 0.13, h: 135 },
    { l: 0.45, c: 0.09, h: 165 },
    { l: 0.25, c: 0.05, h: 200 }
  ],
  // navy → purple → red-orange → yellow, like cmocean 'thermal'
  thermal: [
    { l: 0.2, c: 0.07, h: 265 },
    { l: 0.45, c: 0.15, h: 310 },
    { l: 0.68, c: 0.17, h: 400 },
    { l: 0.95, c: 0.14, h: 460 }
  ],
  // deep blue → white → deep red, like cmocean 'balance'
  balance: [
    { l: 0.28, c: 0.12, h: 262 },
    { l: 0.62, c: 0.1, h: 245 },
    { l: 0.98, c: 0, h: 245 },
    { l: 0.62, c: 0.14, h: 25 },
    { l: 0.3, c: 0.11, h: 25 }
  ],
  // deep teal → white → deep magenta, like cmocean 'curl' (vorticity: cyclonic and anticyclonic)
  curl: [
    { l: 0.3, c: 0.07, h: 180 },
    { l: 0.64, c: 0.1, h: 175 },
    { l: 0.98, c: 0, h: 175 },
    { l: 0.64, c: 0.14, h: 350 },
    { l: 0.32, c: 0.1, h: 350 }
  ]
}

/** Number of entries in every table. */
export const COLORMAP_SIZE = 256

/** OKLab → sRGB (0–255, clipped), after Björn Ottosson's published matrices. */
export function oklabToRgb(l: number, a: number, b: number): Rgb {
  const l_ = (l + 0.3963377774 * a + 0.2158037573 * b) ** 3
  const m_ = (l - 0.1055613458 * a - 0.0638541728 * b) ** 3
  const s_ = (l - 0.0894841775 * a - 1.291485548 * b) ** 3
  const lin = [
    4.0767416621 * l_ - 3.3077115913 * m_ + 0.2309699292 * s_,
    -1.2684380046 * l_ + 2.6097574011 * m_ - 0.3413193965 * s_,
    -0.0041960863 * l_ - 0.7034186147 * m_ + 1.707614701 * s_
  ]
  const gamma = (x: number): number => {
    const c = Math.min(1, Math.max(0, x))
    return c <= 0.0031308 ? 12.92 * c : 1.055 * c ** (1 / 2.4) - 0.055
  }
  return lin.map((x) => Math.round(gamma(x) * 255)) as Rgb
}

function buildTable(stops: LchStop[]): Rgb[] {
  const table: Rgb[] = []
  const segments = stops.length - 1
  for (let i = 0; i < COLORMAP_SIZE; i++) {
    const t = (i / (COLORMAP_SIZE - 1)) * segments
    const k = Math.min(segments - 1, Math.floor(t))
    const f = t - k
    const p = stops[k]
    const q = stops[k + 1]
    const l = p.l + (q.l - p.l) * f
    const c = p.c + (q.c - p.c) * f
    const h = ((p.h + (q.h - p.h) * f) * Math.PI) / 180
    table.push(oklabToRgb(l, c * Math.cos(h), c * Math.sin(h)))
  }
  return table
}

/** The 256-entry tables, built once at load. */
export const COLORMAPS: Record<ColormapName, Rgb[]> = {
  speed: buildTable(RAMPS.speed),
  thermal: buildTable(RAMPS.thermal),
  balance: buildTable(RAMPS.balance),
  curl: buildTable(RAMPS.curl)
}

export function rgbToHex([r, g, b]: Rgb): string {
  return '#' + [r, g, b].map((x) => x.toString(16).padStart(2, '0')).join('')
}

/** Colour at t ∈ [0, 1] (clamped; NaN gives the middle). */
export function colorAt(name: ColormapName, t: number): Rgb {
  const x = Number.isFinite(t) ? Math.min(1, Math.max(0, t)) : 0.5
  return COLORMAPS[name][Math.round(x * (COLORMAP_SIZE - 1))]
}

/** n evenly spaced colours as hex strings, e.g. for an ECharts visualMap `inRange.color`. */
export function sampleColormap(name: ColormapName, n = 32): string[] {
  return Array.from({ length: n }, (_, i) => rgbToHex(colorAt(name, n === 1 ? 0.5 : i / (n - 1))))
}
