#!/usr/bin/env node
// The `driftclip` bin: runs the TypeScript CLI through tsx, so no build step is needed.
import { register } from 'tsx/esm/api'

// Load h5wasm (4 MB of JavaScript with the WebAssembly inlined) natively before tsx hooks imports: transformed by
// tsx it costs ~600 MB of RSS, as much as a 1 M-fix import. The TypeScript modules then share this instance.
await import('h5wasm/node')
register()
const { main } = await import('./cli.ts')
process.exit(await main(process.argv.slice(2)))
