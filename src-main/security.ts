/**
 * The main process's security settings in one place (Electron's security checklist): the window's web preferences,
 * permissions (all denied: the app needs no camera, microphone, geolocation, notifications…), and what any web
 * contents may do (no navigation, no new windows, no webviews). Imports only types, so tests run it in plain Node.
 */
import type { Session, WebContents, WebPreferences } from 'electron'

export const WEB_PREFERENCES = {
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  webviewTag: false,
  experimentalFeatures: false
} as const satisfies WebPreferences

/** Deny every permission request and check (Electron grants them by default). */
export function denyAllPermissions(session: Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler'>): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false))
  session.setPermissionCheckHandler(() => false)
}

/** Only https links leave the app, and only to the user's browser. */
export function isExternalLink(url: string): boolean {
  try {
    return new URL(url).protocol === 'https:'
  } catch {
    return false
  }
}

/** No navigation away from the app, no new windows (https links open in the browser), no webviews. */
export function lockDownContents(contents: Pick<WebContents, 'on' | 'setWindowOpenHandler'>, openExternal: (url: string) => unknown): void {
  contents.on('will-navigate', (e) => e.preventDefault())
  contents.on('will-attach-webview', (e) => e.preventDefault())
  contents.setWindowOpenHandler(({ url }) => {
    if (isExternalLink(url)) void openExternal(url)
    return { action: 'deny' }
  })
}
