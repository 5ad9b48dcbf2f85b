/**
 * THE contract between the renderer and the engine: every request with its argument schema and result
 * type, and every event. The Electron preload, the browser-mode bridge and the CLI all speak it.
 * Pure: no 'electron', no 'node:*'.
 */
import { z } from 'zod'
import { ExportFormat, FieldName, TracksExportFormat } from './exports'
import { FIELD_DEFAULTS, FIELD_LIMITS, MAX_IMPORT_BASE64 } from './limits'
import type { DatasetSummary } from './simulation'
import { SimulationConfig } from './simulation'
import type { BackendInfo, ModelSummary } from './training'
import { TrainConfig } from './training'
import type { ImportSummary, TracksExport } from './drifters'
import { AssimilationOptions, type AssimilationResult } from './deployment'
import { TwinBenchmarkOptions, type TwinBenchmarkResult } from './twin'
import type { FieldView, ComparisonResult, DeploymentFieldView, ExportResult, TrackPreview } from './views'

export type { FieldView, ComparisonResult, DeploymentFieldView, ExportResult, TrackPreview }

/** A file inside the workspace, named relative to it ("datasets/demo.nc"). Never absolute, never "..". */
export const WorkspacePath = z
  .string()
  .min(1)
  .max(400)
  .refine((p) => !p.startsWith('/') && !p.includes('\\') && !/^[a-zA-Z]:/.test(p), 'must be relative to the workspace')
  .refine((p) => p.split('/').every((part) => part !== '..' && part !== ''), 'must not contain ".." or empty parts')

/** A short user-given name for a new data set, model or export (becomes a file name). */
export const ArtifactName = z
  .string()
  .min(1)
  .max(80)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'use letters, digits, ".", "_" or "-" (no spaces or slashes)')

export const JobId = z.string().regex(/^job-\d+$/, 'not a job id')
export type JobId = z.infer<typeof JobId>

export { FieldName }

/** Every request: its argument schema. The result type of each is in `Results` below. */
export const Requests = {
  appInfo: z.undefined(),
  listWorkspace: z.undefined(),
  listJobs: z.undefined(),
  /** `pause` keeps what a later run can resume from (training checkpoints); a plain cancel discards it. */
  cancelJob: z.object({ jobId: JobId, pause: z.boolean().default(false) }),
  startSimulation: z.object({ name: ArtifactName, config: SimulationConfig }),
  /** `resume` continues a paused (cancelled) run from its last completed epoch. */
  startTraining: z.object({ name: ArtifactName, dataset: WorkspacePath, config: TrainConfig, resume: z.boolean().default(false) }),
  /** Train `variants` and compare them, or compare `models` already trained on the data set (no retraining). */
  startComparison: z
    .object({
      name: ArtifactName,
      dataset: WorkspacePath,
      variants: z.array(TrainConfig).max(12).default([]),
      models: z.array(WorkspacePath).max(12).default([])
    })
    .refine((r) => r.variants.length + r.models.length > 0, { message: 'give at least one variant to train or one trained model', path: ['variants'] })
    .refine((r) => !(r.variants.length && r.models.length), { message: 'give variants to train or trained models, not both', path: ['models'] }),
  /** Import a drifter file sent by the renderer (dialog or drag-and-drop) as base64. */
  startImport: z.object({
    fileName: z.string().min(1).max(255),
    contentBase64: z.string().max(MAX_IMPORT_BASE64),
    /** Leave out the fixes before release and after pick-up (reported either way). */
    trim: z.boolean().default(false)
  }),
  /** Write imported tracks (tracks/…) as CSV or GeoJSON into the workspace exports. */
  startExportTracks: z.object({ tracks: WorkspacePath, format: TracksExportFormat }),
  previewTracks: z.object({
    source: WorkspacePath,
    split: z.enum(['train', 'validation', 'test', 'all']).default('test'),
    limit: z.number().int().min(1).max(500).default(50)
  }),
  getField: z.object({
    dataset: WorkspacePath,
    model: WorkspacePath.optional(),
    /** Index of the test case (within the test split). */
    index: z.number().int().min(0),
    grid: z.number().int().min(FIELD_LIMITS.explore.grid.min).max(FIELD_LIMITS.explore.grid.max).default(FIELD_DEFAULTS.explore.grid),
    frames: z.number().int().min(1).max(FIELD_LIMITS.explore.frames.max).default(FIELD_DEFAULTS.explore.frames)
  }),
  startExport: z.object({
    name: ArtifactName,
    dataset: WorkspacePath,
    model: WorkspacePath.optional(),
    index: z.number().int().min(0).default(0),
    formats: z.array(ExportFormat).min(1),
    /** Which gridded quantities go into the NetCDF files (uncertainty only exists for a reconstruction). */
    fields: z.array(FieldName).min(1).default([...FieldName.options])
  }),
  /** Assimilate imported drifter tracks: fitted prior, posterior field (exports/NAME.nc) and leave-one-drifter-out skill. */
  /** The embedded demo (resources/demo.json): simulate, train and compare its variants; `quick` is the smaller version. */
  startDemo: z.object({ quick: z.boolean().default(true) }),
  startAssimilation: z.object({ name: ArtifactName, tracks: WorkspacePath, options: AssimilationOptions.prefault({}) }),
  /** Twin benchmark: prior, EnKF, MCMC (the information limit), bank and bank-free contrastive, one table per twin (exports/NAME/). */
  startTwinBenchmark: z.object({ name: ArtifactName, options: TwinBenchmarkOptions.prefault({ quick: true }) }),
  /** Read an assimilated field file (exports/NAME.nc) for the map: at most `frames` frames, evenly spread. */
  getDeploymentField: z.object({ file: WorkspacePath, frames: z.number().int().min(1).max(FIELD_LIMITS.deployment.frames.max).default(FIELD_DEFAULTS.deploymentMap.frames) }),
  /** Save a figure rendered in the renderer (PNG data URL body or SVG text) into the workspace exports. */
  saveFigure: z.object({
    name: ArtifactName,
    format: z.enum(['png', 'svg']),
    contentBase64: z.string().max(50 * 1024 * 1024)
  })
} as const

export type Channel = keyof typeof Requests
export type RequestOf<C extends Channel> = z.input<(typeof Requests)[C]>
export type ParsedRequestOf<C extends Channel> = z.output<(typeof Requests)[C]>

export interface AppInfo {
  version: string
  mode: 'electron' | 'browser'
  backend: BackendInfo
  workspace: string
  cores: number
}

export interface FileEntry {
  path: string
  bytes: number
  modified: string
}

export interface WorkspaceListing {
  datasets: (FileEntry & { summary?: DatasetSummary })[]
  models: (FileEntry & { summary?: ModelSummary })[]
  tracks: (FileEntry & { summary?: ImportSummary })[]
  exports: FileEntry[]
  /** Entries skipped, one line each (a broken link, a link leaving the workspace). */
  notes?: string[]
}

/** The job each start request runs: the one map from request to job kind (the host labels its jobs by it). */
export const JOB_OF = {
  startSimulation: 'simulate',
  startTraining: 'train',
  startComparison: 'compare',
  startImport: 'import',
  startExportTracks: 'export-tracks',
  startExport: 'export',
  startDemo: 'demo',
  startAssimilation: 'assimilate',
  startTwinBenchmark: 'benchmark-da'
} as const satisfies { [C in Channel as C extends `start${string}` ? C : never]: keyof JobResults }
export type JobStartChannel = keyof typeof JOB_OF
export type JobKind = keyof JobResults

/** Whether a request starts a job (its answer is a `JobStarted`, its outcome a later terminal event). */
export function isJobStart(channel: Channel): channel is JobStartChannel {
  return Object.hasOwn(JOB_OF, channel)
}

/** What the GUI's demo run leaves in the workspace: a data set, a comparison and its best variant to explore. */
export interface DemoSummary {
  dataset: string
  comparison: ComparisonResult
  /** The variant with the lowest relative velocity RMSE of its conditional mean. */
  best: { label: string; model: string }
  seconds: number
}

type StartResults = { [C in JobStartChannel]: JobStarted<(typeof JOB_OF)[C]> }

/** A started job: its id and its kind, which types its `job:done` result from the engine to the store. */
export interface JobStarted<K extends JobKind = JobKind> {
  jobId: JobId
  kind: K
}

/** Every request's result; a start request's is the `JobStarted` of its kind. */
export interface Results extends StartResults {
  appInfo: AppInfo
  listWorkspace: WorkspaceListing
  listJobs: JobSnapshot[]
  cancelJob: { cancelled: boolean }
  previewTracks: TrackPreview
  getField: FieldView
  saveFigure: FileEntry
  getDeploymentField: DeploymentFieldView
}

/** What each kind of job returns when it is done. */
export interface JobResults {
  simulate: DatasetSummary
  train: ModelSummary & { finalLoss: number; steps: number }
  compare: ComparisonResult
  import: ImportSummary
  'export-tracks': TracksExport
  export: ExportResult
  assimilate: AssimilationResult
  'benchmark-da': TwinBenchmarkResult
  demo: DemoSummary
}

/** Live numbers of a running job, e.g. loss, validation R@1, pairs/s. */
export type JobMetrics = Record<string, number>

export interface JobProgress {
  done: number
  total: number
  /** What `done` counts: "pairs", "steps", "variants", "bytes". */
  unit: string
  etaSeconds?: number
  message?: string
  metrics?: JobMetrics
}

/** A user-facing error: `code` is stable, `message` says what is wrong and what to do. */
export interface JobError {
  code: 'bad-input' | 'not-found' | 'cancelled' | 'internal'
  message: string
}

export interface JobSnapshot {
  jobId: JobId
  kind: JobKind
  label: string
  state: 'running' | 'done' | 'error' | 'cancelled'
  progress?: JobProgress
  startedAt: string
  /** A cancelled job that was paused (its checkpoint is kept for resume). */
  paused?: boolean
}

/** A job's success: a union discriminated by `kind`, so narrowing the kind types the result. */
export type JobDone<K extends JobKind = JobKind> = JobDoneOf[K]
type JobDoneOf = { [K in JobKind]: { type: 'job:done'; jobId: JobId; kind: K; result: JobResults[K] } }

/** Whether a job's success is of kind `kind` (then its result is that kind's result). */
export function isDoneOf<K extends JobKind>(event: JobDone, kind: K): event is JobDone<K> {
  return event.kind === kind
}

/** Everything the engine pushes to the renderer. */
export type EngineEvent =
  | { type: 'job:started'; job: JobSnapshot }
  | { type: 'job:progress'; jobId: JobId; progress: JobProgress }
  | { type: 'job:log'; jobId: JobId; level: 'info' | 'warn'; message: string }
  | JobDone
  | { type: 'job:error'; jobId: JobId; error: JobError }
  | { type: 'job:cancelled'; jobId: JobId; paused?: boolean }

/** The typed surface the renderer builds with `createApi` over the preload transport (Electron) or the browser bridge. */
export type DriftclipApi = {
  [C in Channel]: (...arg: RequestOf<C> extends undefined ? [] : [RequestOf<C>]) => Promise<Results[C]>
} & {
  /** Subscribe to engine events; returns the unsubscribe function. */
  onEvent(listener: (event: EngineEvent) => void): () => void
}

/** Every channel name, for the bridges that build `DriftclipApi` generically. */
export const CHANNELS = Object.keys(Requests) as Channel[]

/** A request's outcome as it crosses IPC or HTTP (errors keep their code this way). */
export type Envelope<T = unknown> = { ok: true; result: T } | { ok: false; error: JobError }

/** The raw transport under `DriftclipApi`: the Electron preload's `window.driftclip`, or HTTP + SSE. */
export interface EngineTransport {
  invoke(channel: Channel, arg: unknown): Promise<Envelope>
  subscribe(listener: (event: EngineEvent) => void): () => void
}

/** The failure a request rejects with, carried across IPC and HTTP as JSON. */
export class RequestError extends Error {
  constructor(
    readonly code: JobError['code'],
    message: string
  ) {
    super(message)
    this.name = 'RequestError'
  }
}

/** Build the typed api over a transport; a failed request rejects with a RequestError. */
export function createApi(transport: EngineTransport): DriftclipApi {
  const api: Record<string, unknown> = {
    onEvent: (listener: (event: EngineEvent) => void) => transport.subscribe(listener)
  }
  for (const channel of CHANNELS) {
    api[channel] = async (arg?: unknown) => {
      const envelope = await transport.invoke(channel, arg)
      if (!envelope.ok) throw new RequestError(envelope.error.code, envelope.error.message)
      return envelope.result
    }
  }
  return api as DriftclipApi
}

/** Run a request and wrap its outcome for the wire. */
export async function toEnvelope(run: () => Promise<unknown>): Promise<Envelope> {
  try {
    return { ok: true, result: await run() }
  } catch (err) {
    const e = err as { code?: JobError['code']; message?: string }
    return { ok: false, error: { code: e.code ?? 'internal', message: e.message ?? String(err) } }
  }
}

/** Validate a request's argument; the error names the channel and the field. */
export function parseRequest<C extends Channel>(channel: C, arg: unknown): ParsedRequestOf<C> {
  const schema = Requests[channel]
  if (!schema) throw new RequestError('bad-input', `unknown request "${String(channel)}"`)
  const parsed = schema.safeParse(arg)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const field = issue?.path.length ? issue.path.join('.') : 'argument'
    throw new RequestError('bad-input', `${channel}: ${field}: ${issue?.message ?? 'invalid'}`)
  }
  return parsed.data as ParsedRequestOf<C>
}
