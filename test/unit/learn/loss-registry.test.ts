import { beforeAll, describe, expect, it } from 'vitest'
import { initBackend, tf } from '../../../src-main/engine/learn/backend'
import { condLoss, contrastiveLoss, jointLoss } from '../../../src-main/engine/learn/losses'
import { UserError } from '../../../src-main/engine/jobs/job'
import { LOSS_LABELS, LossKind, METRIC_LABELS, MetricKind } from '../../../src-main/shared/training'
import { labelledOptions } from '../../../src-main/shared/options'

beforeAll(() => initBackend('cpu'))

describe('one registry per option', () => {
  it('each loss name dispatches to its own loss; an unknown one is refused, not trained as the default', () => {
    const S = tf.tensor2d([[2, 0.5, -1], [0.1, 1.5, 0.3], [-0.2, 0.4, 1]])
    const value = (t: tf.Scalar) => t.dataSync()[0]
    expect(value(contrastiveLoss(S, 'joint', [1, 1]))).toBeCloseTo(value(jointLoss(S)), 6)
    expect(value(contrastiveLoss(S, 'cond-u', [2, 0]))).toBeCloseTo(value(condLoss(S, 2, 0)), 6)
    expect(value(contrastiveLoss(S, 'joint', [1, 1]))).not.toBeCloseTo(value(contrastiveLoss(S, 'cond', [1, 1])), 3)
    expect(() => contrastiveLoss(S, 'clip' as LossKind, [1, 1])).toThrow(new UserError('unknown loss "clip"; use one of cond, cond-u, cond-v, joint, mmd'))
  })

  it('select options come from the schemas, in their order, each with its label', () => {
    expect(labelledOptions(LossKind, LOSS_LABELS).map((o) => o.value)).toEqual(LossKind.options)
    expect(labelledOptions(MetricKind, METRIC_LABELS)).toEqual([
      { value: 'cosine', label: 'cosine' }, { value: 'dot', label: 'dot product' }, { value: 'l2', label: 'negative squared distance' }
    ])
  })
})
