/** What the Electron preload puts on `window` (absent in browser mode). */
import type { EngineTransport } from '@shared/contract'

declare global {
  interface Window {
    driftclip?: EngineTransport
  }
}
export {}
