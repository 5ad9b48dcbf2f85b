import { describe, expect, it } from 'vitest'
import { trainConfigFromOptions } from '../../../src-main/commands/train'
import { UserError } from '../../../src-main/engine/jobs/job'

describe('driftclip train options', () => {
  it('maps options onto the training configuration', () => {
    const c = trainConfigFromOptions({ loss: 'cond-u', metric: 'l2', dim: '5', widths: '64,32', lr: '0.01', 'single-thread': true, 'fixed-temperature': true })
    expect(c).toMatchObject({ loss: 'cond-u', metric: 'l2', dim: 5, widths: [64, 32], learningRate: 0.01, parallel: 'off', learnTemperature: false, epochs: 20 })
  })
  it('maps the sequence encoder options (tokens, blocks, pooling, width)', () => {
    const c = trainConfigFromOptions({ encoder: 'sequence', tokens: '20', blocks: '3', pooling: 'mean', 'model-width': '32' })
    expect(c).toMatchObject({ encoder: 'sequence', tokens: 20, blocks: 3, pooling: 'mean', modelWidth: 32 })
    expect(trainConfigFromOptions({})).toMatchObject({ tokens: 25, blocks: 1, pooling: 'last', modelWidth: 64, tokenFeatures: 'positions' })
    expect(trainConfigFromOptions({ 'token-features': 'basis' }).tokenFeatures).toBe('basis')
  })
  it.each([
    [{ loss: 'bogus' }, 'train: --loss: Invalid option: expected one of "cond"|"cond-u"|"cond-v"|"joint"|"mmd"'],
    [{ metric: 'l3' }, 'train: --metric: Invalid option: expected one of "cosine"|"dot"|"l2"'],
    [{ dim: '0' }, 'train: --dim: Too small: expected number to be >=1'],
    [{ epochs: 'x' }, 'train: --epochs must be an integer, got "x"'],
    [{ lr: '-1' }, 'train: --lr: Too small: expected number to be >0'],
    [{ blocks: '13' }, 'train: --blocks: Too big: expected number to be <=12'],
    [{ pooling: 'max' }, 'train: --pooling: Invalid option: expected one of "last"|"mean"'],
    [{ 'token-features': 'fourier' }, 'train: --token-features: Invalid option: expected one of "positions"|"basis"'],
    [{ widths: '256,a' }, 'train: --widths wants comma-separated positive integers, got "256,a"']
  ])('rejects %o with one clear message', (values, message) => {
    expect(() => trainConfigFromOptions(values)).toThrow(new UserError(message))
  })
})
