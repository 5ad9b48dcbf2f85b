/** Drifter import and preparation in one import: readers, the import job, and the way into (and back from) the model frame. */
export type { DrifterTrack, DrifterTracks } from './types'
export { pointCount } from './types'
export { readDrifterFile, detectFormat } from './read'
export { importDrifterFile, clipToWindow, summarise, type ImportOptions } from './import'
export { MAX_IMPORT_BYTES } from './errors'
export {
  prepareTracks,
  summarisePrepared,
  interpolate,
  modelToLatLon,
  modelTimeToEpoch,
  modelVelocityToMetresPerSecond,
  PROJECTION,
  type PrepareOptions,
  type PreparedTracks,
  type TrackScales
} from './prepare'
export { chooseWindow, type AnalysisWindow } from './window'
export { velocityFromPositions, toTangentPlane, fromTangentPlane, greatCircleDistance, sphericalCentre } from './sphere'
export { parseDateTime, parseCfTimeUnits, isoTime } from './time'
export { readTracksNetcdf, writeTracksNetcdf } from '../tracks'
