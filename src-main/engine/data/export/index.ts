/** Exports in one import: CF NetCDF-4 fields, tracks as CSV/GeoJSON, metrics as JSON/CSV (all written atomically). */
export { writeFieldNetcdf, type FieldExport } from './field-netcdf'
export { writeTracksCsv, writeTracksGeojson, tracksCsv, tracksGeojson, modelTracksToDrifters, type ModelTracks, type TracksInput } from './tracks-text'
export { writeMetricsJson, writeMetricsCsv, metricsJson, metricsCsv, type MetricRow } from './metrics'
export { writeNetcdf4, type NetcdfSpec, type VariableSpec, type AttrValue } from './netcdf4'
