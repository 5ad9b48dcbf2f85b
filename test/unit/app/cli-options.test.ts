/** The CLI accepts exactly what the contract accepts: options are checked by the same schemas, seeds alike on every command. */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { main } from '../../../src-main/cli'

afterEach(() => vi.restoreAllMocks())

async function run(args: string[]): Promise<{ code: number; err: string }> {
  const err: string[] = []
  vi.spyOn(console, 'log').mockImplementation(() => {})
  vi.spyOn(console, 'error').mockImplementation((s: string) => void err.push(s))
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true)
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true)
  const code = await main(args)
  vi.restoreAllMocks()
  return { code, err: err.join('\n') }
}

describe('command-line options are the contract\'s', () => {
  it.each([
    [['benchmark-da', '--seed', '4294967296', '--out', '/nonexistent/x'], 'driftclip: benchmark-da: --seed: Too big: expected number to be <=4294967295'],
    [['benchmark-da', '--mcmc-steps', '5', '--out', '/nonexistent/x'], 'driftclip: benchmark-da: --mcmc-steps: Too small: expected number to be >=100'],
    [['benchmark-da', '--queries', '1000', '--out', '/nonexistent/x'], 'driftclip: benchmark-da: --queries: Too big: expected number to be <=100'],
    [['gp-experiment', '--seed=-3', '--out', '/nonexistent/x.json'], 'driftclip: gp-experiment: --seed: Too small: expected number to be >=0'],
    [['assimilate', 'tracks.csv', '--out', 'f.nc', '--step', '100'], 'driftclip: assimilate: --step: Too big: expected number to be <=48'],
    [['assimilate', 'tracks.csv', '--out', 'f.nc', '--seed', '4294967296'], 'driftclip: assimilate: --seed: Too big: expected number to be <=4294967295'],
    [['train', '--seed=-1', '--data', 'd.nc', '--out', 'm'], 'driftclip: train: --seed: Too small: expected number to be >=0'],
    [['train', '--widths', '64,5000', '--data', 'd.nc', '--out', 'm'], 'driftclip: train: --widths: Too big: expected number to be <=4096'],
    [['simulate', '--seed', '4294967296', '--out', 'd.nc'], 'driftclip: simulate: --seed: Too big: expected number to be <=4294967295'],
    [['train', '--seed', '-1'], "driftclip: train: Option '--seed' argument is ambiguous. Did you forget to specify the option argument for '--seed'? To specify an option argument starting with a dash use '--seed=-XYZ'. (see driftclip train --help)"],
    [['train', '--bogus'], "driftclip: train: Unknown option '--bogus' (see driftclip train --help)"]
  ])('%j → one line naming the option', async (args, message) => {
    const { code, err } = await run(args)
    expect(code).toBe(1)
    expect(err.trim()).toBe(message)
  })
})

describe('command help is built from the schemas', () => {
  it('train and compare --help list every loss, metric and encoder of the schemas', async () => {
    const { trainCommand } = await import('../../../src-main/commands/train')
    const { compareCommand } = await import('../../../src-main/commands/compare')
    const { LossKind, MetricKind, PotentialEncoderKind, TrajectoryEncoderKind } = await import('../../../src-main/shared/training')
    expect(trainCommand.usage).toContain(`--loss ${LossKind.options.join('|')} `)
    expect(trainCommand.usage).toContain(`--metric ${MetricKind.options.join('|')} `)
    expect(trainCommand.usage).toContain(`--encoder ${TrajectoryEncoderKind.options.join('|')} `)
    expect(trainCommand.usage).toContain(`--potential-encoder ${PotentialEncoderKind.options.join('|')} `)
    expect(compareCommand.usage).toContain(`comma-separated: ${LossKind.options.join(', ')} (`)
    expect(compareCommand.usage).toContain(`comma-separated: ${MetricKind.options.join(', ')} (`)
  })
})
