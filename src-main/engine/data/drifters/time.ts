/** Time text → epoch seconds: ISO-8601 / "YYYY-MM-DD hh:mm:ss" strings and CF "<unit> since <date>" units. */

const DATE_TIME =
  /^(-?\d{1,4})[-/](\d{1,2})[-/](\d{1,2})(?:[T ]+(\d{1,2}):(\d{1,2})(?::(\d{1,2}(?:\.\d*)?))?)?\s*(Z|UTC|GMT|[+-]\d{1,2}(?::?\d{2})?)?$/i

/** "20-Apr-2023 10:04:49" (MATLAB datestr, GPS loggers) and "20/04/2023 10:04" (day first, as Argos and European loggers write). */
const DAY_FIRST = /^(\d{1,2})[-/. ]([A-Za-z]{3,9}|\d{1,2})[-/. ](\d{4})(?:[T ]+(\d{1,2}):(\d{1,2})(?::(\d{1,2}(?:\.\d*)?))?)?\s*(Z|UTC|GMT|[+-]\d{1,2}(?::?\d{2})?)?$/i
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec']

/** A day-first date rewritten year first ("2023-04-20 10:04:49"), or undefined. */
function dayFirst(text: string): string | undefined {
  const m = DAY_FIRST.exec(text)
  if (!m) return undefined
  const month = /^\d+$/.test(m[2]) ? Number(m[2]) : MONTHS.indexOf(m[2].slice(0, 3).toLowerCase()) + 1
  if (month < 1) return undefined
  const clock = m[4] === undefined ? '' : ` ${m[4]}:${m[5]}${m[6] === undefined ? '' : `:${m[6]}`}`
  return `${m[3]}-${month}-${m[1]}${clock}${m[7] ?? ''}`
}

/**
 * Parse a calendar date-time as UTC (a zone suffix Z/UTC/±hh:mm is honoured; none means UTC). Year-first ISO-8601
 * and "YYYY/MM/DD hh:mm:ss", and day-first "20-Apr-2023 10:04:49" or "20/04/2023 10:04:49".
 * @returns seconds since 1970-01-01T00:00:00Z, or NaN when the text is not a date-time.
 */
export function parseDateTime(text: string): number {
  const trimmed = text.trim()
  const m = DATE_TIME.exec(trimmed) ?? DATE_TIME.exec(dayFirst(trimmed) ?? '')
  if (!m) return NaN
  const [year, month, day, hour, minute] = [m[1], m[2], m[3], m[4] ?? '0', m[5] ?? '0'].map(Number)
  const second = Number(m[6] ?? '0')
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 24 || minute > 59 || second >= 61) return NaN
  const ms = Date.UTC(year, month - 1, day, hour, minute, 0)
  // Date.UTC maps years 0–99 to 1900–1999; CF reference dates like 0001-01-01 need the real year.
  const fixed = year >= 0 && year < 100 ? new Date(ms).setUTCFullYear(year) : ms
  return fixed / 1000 + second - zoneOffsetSeconds(m[7])
}

function zoneOffsetSeconds(zone: string | undefined): number {
  if (!zone || /^(z|utc|gmt)$/i.test(zone)) return 0
  const m = /^([+-])(\d{1,2}):?(\d{2})?$/.exec(zone)
  if (!m) return 0
  const sign = m[1] === '-' ? -1 : 1
  return sign * (Number(m[2]) * 3600 + Number(m[3] ?? '0') * 60)
}

const UNIT_SECONDS: Record<string, number> = {
  s: 1, sec: 1, secs: 1, second: 1, seconds: 1,
  min: 60, mins: 60, minute: 60, minutes: 60,
  h: 3600, hr: 3600, hrs: 3600, hour: 3600, hours: 3600,
  d: 86400, day: 86400, days: 86400
}

/** A parsed CF time unit: value × scale + epoch = epoch seconds. */
export interface CfTimeUnits {
  /** Seconds per unit. */
  scale: number
  /** The reference date, epoch seconds. */
  epoch: number
}

/** Parse CF time units such as "seconds since 1970-01-01 00:00:00" or "days since 1950-01-01T00:00:00Z"; undefined if not CF time units. */
export function parseCfTimeUnits(units: string): CfTimeUnits | undefined {
  const m = /^\s*([a-z]+)\s+since\s+(.+?)\s*$/i.exec(units)
  if (!m) return undefined
  const scale = UNIT_SECONDS[m[1].toLowerCase()]
  const epoch = parseDateTime(m[2])
  if (scale === undefined || !Number.isFinite(epoch)) return undefined
  return { scale, epoch }
}

/** Epoch seconds → ISO-8601 UTC text ("2019-06-04T05:00:00Z"). */
export function isoTime(seconds: number): string {
  if (!Number.isFinite(seconds)) return ''
  const iso = new Date(Math.round(seconds * 1000)).toISOString()
  return iso.endsWith('.000Z') ? `${iso.slice(0, -5)}Z` : iso
}
