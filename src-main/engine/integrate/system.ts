/** The shape of an ordinary differential equation dy/dt = f(t, y) over a Float64Array state, shared by the integrators. */

/** Writes f(t, y) into `dy` (same length as `y`); must not allocate in hot loops. */
export type Derivative = (t: number, y: Float64Array, dy: Float64Array) => void
