/** File velocities → m/s: unit text (units row, csvp header, NetCDF attribute) or, failing that, magnitude. */
import { isFillValue } from './assemble'
import { importError } from './errors'

export type VelocityUnit = 'm/s' | 'cm/s'

/** Read a unit string; undefined when empty, 'unknown' when it names some other unit. */
export function classifyVelocityUnit(text: string | undefined): VelocityUnit | 'unknown' | undefined {
  const t = (text ?? '').trim().toLowerCase().replace(/\s+/g, ' ')
  if (t === '') return undefined
  if (/^(m\/s|m s-1|m s\^-1|m\.s-1|ms-1|m\/sec|meters?\/s(ec(ond)?)?|metres?\/s(ec(ond)?)?|meters? per second|metres? per second)$/.test(t)) return 'm/s'
  if (/^(cm\/s|cm s-1|cm s\^-1|cm\.s-1|cms-1|cm\/sec|centimet(er|re)s?\/s(ec(ond)?)?|centimet(er|re)s? per second)$/.test(t)) return 'cm/s'
  return 'unknown'
}

/** Median of |x| over the non-fill values (0 when none). */
function medianAbs(a: Float64Array, b: Float64Array): number {
  const v: number[] = []
  for (let i = 0; i < a.length; i++) {
    if (!isFillValue(a[i])) v.push(Math.abs(a[i]))
    if (!isFillValue(b[i])) v.push(Math.abs(b[i]))
  }
  if (v.length === 0) return 0
  v.sort((x, y) => x - y)
  return v[Math.floor(v.length / 2)]
}

/**
 * Convert eastward/northward velocities to m/s with fill values set to NaN.
 * Declared units must agree (else "mixed units"); without units, a median |v| above 5 means cm/s
 * (drifters rarely exceed 2 m/s, while 5 cm/s is an ordinary speed).
 */
export function velocitiesToMetresPerSecond(
  file: string,
  columns: { ve: Float64Array; vn: Float64Array; veUnit?: string; vnUnit?: string; veName: string; vnName: string },
  units: Record<string, string>
): { ve: Float64Array; vn: Float64Array } {
  const ue = classifyVelocityUnit(columns.veUnit)
  const un = classifyVelocityUnit(columns.vnUnit)
  for (const [u, name, text] of [[ue, columns.veName, columns.veUnit], [un, columns.vnName, columns.vnUnit]] as const) {
    if (u === 'unknown') throw importError(file, name, `velocity units "${text}" are not m/s or cm/s`, 'give velocities in m/s or cm/s')
  }
  if (ue && un && ue !== un)
    throw importError(file, `${columns.veName} and ${columns.vnName}`, `mixed units: ${columns.veName} is in ${ue} but ${columns.vnName} is in ${un}`, 'give both velocity components in the same unit (m/s)')
  let unit = (ue ?? un) as VelocityUnit | undefined
  if (!unit) {
    const median = medianAbs(columns.ve, columns.vn)
    unit = median > 5 ? 'cm/s' : 'm/s'
    units.velocity = unit === 'cm/s' ? `cm/s → m/s (no units given; median |v| ${median.toPrecision(3)} looks like cm/s)` : 'm/s (no units given; assumed from magnitude)'
  } else units.velocity = unit === 'cm/s' ? 'cm/s → m/s' : 'm/s'
  const scale = unit === 'cm/s' ? 0.01 : 1
  const convert = (a: Float64Array) => a.map((x) => (isFillValue(x) ? NaN : x * scale))
  return { ve: convert(columns.ve), vn: convert(columns.vn) }
}
