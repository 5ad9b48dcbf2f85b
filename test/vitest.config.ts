import { resolve } from 'node:path'
import { defineConfig } from 'vitest/config'
import vue from '@vitejs/plugin-vue'

const root = resolve(import.meta.dirname, '..')
const alias = { '@shared': resolve(root, 'src-main/shared'), '@renderer': resolve(root, 'src-renderer/src') }

export default defineConfig({
  root,
  resolve: { alias },
  test: {
    projects: [
      {
        resolve: { alias },
        test: {
          name: 'node',
          environment: 'node',
          include: ['test/unit/**/*.test.ts'],
          exclude: ['test/unit/renderer/**'],
          testTimeout: 60_000
        }
      },
      {
        plugins: [vue()],
        resolve: { alias },
        test: { name: 'dom', environment: 'happy-dom', include: ['test/unit/renderer/**/*.test.ts'] }
      },
      {
        resolve: { alias },
        test: {
          name: 'e2e',
          environment: 'node',
          include: ['test/e2e/**/*.test.ts'],
          globalSetup: ['test/e2e/build.setup.ts'],
          testTimeout: 300_000,
          hookTimeout: 300_000,
          fileParallelism: false
        }
      }
    ]
  }
})
