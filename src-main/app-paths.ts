/** Where the app keeps its files, and its version: one place for both. */
import { homedir } from 'node:os'
import { join } from 'node:path'
import pkg from '../package.json'

/** The workspace folder: $DRIFTCLIP_WORKSPACE, else ~/Driftclip. */
export function defaultWorkspace(): string {
  return process.env.DRIFTCLIP_WORKSPACE || join(homedir(), 'Driftclip')
}

export function appVersion(): string {
  return pkg.version
}
