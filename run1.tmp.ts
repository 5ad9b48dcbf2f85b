import { runAssimilation } from './src-main/engine/assimilate/deployment/run'
import { silentContext } from './src-main/engine/jobs/job'
import { AssimilationOptions } from './src-main/shared/deployment'
const t0 = Date.now()
const ctx = { ...silentContext(), progress: (p: any) => console.error(((Date.now()-t0)/1000).toFixed(1), p.message) }
const r = await runAssimilation({ tracksPath: process.argv[2], outPath: '/tmp/x.nc', options: AssimilationOptions.parse(JSON.parse(process.argv[3] ?? '{}')) }, ctx)
for (const row of r.skill) console.log(row.method.padEnd(18), row.rmse.toFixed(4), row.ci.map(x=>x.toFixed(3)).join('-'), row.speedRatio.toFixed(2), row.directionCosine.toFixed(2))
console.log(r.verdict); console.log(r.choices.join('\n')); console.log(JSON.stringify(r.prior.map(p=>[p.name,+p.value.toFixed(3),p.units]))); console.log(r.timings, r.projection.landFraction)
