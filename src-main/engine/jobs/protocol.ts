/** Messages between the engine worker and its host (Electron main or the browser-mode server). */
import type { Channel, EngineEvent, JobError } from '../../shared/contract'
import type { TemporaryKind } from '../data/atomic'

export interface EngineOptions {
  /** Absolute path of the workspace folder. */
  workspace: string
  mode: 'electron' | 'browser'
  version: string
}

export type HostMessage = { type: 'request'; id: number; channel: Channel; arg: unknown }

export type EngineMessage =
  | { type: 'ready' }
  | { type: 'response'; id: number; ok: true; result: unknown }
  | { type: 'response'; id: number; ok: false; error: JobError }
  | { type: 'event'; event: EngineEvent }
  /** A temporary the worker started (live) or finished writing: removed by the host if it terminates the worker. */
  | { type: 'temporary'; path: string; live: boolean; kind: TemporaryKind }
