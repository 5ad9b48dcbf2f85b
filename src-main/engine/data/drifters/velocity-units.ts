/** File velocities → m/s: unit text (units row, csvp header, NetCDF attribute) or, failing that, magnitude. */
import { isFillValue } from './assemble'
import type { ImportProblem } from '../../../shared/drifters'
import { importError } from './errors'
import { velocityFromPositions } from './sphere'
import type { DrifterTrack } from './types'

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
 * Eastward/northward velocities with fill values set to NaN, in m/s when the units are declared.
 * Declared units must agree (else "mixed units"). Without declared units `unit` is undefined and the values
 * are returned as found: `decideVelocityUnits` then decides per drifter, once the fixes are grouped.
 */
export function velocitiesToMetresPerSecond(
  file: string,
  columns: { ve: Float64Array; vn: Float64Array; veUnit?: string; vnUnit?: string; veName: string; vnName: string },
  units: Record<string, string>
): { ve: Float64Array; vn: Float64Array; unit?: VelocityUnit } {
  const ue = classifyVelocityUnit(columns.veUnit)
  const un = classifyVelocityUnit(columns.vnUnit)
  for (const [u, name, text] of [[ue, columns.veName, columns.veUnit], [un, columns.vnName, columns.vnUnit]] as const) {
    if (u === 'unknown') throw importError(file, name, `velocity units "${text}" are not m/s or cm/s`, 'give velocities in m/s or cm/s')
  }
  if (ue && un && ue !== un)
    throw importError(file, `${columns.veName} and ${columns.vnName}`, `mixed units: ${columns.veName} is in ${ue} but ${columns.vnName} is in ${un}`, 'give both velocity components in the same unit (m/s)')
  const unit = (ue ?? un) as VelocityUnit | undefined
  if (unit) units.velocity = unit === 'cm/s' ? 'cm/s → m/s' : 'm/s'
  const scale = unit === 'cm/s' ? 0.01 : 1
  const convert = (a: Float64Array) => a.map((x) => (isFillValue(x) ? NaN : x * scale))
  return { ve: convert(columns.ve), vn: convert(columns.vn), unit }
}

/** Median of |a − s·b| over the fixes where both are finite (NaN when none). */
function medianMisfit(file: { ve: Float64Array; vn: Float64Array }, pos: { u: Float64Array; v: Float64Array }, scale: number): number {
  const d: number[] = []
  for (let i = 0; i < file.ve.length; i++) {
    const e = file.ve[i] * scale - pos.u[i]
    const n = file.vn[i] * scale - pos.v[i]
    if (Number.isFinite(e) && Number.isFinite(n)) d.push(Math.hypot(e, n))
  }
  if (d.length === 0) return NaN
  d.sort((x, y) => x - y)
  return d[Math.floor(d.length / 2)]
}

/**
 * The unit of one drifter's undeclared velocities: the scale (m/s or cm/s) under which they agree clearly better
 * with the velocity from its positions; when positions cannot tell, the magnitude (median |v| above 5
 * is cm/s: drifters rarely exceed 2 m/s, while 5 cm/s is an ordinary speed).
 */
function unitOf(d: DrifterTrack): { unit: VelocityUnit; how: string } {
  const file = { ve: d.ve as Float64Array, vn: d.vn as Float64Array }
  const pos = velocityFromPositions(d.time, d.lat, d.lon)
  const asMetres = medianMisfit(file, pos, 1)
  const asCentimetres = medianMisfit(file, pos, 0.01)
  // Positions decide only when one reading fits at least twice as well (noisy or inconsistent tracks cannot tell)
  // and gives a drifter's speed: a median between 2 mm/s and 3 m/s.
  const unit: VelocityUnit = asCentimetres < asMetres ? 'cm/s' : 'm/s'
  const speed = medianAbs(file.ve, file.vn) * (unit === 'cm/s' ? 0.01 : 1)
  if (Number.isFinite(asMetres) && Number.isFinite(asCentimetres) && Math.min(asMetres, asCentimetres) < 0.5 * Math.max(asMetres, asCentimetres) && speed >= 0.002 && speed <= 3)
    return { unit, how: 'velocity from positions' }
  return { unit: medianAbs(file.ve, file.vn) > 5 ? 'cm/s' : 'm/s', how: 'magnitude' }
}

/**
 * Velocities without declared units → m/s, deciding the unit per drifter (a file may concatenate m/s and cm/s
 * drifters; one file-wide guess once wrote a 0.1 m/s drifter as 0.001 m/s). A mix is reported as a warning
 * naming the drifters read each way.
 */
export function decideVelocityUnits(drifters: DrifterTrack[], units: Record<string, string>, problems: ImportProblem[]): void {
  const byUnit: Record<VelocityUnit, string[]> = { 'm/s': [], 'cm/s': [] }
  const hows = new Set<string>()
  for (const d of drifters) {
    if (!d.ve || !d.vn) continue
    const { unit, how } = unitOf(d)
    hows.add(how)
    byUnit[unit].push(d.id)
    if (unit === 'cm/s') {
      d.ve = d.ve.map((x) => x * 0.01)
      d.vn = d.vn.map((x) => x * 0.01)
    }
  }
  const why = `no units given; decided per drifter from ${[...hows].join(' and ')}`
  const cm = byUnit['cm/s']
  const m = byUnit['m/s']
  if (cm.length > 0 && m.length > 0) {
    const list = (ids: string[]) => (ids.length > 10 ? `${ids.slice(0, 10).join(', ')} … (${ids.length})` : ids.join(', '))
    units.velocity = `mixed (${why}): cm/s → m/s for ${cm.length} drifters, m/s for ${m.length}`
    problems.push({
      severity: 'warning',
      where: 'velocity units',
      message: `the file mixes units: drifters ${list(cm)} read as cm/s (converted to m/s), drifters ${list(m)} as m/s; give a units row (ERDDAP) or "ve (m/s)" headers to be sure`
    })
  } else if (cm.length > 0) units.velocity = `cm/s → m/s (${why})`
  else if (m.length > 0) units.velocity = `m/s (${why})`
}
