/** Ambient types for the renderer: the preload's `window.api` and `.vue` modules (a script file, no imports). */

interface Window {
  /** Present in Electron (exposed by the preload); absent in browser mode. */
  api?: import('@shared/contract').DriftclipApi
  /** The preload's raw transport (see window.d.ts); repeated here so the test project, which includes only this file, sees it. */
  driftclip?: import('@shared/contract').EngineTransport
}

declare module '*.vue' {
  import type { DefineComponent } from 'vue'
  const component: DefineComponent<object, object, unknown>
  export default component
}
