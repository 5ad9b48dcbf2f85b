/**
 * Text from data files made safe to print: control characters (ANSI/OSC escapes, carriage returns, newlines, bidi
 * overrides) are shown as escapes, so a drifter id cannot clear the screen, retitle the window or forge a line, and
 * quoted input is cut to QUOTE_MAX characters, so one bad 10 MB line does not fill the terminal.
 */

/** Longest stretch of untrusted text quoted in a message. */
export const QUOTE_MAX = 80

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/gu
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_BUT_NEWLINE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/gu
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\u001b': '\\e' }
const shown = (c: string) => NAMED[c] ?? `\\u{${c.codePointAt(0)!.toString(16)}}`

/** `text` on one line: every control character escaped (newlines too). */
export function oneLine(text: string): string {
  return text.replace(CONTROL, shown)
}

/** `text` with control characters escaped except newlines (for multi-line output the program itself composed). */
export function printable(text: string): string {
  return text.replace(CONTROL_BUT_NEWLINE, shown)
}

/** Cut `text` to `max` characters, saying how many were left out. */
export function cut(text: string, max = QUOTE_MAX): string {
  const chars = [...text]
  return chars.length <= max ? text : `${chars.slice(0, max).join('')}… (${chars.length - max} more characters)`
}

/** Untrusted text in quotes, escaped and cut: `"…"`. */
export function quote(text: string, max = QUOTE_MAX): string {
  return `"${oneLine(cut(text, max))}"`
}

/** Every quoted stretch longer than `max` in a message, cut (for messages built before they reach the terminal). */
export function capQuotes(message: string, max = QUOTE_MAX): string {
  return message.replace(/"([^"]*)"/g, (whole, inner: string) => (inner.length > max ? `"${cut(inner, max)}"` : whole))
}
