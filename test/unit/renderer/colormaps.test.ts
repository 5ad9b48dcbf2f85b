import { describe, expect, it } from 'vitest'
import { COLORMAPS, COLORMAP_SIZE, colorAt, oklabToRgb, rgbToHex, sampleColormap, type Rgb } from '@renderer/charts/colormaps'

/** Relative luminance (WCAG) of an sRGB colour; monotone in OKLab lightness for our grey-ish ramps. */
function luminance([r, g, b]: Rgb): number {
  const lin = (c: number) => {
    const s = c / 255
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4
  }
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)
}

describe('colormaps', () => {
  it('converts OKLab white and black exactly', () => {
    expect(oklabToRgb(1, 0, 0)).toEqual([255, 255, 255])
    expect(oklabToRgb(0, 0, 0)).toEqual([0, 0, 0])
  })

  it('has 256 valid entries per table', () => {
    for (const table of Object.values(COLORMAPS)) {
      expect(table).toHaveLength(COLORMAP_SIZE)
      for (const c of table) for (const x of c) expect(Number.isInteger(x) && x >= 0 && x <= 255).toBe(true)
    }
  })

  it('speed gets darker and thermal lighter along the map (monotone luminance)', () => {
    const speed = COLORMAPS.speed.map(luminance)
    const thermal = COLORMAPS.thermal.map(luminance)
    for (let i = 8; i < COLORMAP_SIZE; i += 8) {
      expect(speed[i]).toBeLessThan(speed[i - 8])
      expect(thermal[i]).toBeGreaterThan(thermal[i - 8])
    }
  })

  it('balance is near white in the middle, blue at the low end and red at the high end', () => {
    const mid = colorAt('balance', 0.5)
    expect(Math.min(...mid)).toBeGreaterThan(235)
    const [r0, , b0] = colorAt('balance', 0)
    const [r1, , b1] = colorAt('balance', 1)
    expect(b0).toBeGreaterThan(r0)
    expect(r1).toBeGreaterThan(b1)
  })

  it('clamps t and samples evenly', () => {
    expect(colorAt('speed', -3)).toEqual(COLORMAPS.speed[0])
    expect(colorAt('speed', 9)).toEqual(COLORMAPS.speed[255])
    const s = sampleColormap('thermal', 5)
    expect(s).toHaveLength(5)
    expect(s[0]).toBe(rgbToHex(COLORMAPS.thermal[0]))
    expect(s[4]).toBe(rgbToHex(COLORMAPS.thermal[255]))
    expect(rgbToHex([255, 0, 16])).toBe('#ff0010')
  })
})
