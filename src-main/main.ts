/**
 * Electron main: the window, the menu, and the engine worker behind one IPC channel. Lifecycle only;
 * all computation runs in the engine worker so the window never freezes.
 */
import { app, BrowserWindow, ipcMain, Menu, session, shell } from 'electron'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { CHANNELS, toEnvelope, type Channel } from './shared/contract'
import { EngineHost } from './engine-host'
import { appVersion } from './app-paths'
import { buildMenu } from './menu'
import { denyAllPermissions, lockDownContents, WEB_PREFERENCES } from './security'

const here = fileURLToPath(new URL('.', import.meta.url))
let host: EngineHost | undefined

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1360,
    height: 880,
    minWidth: 960,
    minHeight: 640,
    title: 'Driftclip',
    show: false,
    webPreferences: { ...WEB_PREFERENCES, preload: join(here, '../preload/index.cjs') }
  })
  win.once('ready-to-show', () => win.show())
  if (process.env.ELECTRON_RENDERER_URL) void win.loadURL(process.env.ELECTRON_RENDERER_URL)
  else void win.loadFile(join(here, '../renderer/index.html'))
  return win
}

function registerEngine(engine: EngineHost): void {
  ipcMain.handle('engine:request', (_event, channel: unknown, arg: unknown) => {
    if (typeof channel !== 'string' || !CHANNELS.includes(channel as Channel))
      return toEnvelope(async () => {
        throw Object.assign(new Error(`unknown request "${String(channel)}"`), { code: 'not-found' })
      })
    return toEnvelope(() => engine.invoke(channel as Channel, arg))
  })
  engine.onEvent((e) => {
    for (const win of BrowserWindow.getAllWindows()) {
      win.webContents.send('engine:event', e)
      if (e.type === 'job:progress') win.setProgressBar(e.progress.total ? e.progress.done / e.progress.total : -1)
      if (e.type === 'job:done' || e.type === 'job:error' || e.type === 'job:cancelled') win.setProgressBar(-1)
    }
  })
}

app.whenReady().then(() => {
  denyAllPermissions(session.defaultSession)
  host = new EngineHost({ workspace: join(app.getPath('documents'), 'Driftclip'), mode: 'electron', version: appVersion() })
  registerEngine(host)
  Menu.setApplicationMenu(buildMenu())
  createWindow()
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow()
  })
})

// every web contents (the window's and any other) is locked down as it is created
app.on('web-contents-created', (_e, contents) => lockDownContents(contents, (url) => shell.openExternal(url)))

app.on('window-all-closed', () => {
  void host?.close()
  if (process.platform !== 'darwin') app.quit()
})
