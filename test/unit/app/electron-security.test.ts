/**
 * The Electron main process's security settings, tested in plain Node: `electron` is a stub recording what main.ts
 * asks of it (Electron itself cannot run here; see the feasibility notes on testing the main process without it).
 */
import { readFileSync } from 'node:fs'
import { describe, expect, test, vi } from 'vitest'

type Handler = (...args: unknown[]) => unknown
const electron = vi.hoisted(() => {
  const appHandlers = new Map<string, Handler>()
  const windows: { options: Record<string, unknown>; contents: { handlers: Map<string, Handler>; openHandler?: Handler } }[] = []
  const permission: { request?: Handler; check?: Handler } = {}
  const opened: string[] = []
  class FakeContents {
    handlers = new Map<string, Handler>()
    openHandler?: Handler
    on(event: string, h: Handler) {
      this.handlers.set(event, h)
      return this
    }
    setWindowOpenHandler(h: Handler) {
      this.openHandler = h
    }
    send() {}
  }
  class BrowserWindow {
    webContents = new FakeContents()
    constructor(public options: Record<string, unknown>) {
      windows.push({ options, contents: this.webContents })
      appHandlers.get('web-contents-created')?.({}, this.webContents)
    }
    static getAllWindows() {
      return []
    }
    once() {}
    show() {}
    loadFile() {
      return Promise.resolve()
    }
    loadURL() {
      return Promise.resolve()
    }
    setProgressBar() {}
  }
  let ready: () => void = () => {}
  const whenReady = new Promise<void>((r) => (ready = r))
  return {
    appHandlers, windows, permission, opened, ready: () => ready(), FakeContents,
    module: {
      app: { whenReady: () => whenReady, on: (e: string, h: Handler) => void appHandlers.set(e, h), getPath: () => '/tmp', quit() {} },
      BrowserWindow,
      ipcMain: { handle() {} },
      Menu: { setApplicationMenu() {}, buildFromTemplate: (t: unknown) => t },
      session: {
        defaultSession: {
          setPermissionRequestHandler: (h: Handler) => void (permission.request = h),
          setPermissionCheckHandler: (h: Handler) => void (permission.check = h)
        }
      },
      shell: { openExternal: (url: string) => void opened.push(url) }
    }
  }
})
vi.mock('electron', () => ({ ...electron.module, default: electron.module }))

async function startedMain() {
  await import('../../../src-main/main')
  electron.ready()
  await new Promise((r) => setTimeout(r, 10))
  return electron
}

describe('Electron main-process security', () => {
  test('the window runs sandboxed and isolated, without Node, webviews or insecure content', async () => {
    const { windows } = await startedMain()
    expect(windows).toHaveLength(1)
    expect(windows[0].options.webPreferences).toMatchObject({
      contextIsolation: true, sandbox: true, nodeIntegration: false, nodeIntegrationInWorker: false, nodeIntegrationInSubFrames: false,
      webSecurity: true, allowRunningInsecureContent: false, webviewTag: false, experimentalFeatures: false
    })
  })

  test('every permission request is denied and every permission check fails', async () => {
    const { permission } = await startedMain()
    for (const name of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal']) {
      const answer = vi.fn()
      permission.request!({}, name, answer, {})
      expect(answer).toHaveBeenCalledWith(false)
      expect(permission.check!({}, name, 'file://', {})).toBe(false)
    }
  })

  test('any web contents: no navigation, no webview, no new window; only https links go to the browser', async () => {
    const { appHandlers, opened, FakeContents } = await startedMain()
    const contents = new FakeContents()
    appHandlers.get('web-contents-created')!({}, contents)
    for (const event of ['will-navigate', 'will-attach-webview']) {
      const e = { preventDefault: vi.fn() }
      contents.handlers.get(event)!(e)
      expect(e.preventDefault).toHaveBeenCalled()
    }
    for (const url of ['https://arxiv.org/abs/2505.24134', 'http://evil.example', 'file:///etc/passwd', 'javascript:alert(1)'])
      expect(contents.openHandler!({ url })).toEqual({ action: 'deny' })
    expect(opened).toEqual(['https://arxiv.org/abs/2505.24134'])
  })

  test("the renderer's page carries a strict Content-Security-Policy: only its own origin, no eval", () => {
    const html = readFileSync(new URL('../../../src-renderer/index.html', import.meta.url), 'utf8')
    const csp = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1] ?? ''
    expect(csp).toMatch(/default-src 'self'/)
    expect(csp).toMatch(/script-src 'self'(;|$)/)
    expect(csp).not.toMatch(/unsafe-eval|https?:|\*/)
  })
})
