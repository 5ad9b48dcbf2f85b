/**
 * Physical units for simulated flows, as an option: a length scale (km per domain unit) and a time scale (days per
 * model time unit) turn positions into km, times into days, velocities into m/s, the stream function into m²/s and
 * vorticity into 1/s, so synthetic runs compare with drifter speeds. Without scales everything stays nondimensional.
 * The one place for these factors and unit names (engine views, NetCDF export and renderer). Pure: zod only.
 */
import { z } from 'zod'

export const PhysicalScales = z.object({
  /** Kilometres per domain unit (the Fourier flow's unit square is this many km on a side). */
  kmPerUnit: z.number().positive().max(1e5),
  /** Days per model time unit. */
  daysPerUnit: z.number().positive().max(1e5)
})
export type PhysicalScales = z.infer<typeof PhysicalScales>

/** Unit names of every quantity a view or export shows. */
export interface QuantityUnits {
  length: string
  time: string
  velocity: string
  streamFunction: string
  vorticity: string
}

/** What a value in model units is multiplied by to be in the units of `unitsOf`. */
export type QuantityFactors = Record<keyof QuantityUnits, number>

export const NONDIMENSIONAL_UNITS: QuantityUnits = {
  length: 'domain length',
  time: 'model time',
  velocity: 'domain length / model time',
  streamFunction: 'domain length² / model time',
  vorticity: '1 / model time'
}

export const PHYSICAL_UNITS: QuantityUnits = { length: 'km', time: 'days', velocity: 'm/s', streamFunction: 'm²/s', vorticity: '1/s' }

/** The same units as CF / UDUNITS strings (NetCDF `units` attributes). */
export const CF_PHYSICAL_UNITS: QuantityUnits = { length: 'km', time: 'days', velocity: 'm s-1', streamFunction: 'm2 s-1', vorticity: 's-1' }

const SECONDS_PER_DAY = 86_400

/** Conversion factors from model units; all 1 without scales. */
export function unitFactors(scales?: PhysicalScales): QuantityFactors {
  if (!scales) return { length: 1, time: 1, velocity: 1, streamFunction: 1, vorticity: 1 }
  const metres = scales.kmPerUnit * 1000
  const seconds = scales.daysPerUnit * SECONDS_PER_DAY
  return { length: scales.kmPerUnit, time: scales.daysPerUnit, velocity: metres / seconds, streamFunction: (metres * metres) / seconds, vorticity: 1 / seconds }
}

/** Unit names for a data set with or without scales. */
export function unitsOf(scales?: PhysicalScales): QuantityUnits {
  return scales ? PHYSICAL_UNITS : NONDIMENSIONAL_UNITS
}
