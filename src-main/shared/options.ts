/** Select-box options built from a schema and its labels, so no face keeps its own copy of an option list. Pure. */

export interface LabelledOption<T extends string> {
  value: T
  label: string
}

/** The schema's values, in its order, each with its label (`labels` must name every value, or it does not compile). */
export function labelledOptions<T extends string>(schema: { options: readonly T[] }, labels: Record<T, string>): LabelledOption<T>[] {
  return schema.options.map((value) => ({ value, label: labels[value] }))
}
