/** Exports of fields and tracks (NetCDF, CSV, GeoJSON, JSON) and of figures (PNG, SVG) into the workspace. */
import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { FileEntry, JobId } from '@shared/contract'
import type { ExportFormat, FieldName } from '@shared/exports'
import { api } from '@renderer/bridge'
import { plainError } from '@renderer/composables/plain-error'
import { useDataStore } from './data-store'
import { useJobsStore } from './jobs-store'

export type { ExportFormat }

export interface ExportRequest {
  name: string
  dataset: string
  model: string
  index: number
  formats: ExportFormat[]
  /** Gridded quantities in the NetCDF files (default: all). */
  fields?: FieldName[]
}

/** UTF-8 text → base64 (SVG figures). */
export function textToBase64(text: string): string {
  const bytes = new TextEncoder().encode(text)
  let binary = ''
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  return btoa(binary)
}

export const useExportStore = defineStore('export', () => {
  const jobs = useJobsStore()
  const data = useDataStore()
  const jobId = ref<JobId | null>(null)
  const written = ref<FileEntry[]>([])
  const error = ref<string | null>(null)
  const lastFigure = ref<FileEntry | null>(null)

  async function start(req: ExportRequest): Promise<void> {
    error.value = null
    if (!req.formats.length) {
      error.value = 'Choose at least one format to export.'
      return
    }
    if (req.fields && !req.fields.length && req.formats.includes('netcdf')) {
      error.value = 'Choose at least one field for the NetCDF export.'
      return
    }
    try {
      const started = await api.startExport({
        name: req.name,
        dataset: req.dataset,
        model: req.model || undefined,
        index: req.index,
        formats: req.formats,
        ...(req.fields ? { fields: req.fields } : {})
      })
      jobId.value = started.jobId
      jobs.track(started, {
        done: (r) => {
          written.value = r.files
          void data.refresh()
        },
        error: (e) => (error.value = plainError(e))
      }, `export ${req.name}`)
    } catch (err) {
      error.value = plainError(err)
    }
  }

  /**
   * Save a rendered figure into the workspace exports.
   * @param content PNG data URL ("data:image/png;base64,…") or SVG markup.
   */
  async function saveFigure(name: string, format: 'png' | 'svg', content: string): Promise<FileEntry | null> {
    try {
      const contentBase64 = format === 'png' ? content.replace(/^data:image\/png;base64,/, '') : textToBase64(content)
      const entry = await api.saveFigure({ name, format, contentBase64 })
      lastFigure.value = entry
      void data.refresh()
      return entry
    } catch (err) {
      error.value = plainError(err)
      return null
    }
  }

  return { jobId, written, error, lastFigure, start, saveFigure }
})
