/**
 * Input limits, each defined once: the contract (GUI uploads), the server, the engine and the CLI all read them here.
 * Pure: no imports.
 */

/** Largest drifter file accepted, bytes (stated in the error so users know the limit). */
export const MAX_IMPORT_BYTES = 200 * 1024 * 1024

/** Base64 length of the largest drifter file: the contract's cap on an upload's `contentBase64`. */
export const MAX_IMPORT_BASE64 = Math.ceil(MAX_IMPORT_BYTES / 3) * 4

/** Largest request body the browser-mode server reads: the largest upload plus room for its JSON envelope. */
export const MAX_REQUEST_BYTES = MAX_IMPORT_BASE64 + 1024 * 1024

/**
 * Values one variable of a file may declare before anything is allocated. A header can claim any size (a 7 kB
 * NetCDF-4 file may declare 60 million observations), so the claim is checked against the file: at most 4 values per
 * byte of file (a 32× compression of doubles, beyond what real drifter data reaches), never less than 2^20 nor
 * more than 2^26 (512 MiB of doubles).
 */
export function maxDeclaredValues(fileBytes: number): number {
  return Math.min(2 ** 26, Math.max(2 ** 20, 4 * fileBytes))
}

/** What is wrong with a variable's declared shape for a file of `fileBytes`, or undefined when it is within limits. */
export function declaredSizeProblem(shape: readonly number[], fileBytes: number): string | undefined {
  const values = shape.reduce((a, b) => a * b, 1)
  const max = maxDeclaredValues(fileBytes)
  if (values <= max) return undefined
  return `declares ${values.toLocaleString('en-US')} values (shape ${shape.join(' × ')}), more than the ${max.toLocaleString('en-US')} a ${fileBytes.toLocaleString('en-US')}-byte file can hold; the file is damaged or crafted`
}
