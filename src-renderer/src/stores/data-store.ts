/** Data sets, drifter tracks and models in the workspace; app info; simulation and import jobs; track previews. */
import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import type { AppInfo, JobId, WorkspaceListing } from '@shared/contract'
import type { DatasetSummary, SimulationConfigInput } from '@shared/simulation'
import type { ImportSummary, TracksExport, TracksExportFormat } from '@shared/drifters'
import type { TrackPreview } from '@shared/views'
import { api } from '@renderer/bridge'
import { persisted } from '@renderer/composables/persisted'
import { plainError } from '@renderer/composables/plain-error'
import { useJobsStore } from './jobs-store'
import { useSettingsStore } from './settings-store'

/** Read a File as base64 (without the data-URL prefix). */
export async function fileToBase64(file: Blob): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer())
  let binary = ''
  const chunk = 0x8000
  // chunks keep String.fromCharCode under the argument-count limit
  for (let i = 0; i < bytes.length; i += chunk) binary += String.fromCharCode(...bytes.subarray(i, i + chunk))
  return btoa(binary)
}

export const useDataStore = defineStore('data', () => {
  const jobs = useJobsStore()
  const settings = useSettingsStore()
  const info = ref<AppInfo | null>(null)
  const workspace = ref<WorkspaceListing | null>(null)
  const error = ref<string | null>(null)
  const simulationJob = ref<JobId | null>(null)
  const importJob = ref<JobId | null>(null)
  const lastSimulation = ref<DatasetSummary | null>(null)
  const lastImport = ref<ImportSummary | null>(null)
  const preview = shallowRef<TrackPreview | null>(null)
  const lastTracksExport = ref<TracksExport | null>(null)
  /** The data set and model the other views work on (kept across reloads while they exist). */
  const dataset = persisted('data.dataset', '')
  const model = persisted('data.model', '')

  /** Models trained by the last comparison (in its exports folder), offered next to the workspace's models. */
  const comparisonModels = ref<{ path: string; label: string }[]>([])

  const datasets = computed(() => workspace.value?.datasets ?? [])
  const models = computed(() => workspace.value?.models ?? [])
  const tracks = computed(() => workspace.value?.tracks ?? [])
  /** What can be trained on, compared, explored and exported: paired data sets (imported tracks are previewed). */
  const sources = computed(() => datasets.value.map((d) => d.path))

  async function loadInfo(): Promise<void> {
    try {
      info.value = await api.appInfo()
    } catch (err) {
      error.value = plainError(err)
    }
  }

  /** Re-read the workspace; keep the selection when it still exists, else pick the newest. */
  async function refresh(): Promise<void> {
    try {
      workspace.value = await api.listWorkspace()
      error.value = null
    } catch (err) {
      error.value = plainError(err)
      return
    }
    if (!datasets.value.some((d) => d.path === dataset.value)) dataset.value = newest(datasets.value)
    if (model.value && !models.value.some((m) => m.path === model.value) && !comparisonModels.value.some((m) => m.path === model.value)) model.value = ''
  }

  function newest(entries: { path: string; modified: string }[]): string {
    return [...entries].sort((a, b) => b.modified.localeCompare(a.modified))[0]?.path ?? ''
  }

  async function simulate(name: string, config: SimulationConfigInput): Promise<void> {
    error.value = null
    try {
      const started = await api.startSimulation({ name, config })
      simulationJob.value = started.jobId
      jobs.track(started, {
        done: (r) => {
          lastSimulation.value = r
          void refresh().then(() => select(r.path))
        },
        error: (e) => (error.value = plainError(e))
      }, `simulate ${name}`)
    } catch (err) {
      error.value = plainError(err)
    }
  }

  async function importFile(file: File): Promise<void> {
    error.value = null
    try {
      const contentBase64 = await fileToBase64(file)
      const started = await api.startImport({ fileName: file.name, contentBase64 })
      importJob.value = started.jobId
      jobs.track(started, {
        done: (r) => {
          lastImport.value = r
          const out = r.out
          void refresh().then(() => {
            if (out) void showPreview(out)
          })
        },
        error: (e) => (error.value = plainError(e))
      }, `import ${file.name}`)
    } catch (err) {
      error.value = plainError(err)
    }
  }

  /** Write imported tracks (tracks/…) as CSV or GeoJSON into exports/ (a job); `lastTracksExport` says where. */
  async function exportTracks(tracks: string, format: TracksExportFormat): Promise<void> {
    error.value = null
    try {
      const started = await api.startExportTracks({ tracks, format })
      jobs.track(started, {
        done: (r) => {
          lastTracksExport.value = r
          void refresh()
        },
        error: (e) => (error.value = plainError(e))
      }, `export ${tracks} as ${format}`)
    } catch (err) {
      error.value = plainError(err)
    }
  }

  /** Preview a data set or imported tracks; a data set also becomes the current one (for training, exploring, exporting) and remember it as recent. */
  function select(path: string): void {
    if (!path) return
    if (path.startsWith('datasets/')) dataset.value = path
    settings.addRecent(path)
    void showPreview(path)
  }

  async function showPreview(source: string): Promise<void> {
    try {
      preview.value = await api.previewTracks({ source, split: 'all', limit: 60 })
    } catch (err) {
      error.value = plainError(err)
    }
  }

  return {
    info, workspace, error, comparisonModels, simulationJob, importJob, lastSimulation, lastImport, preview, dataset, model,
    datasets, models, tracks, sources, loadInfo, refresh, simulate, importFile, select, showPreview, exportTracks, lastTracksExport
  }
})
