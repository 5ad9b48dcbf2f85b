/**
 * Perceptually uniform colour scales for the report: viridis (sequential, speed and uncertainty) and a
 * diverging blue–white–red scale (vorticity, symmetric about zero), as stop lists for ECharts' visualMap.
 */

/** viridis sampled at 9 even stops (matplotlib's table). */
export const VIRIDIS = ['#440154', '#472d7b', '#3b528b', '#2c728e', '#21918c', '#28ae80', '#5ec962', '#addc30', '#fde725']

/** Diverging, light in the middle: cmocean "balance"-like, sampled at 9 stops. */
export const DIVERGING = ['#181c43', '#1d4b9c', '#3f7fc0', '#a3bfdc', '#f1ecec', '#dea594', '#c05a45', '#8c1d23', '#3c0911']

/** Distinct series colours (Okabe–Ito, colour-blind safe), cycled. */
export const SERIES = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000', '#F0E442']
