/** Learning-rate schedule: linear warm-up then cosine decay to zero. */

/** Learning rate at step (0-based) of `total`, warm-up over the first `warmup` steps. */
export function learningRateAt(step: number, total: number, base: number, warmup: number): number {
  if (warmup > 0 && step < warmup) return (base * (step + 1)) / warmup
  const span = Math.max(1, total - warmup)
  const progress = Math.min(1, (step - warmup) / span)
  return base * 0.5 * (1 + Math.cos(Math.PI * progress))
}
