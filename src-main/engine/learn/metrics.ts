/** Retrieval metrics of a logit matrix in plain JavaScript: R@1 in both directions. */

/**
 * R@1 from logits[i*n + j] = s(u_i, v_j)/τ of n paired items: trajToPot = share of rows whose
 * argmax is the diagonal (retrieve v from u), potToTraj = the same over columns.
 */
export function recallAt1(logits: Float64Array, n: number): { trajToPot: number; potToTraj: number } {
  let rows = 0
  let cols = 0
  for (let i = 0; i < n; i++) {
    let best = -Infinity
    let arg = -1
    for (let j = 0; j < n; j++)
      if (logits[i * n + j] > best) {
        best = logits[i * n + j]
        arg = j
      }
    if (arg === i) rows++
    best = -Infinity
    arg = -1
    for (let j = 0; j < n; j++)
      if (logits[j * n + i] > best) {
        best = logits[j * n + i]
        arg = j
      }
    if (arg === i) cols++
  }
  return { trajToPot: rows / n, potToTraj: cols / n }
}
