/** Any supported drifter file → DrifterTracks: size limit, format detection by content, dispatch to the reader. */
import type { DrifterFormat } from '../../../shared/drifters'
import { readDrifterCsv } from './csv'
import { isGdpAscii, readGdpAscii } from './gdp-ascii'
import { MAX_IMPORT_BYTES, importError } from './errors'
import { readDrifterGeojson } from './geojson'
import { isHdf5 } from '../netcdf/h5'
import { openNetcdf3, withNetcdf4 } from './nc-read'
import { readDrifterNetcdf } from './netcdf'
import type { DrifterTracks } from './types'

/** Which reader a file needs, from its first bytes (the extension only breaks ties between text formats). */
export function detectFormat(fileName: string, bytes: Uint8Array): DrifterFormat | 'unknown' {
  if (isHdf5(bytes)) return 'netcdf4'
  if (bytes[0] === 0x43 && bytes[1] === 0x44 && bytes[2] === 0x46 && (bytes[3] === 1 || bytes[3] === 2 || bytes[3] === 5)) return 'netcdf3'
  const head = new TextDecoder('utf-8', { fatal: false }).decode(bytes.subarray(0, 4096))
  if (head.includes('\u0000')) return 'unknown'
  const start = head.replace(/^\uFEFF/, '').trimStart()
  if (start.startsWith('{') || /\.(geo)?json$/i.test(fileName)) return 'geojson'
  if (isGdpAscii(start)) return 'gdp-ascii'
  if (start.length > 0) return 'csv'
  return 'unknown'
}

/** Read a drifter file of any supported format. Throws one UserError for bad input. */
export async function readDrifterFile(fileName: string, bytes: Uint8Array): Promise<DrifterTracks> {
  if (bytes.length > MAX_IMPORT_BYTES)
    throw importError(fileName, 'file', `${(bytes.length / 1048576).toFixed(0)} MB is more than the ${MAX_IMPORT_BYTES / 1048576} MB import limit`, 'subset it first (e.g. an ERDDAP query with a time and area constraint)')
  if (bytes.length === 0) throw importError(fileName, 'file', 'the file is empty', 'choose a CSV, NetCDF or GeoJSON drifter file')
  const format = detectFormat(fileName, bytes)
  const text = () => new TextDecoder('utf-8').decode(bytes)
  switch (format) {
    case 'netcdf4':
      return withNetcdf4(fileName, bytes, (ds) => readDrifterNetcdf(fileName, ds))
    case 'netcdf3':
      return readDrifterNetcdf(fileName, openNetcdf3(fileName, bytes))
    case 'geojson':
      return readDrifterGeojson(fileName, text())
    case 'csv':
      return readDrifterCsv(fileName, text())
    case 'gdp-ascii':
      return readGdpAscii(fileName, text())
    default:
      throw importError(fileName, 'file', 'unknown format: not CSV, GeoJSON, NetCDF-3 or NetCDF-4/HDF5', 'export the tracks as CSV (id,time,lat,lon) or CF trajectory NetCDF')
  }
}
