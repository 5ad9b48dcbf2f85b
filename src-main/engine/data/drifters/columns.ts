/** Column-name variants users' drifter tables use (GDP, ERDDAP, Copernicus, clouddrift, R scripts) → our fields. */

export type Field = 'id' | 'time' | 'date' | 'lat' | 'lon' | 've' | 'vn' | 'qc'

/** Accepted names per field, compared after lower-casing and dropping everything but letters and digits. */
export const COLUMN_ALIASES: Record<Field, string[]> = {
  id: ['id', 'drifterid', 'drifter', 'buoyid', 'buoy', 'platformcode', 'platformnumber', 'platformid', 'platform', 'trajectory', 'trajectoryid', 'objid', 'wmo', 'dnumber', 'drifternumber', 'deviceid', 'argosid'],
  // "Location date" is Argos Web's fix time (its "Msg Date" is when a message was received, not the fix).
  time: ['time', 'datetime', 'timestamp', 'timeutc', 'datetimeutc', 'dateutc', 'locationdate', 'gpstime', 't', 'juld'],
  date: ['date'],
  lat: ['lat', 'latitude'],
  lon: ['lon', 'long', 'longitude', 'lng'],
  ve: ['ve', 'u', 'ewct', 'xseawatervelocity', 'eastwardseawatervelocity', 'eastwardvelocity', 'uvel'],
  vn: ['vn', 'v', 'nsct', 'yseawatervelocity', 'northwardseawatervelocity', 'northwardvelocity', 'vvel'],
  qc: ['qc', 'positionqc', 'qcposition', 'posqc', 'positionquality']
}

/** Names as users would type them, for "looked for ..." in messages. */
export const COLUMN_EXAMPLES: Record<'id' | 'time' | 'lat' | 'lon', string> = {
  id: 'ID, id, drifter, platform_code, trajectory, D_number, Platform ID',
  time: 'time, date, datetime, timestamp, date_UTC, Location date',
  lat: 'lat, latitude, LAT, LATITUDE',
  lon: 'lon, long, longitude, LON, LONGITUDE'
}

export function normaliseName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '')
}

/** Index of the first header matching a field's aliases (alias order wins), or -1. */
export function findColumn(headers: string[], field: Field): number {
  const names = headers.map(normaliseName)
  for (const alias of COLUMN_ALIASES[field]) {
    const i = names.indexOf(alias)
    if (i >= 0) return i
  }
  return -1
}
