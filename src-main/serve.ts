/**
 * Browser mode: serves the built renderer on 127.0.0.1 with the real engine behind the same contract.
 * Every request must carry the random token of the printed URL (query, header or the cookie set by the
 * first page load), and Host/Origin must name this server, so no other web page can drive the engine.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { randomBytes, timingSafeEqual } from 'node:crypto'
import { existsSync } from 'node:fs'
import { readFile, stat } from 'node:fs/promises'
import { extname, join, normalize, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { CHANNELS, toEnvelope, type Channel, type EngineEvent } from './shared/contract'
import { EngineHost } from './engine-host'
import { MAX_REQUEST_BYTES } from './shared/limits'
import { defaultWorkspace, appVersion } from './app-paths'

/** The token cookie is named per port: a cookie is sent to every port of a host, so a page served on another local port cannot ride it. */
const tokenCookie = (port: number) => `driftclip_token_${port}`
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.woff2': 'font/woff2',
  '.ico': 'image/x-icon'
}

export interface ServeOptions {
  /** 0 picks a free port. */
  port?: number
  workspace?: string
  /** Folder of the built renderer (out/renderer). */
  rendererDir?: string
}

export interface RunningServer {
  url: string
  port: number
  token: string
  host: EngineHost
  close(): Promise<void>
}

/** The built renderer next to this module (out/main → out/renderer), or out/renderer from the repo root. */
export function findRendererDir(): string {
  const besideBuild = fileURLToPath(new URL('../renderer/', import.meta.url))
  return existsSync(join(besideBuild, 'index.html')) ? besideBuild : resolve('out/renderer')
}

export async function startServer(opts: ServeOptions = {}): Promise<RunningServer> {
  const rendererDir = resolve(opts.rendererDir ?? findRendererDir())
  if (!existsSync(join(rendererDir, 'index.html')))
    throw new Error(`no built renderer in ${rendererDir}; run "npm run build" first`)
  const token = randomBytes(24).toString('base64url')
  const host = new EngineHost({ workspace: opts.workspace ?? defaultWorkspace(), mode: 'browser', version: appVersion() })
  const streams = new Set<ServerResponse>()
  host.onEvent((e: EngineEvent) => {
    const data = `data: ${JSON.stringify(e)}\n\n`
    for (const s of streams) s.write(data)
  })
  let port = 0
  // the top-level guard: no request, however malformed, ends the process (and with it every running job)
  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      const message = err instanceof Error ? err.message : String(err)
      console.error(`driftclip serve: ${req.method} ${JSON.stringify((req.url ?? '').slice(0, 200))}: ${message}`)
      if (res.headersSent) res.destroy()
      else send(res, 500, { ok: false, error: { code: 'internal', message } })
    })
  })
  server.on('clientError', (_err, socket) => socket.destroy())

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`)
    const allowed = [`127.0.0.1:${port}`, `localhost:${port}`]
    if (!allowed.includes(req.headers.host ?? '')) return send(res, 403, 'wrong Host header')
    const origin = req.headers.origin
    if (origin && !allowed.some((a) => origin === `http://${a}`)) return send(res, 403, 'cross-origin request refused')
    if (!hasToken(req, url, token, port)) return send(res, 401, 'missing or wrong token: open the URL that `npm run serve` printed')

    if (url.pathname === '/api/events' && req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' })
      res.write(': connected\n\n')
      streams.add(res)
      req.on('close', () => streams.delete(res))
      return
    }
    if (url.pathname.startsWith('/api/') && req.method === 'POST') {
      const channel = url.pathname.slice('/api/'.length) as Channel
      if (!CHANNELS.includes(channel)) return send(res, 200, { ok: false, error: { code: 'not-found', message: `unknown request "${channel}"` } })
      const body = await readBody(req)
      let arg: unknown
      try {
        arg = body.length ? (JSON.parse(body) as { arg?: unknown }).arg : undefined
      } catch {
        return send(res, 200, { ok: false, error: { code: 'bad-input', message: 'request body is not JSON' } })
      }
      // a refused request is an answer, not a transport failure: the envelope carries the error, status stays 200
      return send(res, 200, await toEnvelope(() => host.invoke(channel, arg)))
    }
    if (req.method !== 'GET') return send(res, 405, 'method not allowed')
    return serveStatic(url.pathname, res)
  }

  async function serveStatic(pathname: string, res: ServerResponse): Promise<void> {
    let rel: string
    try {
      rel = pathname === '/' ? 'index.html' : decodeURIComponent(pathname).replace(/^\/+/, '')
    } catch {
      return send(res, 400, 'malformed path')
    }
    const file = normalize(join(rendererDir, rel))
    // only regular files inside the renderer folder: a folder (GET /assets/) is "not found", not a crash
    if (!file.startsWith(rendererDir + sep) || !(await stat(file).catch(() => undefined))?.isFile()) return send(res, 404, 'not found')
    const body = await readFile(file) // read before the head is sent, so a failure can still answer 500
    const headers: Record<string, string> = {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'x-content-type-options': 'nosniff'
    }
    if (rel === 'index.html') {
      headers['set-cookie'] = `${tokenCookie(port)}=${token}; HttpOnly; SameSite=Strict; Path=/`
      headers['cache-control'] = 'no-store'
    }
    res.writeHead(200, headers)
    res.end(body)
  }

  await new Promise<void>((ok) => server.listen(opts.port ?? 0, '127.0.0.1', ok))
  port = (server.address() as { port: number }).port
  const url = `http://127.0.0.1:${port}/?token=${token}`
  return {
    url,
    port,
    token,
    host,
    async close() {
      for (const s of streams) s.end()
      await new Promise<void>((ok) => server.close(() => ok()))
      await host.close()
    }
  }
}

function hasToken(req: IncomingMessage, url: URL, token: string, port: number): boolean {
  const name = tokenCookie(port)
  const cookie = (req.headers.cookie ?? '').split(';').map((c) => c.trim()).find((c) => c.startsWith(`${name}=`))?.slice(name.length + 1)
  const given = url.searchParams.get('token') ?? (req.headers['x-driftclip-token'] as string | undefined) ?? cookie
  if (!given) return false
  const a = Buffer.from(given)
  const b = Buffer.from(token)
  return a.length === b.length && timingSafeEqual(a, b)
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((ok, fail) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (c: Buffer) => {
      size += c.length
      if (size > MAX_REQUEST_BYTES) {
        fail(new Error(`request larger than ${(MAX_REQUEST_BYTES / 1048576).toFixed(0)} MB`))
        req.destroy()
      } else chunks.push(c)
    })
    req.on('end', () => ok(Buffer.concat(chunks).toString('utf8')))
    req.on('error', fail)
  })
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const json = typeof body !== 'string'
  res.writeHead(status, {
    'content-type': json ? 'application/json' : 'text/plain; charset=utf-8',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff'
  })
  res.end(json ? JSON.stringify(body) : body)
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { port: { type: 'string' }, workspace: { type: 'string' } } })
  const server = await startServer({ port: values.port ? Number(values.port) : 0, workspace: values.workspace })
  console.log(`Driftclip is running in browser mode. Open this URL (it carries the access token):\n  ${server.url}`)
  console.log(`Workspace: ${values.workspace ?? defaultWorkspace()}   (Ctrl+C stops)`)
  const stop = () => void server.close().then(() => process.exit(0))
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}

if (process.argv[1] && /serve\.(ts|js)$/.test(process.argv[1])) {
  main().catch((err: Error) => {
    console.error(`driftclip serve: ${err.message}`)
    process.exit(1)
  })
}
