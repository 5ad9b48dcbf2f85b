import { readdirSync } from 'node:fs'
import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import vue from '@vitejs/plugin-vue'

const alias = {
  '@shared': resolve('src-main/shared'),
  '@renderer': resolve('src-renderer/src')
}

/** Every `*.worker.ts` under src-main/engine/jobs becomes its own entry, so the engine can start it by name. */
const workerEntries = Object.fromEntries(
  readdirSync(resolve('src-main/engine/jobs'))
    .filter((f) => f.endsWith('.worker.ts'))
    .map((f) => [f.replace(/\.ts$/, ''), resolve('src-main/engine/jobs', f)])
)

export default defineConfig({
  main: {
    resolve: { alias },
    build: {
      outDir: 'out/main',
      rollupOptions: {
        input: {
          index: resolve('src-main/main.ts'),
          serve: resolve('src-main/serve.ts'),
          launch: resolve('src-main/launch.ts'),
          ...workerEntries
        },
        // one flat folder: workers are found next to the module that starts them
        output: { format: 'es', entryFileNames: '[name].js', chunkFileNames: '[name]-[hash].js' }
      }
    }
  },
  preload: {
    resolve: { alias },
    build: {
      outDir: 'out/preload',
      rollupOptions: {
        input: { index: resolve('src-main/preload.ts') },
        // a sandboxed preload must be CommonJS
        output: { format: 'cjs', entryFileNames: '[name].cjs' }
      }
    }
  },
  renderer: {
    root: 'src-renderer',
    resolve: { alias },
    build: {
      outDir: 'out/renderer',
      minify: true,
      // ECharts and three.js are large by nature; the 3D view is already split into its own lazily loaded chunk
      chunkSizeWarningLimit: 1200,
      rollupOptions: { input: resolve('src-renderer/index.html') }
    },
    plugins: [vue()]
  }
})
