/** `driftclip retrieve`: reconstruct a velocity field with uncertainty from real drifter tracks. */
import { intOption, stringOption } from './options'
import type { CliCommand } from './types'

export const retrieveCommand: CliCommand = {
  name: 'retrieve',
  summary: 'reconstruct a velocity field (CF NetCDF, with uncertainty) from drifter tracks with a trained model',
  usage: `options:
  --model DIR      trained model folder
  --data FILE.nc   the paired data set the model was trained on (its train split is the reference bank)
  --tracks FILE    drifter tracks: imported tracks NetCDF or any CSV / NetCDF / GeoJSON drifter file
  --out FIELD.nc   where to write the field (u, v, psi, vorticity, velocity_std on time × y × x; km, s, m/s)
  --grid N         grid cells per side (default 32)
  --frames N       frames over the window (default 25)`,
  options: { model: { type: 'string' }, data: { type: 'string' }, tracks: { type: 'string' }, out: { type: 'string' }, grid: { type: 'string' }, frames: { type: 'string' } },
  async run(values, _positionals, io) {
    // engines load on use, so `driftclip --help` and other commands start fast
    const { runDrifterRetrieval } = await import('../engine/assimilate/drifter-retrieve')
    const r = await runDrifterRetrieval(
      {
        modelDir: stringOption(values, 'model', 'retrieve'),
        datasetPath: stringOption(values, 'data', 'retrieve'),
        tracksPath: stringOption(values, 'tracks', 'retrieve'),
        outPath: stringOption(values, 'out', 'retrieve'),
        grid: intOption(values, 'grid', 32),
        frames: intOption(values, 'frames', 25)
      },
      io.context
    )
    io.print(`window ${r.window.start} → ${r.window.end}; ${r.drifters.length} drifters; query: ${r.queryDrifters.join(', ')}`)
    io.print(`effective sample size ${r.ess.toFixed(1)} of a bank of ${r.bankSize}`)
    for (const s of r.inSample) io.print(`  in-sample      ${s.id}: velocity RMSE ${s.rmse.toFixed(3)} m/s (observed RMS speed ${s.rmsObserved.toFixed(3)} m/s)`)
    for (const s of r.leaveOneOut) io.print(`  left out       ${s.id}: velocity RMSE ${s.rmse.toFixed(3)} m/s (observed RMS speed ${s.rmsObserved.toFixed(3)} m/s)`)
    for (const n of r.notes) io.print(`note: ${n}`)
    io.print(`field written to ${r.out}`)
    return r
  }
}
