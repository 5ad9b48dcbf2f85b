/**
 * The renderer's one access point to the engine: the typed `DriftclipApi` over the Electron preload's
 * transport (`window.driftclip`) or, in browser mode, over HTTP requests and server-sent events.
 * Only stores import this module.
 */
import { createApi, type DriftclipApi, type EngineEvent, type EngineTransport, type Envelope } from '@shared/contract'

export { RequestError as ApiError } from '@shared/contract'

function browserToken(): string {
  const fromUrl = new URLSearchParams(window.location.search).get('token')
  if (fromUrl) sessionStorage.setItem('driftclip-token', fromUrl)
  return fromUrl ?? sessionStorage.getItem('driftclip-token') ?? ''
}

/** Browser mode: POST /api/<channel> with { arg }; events from GET /api/events (same origin). */
export function httpTransport(base = '', token = browserToken()): EngineTransport {
  const listeners = new Set<(e: EngineEvent) => void>()
  let source: EventSource | undefined
  return {
    async invoke(channel, arg) {
      const res = await fetch(`${base}/api/${channel}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-driftclip-token': token },
        body: JSON.stringify({ arg })
      })
      const text = await res.text()
      try {
        return JSON.parse(text) as Envelope
      } catch {
        return { ok: false, error: { code: 'internal', message: text || `HTTP ${res.status}` } }
      }
    },
    subscribe(listener) {
      listeners.add(listener)
      if (!source) {
        source = new EventSource(`${base}/api/events?token=${encodeURIComponent(token)}`)
        source.onmessage = (m: MessageEvent<string>) => {
          const event = JSON.parse(m.data) as EngineEvent
          for (const l of listeners) l(event)
        }
      }
      return () => {
        listeners.delete(listener)
        if (listeners.size === 0) {
          source?.close()
          source = undefined
        }
      }
    }
  }
}

export const api: DriftclipApi = createApi(window.driftclip ?? httpTransport())
