/** Any supported drifter file → DrifterTracks: size limit, format detection by content, dispatch to the reader (CSV from disk streamed). */
import type { DrifterFormat } from '../../../shared/drifters'
import { createReadStream } from 'node:fs'
import { open, readFile } from 'node:fs/promises'
import { readDrifterCsv, readDrifterCsvStream } from './csv'
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

/**
 * Read a drifter file from disk. CSV is streamed row by row (a 1 M-fix file never sits in memory as text); the other
 * formats are read whole, as `readDrifterFile` does.
 * @param fileName the name shown in messages
 */
export async function readDrifterPath(fileName: string, path: string): Promise<DrifterTracks> {
  const handle = await open(path, 'r')
  let head: Uint8Array
  let size: number
  try {
    size = (await handle.stat()).size
    const buf = new Uint8Array(Math.min(size, 4096))
    await handle.read(buf, 0, buf.length, 0)
    head = buf
  } finally {
    await handle.close()
  }
  if (size > 0 && size <= MAX_IMPORT_BYTES && detectFormat(fileName, head) === 'csv') return readDrifterCsvStream(fileName, createReadStream(path, { encoding: 'utf8' }))
  return readDrifterFile(fileName, new Uint8Array(await readFile(path)))
}
