/** Posterior sampling of flow parameters: the flow prior, Gaussian measures, the exact learned conditional and pCN. */
export { flowPrior, simulatorParams, type FlowPrior } from './flow-prior'
export { choleskyLower, denseGaussian, diagonalGaussian, drawGaussian, drawGaussianRows, fitGaussian, logDensityOf, solveLower, solveLowerTranspose, type GaussianPrior } from './gaussian'
export { adaptivePcn, withReference, type AdaptivePcnOptions, type AdaptivePcnResult } from './adaptive'
export { affineEncoder, gaussianConditional, quadraticConditional, score, tiltPotential, type AffineMap } from './conditional'
export { diagnose, pcn, sampleMoments, type PcnDiagnostics, type PcnOptions, type PcnResult, type PcnTarget } from './pcn'
export { effectiveSampleSizeOf, normalScores, rankNormalizedEss, rankNormalizedRhat, splitRhat } from './diagnostics'
export { normalCdf, normalQuantile } from './normal'
