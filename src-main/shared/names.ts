/** Names of new workspace artifacts. Pure. */

/** "name", "name-2", "name-3", … : the first not in `taken` (nothing is replaced without asking). */
export function freeName(name: string, taken: (candidate: string) => boolean): string {
  if (!taken(name)) return name
  for (let k = 2; ; k++) if (!taken(`${name}-${k}`)) return `${name}-${k}`
}
