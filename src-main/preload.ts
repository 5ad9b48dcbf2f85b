/**
 * The preload: exposes the engine transport as `window.driftclip` (typed by shared/contract.ts) and
 * nothing else. The renderer builds the typed api over it (src-renderer/src/bridge.ts).
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import type { Channel, EngineEvent, EngineTransport, Envelope } from './shared/contract'

const transport: EngineTransport = {
  invoke: (channel: Channel, arg: unknown) => ipcRenderer.invoke('engine:request', channel, arg) as Promise<Envelope>,
  subscribe(listener) {
    const forward = (_e: IpcRendererEvent, event: EngineEvent) => listener(event)
    ipcRenderer.on('engine:event', forward)
    return () => ipcRenderer.removeListener('engine:event', forward)
  }
}

contextBridge.exposeInMainWorld('driftclip', transport)
