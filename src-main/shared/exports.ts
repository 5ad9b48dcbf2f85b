/** What can be exported: file formats and gridded quantities, each schema with its labels (every face reads them here). Pure: zod only. */
import { z } from 'zod'

/** Formats of a test case's export: fields as CF NetCDF-4, observed tracks as CSV or GeoJSON, per-frame RMSE as JSON. */
export const ExportFormat = z.enum(['netcdf', 'csv', 'geojson', 'json'])
export type ExportFormat = z.infer<typeof ExportFormat>
export const EXPORT_FORMAT_LABELS: Record<ExportFormat, string> = {
  netcdf: 'NetCDF-4 (CF-1.10): fields and tracks',
  csv: 'CSV: observed tracks',
  geojson: 'GeoJSON: tracks as lines',
  json: 'JSON: velocity RMSE per time step'
}

/** Gridded quantities a field export can hold (uncertainty only exists for a reconstruction). */
export const FieldName = z.enum(['u', 'v', 'psi', 'vorticity', 'uncertainty'])
export type FieldName = z.infer<typeof FieldName>
export const FIELD_LABELS: Record<FieldName, string> = {
  u: 'u (velocity along x)',
  v: 'v (velocity along y)',
  psi: 'ψ (stream function)',
  vorticity: 'vorticity',
  uncertainty: 'uncertainty (reconstruction only)'
}

/** Formats imported tracks are written as: CSV (ISO-8601 UTC, units in the header) or GeoJSON (WGS-84). */
export const TracksExportFormat = z.enum(['csv', 'geojson'])
export type TracksExportFormat = z.infer<typeof TracksExportFormat>
export const TRACKS_EXPORT_LABELS: Record<TracksExportFormat, string> = { csv: 'CSV', geojson: 'GeoJSON' }
