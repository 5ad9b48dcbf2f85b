/** Retrieval, reconstruction and scores: request and result types. Pure: zod only. */
import { z } from 'zod'

export const RecallAtK = z.object({ r1: z.number(), r5: z.number(), r10: z.number(), meanRank: z.number(), medianRank: z.number() })
export type RecallAtK = z.infer<typeof RecallAtK>

/** Retrieval scores in both directions on one split. */
export interface RetrievalScores {
  trajectoryToPotential: RecallAtK
  potentialToTrajectory: RecallAtK
}

/** One row of the RMSE table: a method (learned variant or baseline) against the truth. */
export interface RmseRow {
  method: string
  velocityRmse: number
  relativeVelocityRmse: number
  tracerRmse: number
  streamFunctionRmse: number
  /** Effective sample size of the conditional weights (learned methods only). */
  ess?: number
}

export interface EvaluationResult {
  model: string
  dataset: string
  retrieval: RetrievalScores
  rmse: RmseRow[]
}
