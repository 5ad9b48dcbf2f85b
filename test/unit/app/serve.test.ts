import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { request } from 'node:http'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { startServer, type RunningServer } from '../../../src-main/serve'

/** A raw HTTP call, so tests control the Host and Origin headers. */
function call(port: number, path: string, opts: { method?: string; headers?: Record<string, string>; body?: string } = {}) {
  return new Promise<{ status: number; body: string; headers: Record<string, unknown> }>((ok, fail) => {
    const req = request({ host: '127.0.0.1', port, path, method: opts.method ?? 'GET', headers: opts.headers }, (res) => {
      let body = ''
      res.on('data', (c) => (body += c))
      res.on('end', () => ok({ status: res.statusCode ?? 0, body, headers: res.headers }))
    })
    req.on('error', fail)
    req.end(opts.body)
  })
}

describe('browser-mode server', () => {
  let server: RunningServer
  let host: string
  let renderer: string
  beforeAll(async () => {
    renderer = mkdtempSync(join(tmpdir(), 'renderer-'))
    mkdirSync(join(renderer, 'assets'))
    writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>Driftclip</title>')
    writeFileSync(join(renderer, 'assets', 'app.js'), 'export {}')
    server = await startServer({ rendererDir: renderer, workspace: mkdtempSync(join(tmpdir(), 'ws-')) })
    host = `127.0.0.1:${server.port}`
  })
  afterAll(() => server.close())

  test('binds 127.0.0.1 and prints a URL carrying the token', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${server.token}`)
    expect(server.token.length).toBeGreaterThanOrEqual(32)
  })

  test('refuses requests without the token', async () => {
    const r = await call(server.port, '/assets/app.js', { headers: { host } })
    expect(r.status).toBe(401)
  })

  test('refuses a foreign Host header (DNS rebinding) and a foreign Origin', async () => {
    const q = `/?token=${server.token}`
    expect((await call(server.port, q, { headers: { host: `evil.example:${server.port}` } })).status).toBe(403)
    const post = await call(server.port, '/api/appInfo', {
      method: 'POST',
      headers: { host, origin: 'https://evil.example', 'x-driftclip-token': server.token },
      body: '{}'
    })
    expect(post.status).toBe(403)
  })

  test('the page sets an HttpOnly same-site cookie that then serves the assets', async () => {
    const page = await call(server.port, `/?token=${server.token}`, { headers: { host } })
    expect(page.status).toBe(200)
    const cookie = String(page.headers['set-cookie'])
    expect(cookie.startsWith(`driftclip_token_${server.port}=`)).toBe(true)
    expect(cookie).toContain('HttpOnly')
    expect(cookie).toContain('SameSite=Strict')
    const asset = await call(server.port, '/assets/app.js', { headers: { host, cookie: cookie.split(';')[0] } })
    expect(asset.status).toBe(200)
    expect(asset.headers['content-type']).toBe('text/javascript; charset=utf-8')
  })

  test('answers contract requests from the real engine, and validation errors name the field', async () => {
    const headers = { host, 'x-driftclip-token': server.token, 'content-type': 'application/json' }
    const info = await call(server.port, '/api/appInfo', { method: 'POST', headers, body: '{}' })
    const body = JSON.parse(info.body)
    expect(body.ok).toBe(true)
    expect(body.result.mode).toBe('browser')
    expect(['tensorflow', 'wasm', 'cpu']).toContain(body.result.backend.name)
    const bad = await call(server.port, '/api/cancelJob', { method: 'POST', headers, body: '{"arg":{"jobId":"42"}}' })
    // refusals travel in the envelope with status 200, so browsers log no network error
    expect(bad.status).toBe(200)
    expect(JSON.parse(bad.body)).toEqual({ ok: false, error: { code: 'bad-input', message: 'cancelJob: jobId: not a job id' } })
    const unknown = await call(server.port, '/api/eval', { method: 'POST', headers, body: '{}' })
    expect(JSON.parse(unknown.body)).toEqual({ ok: false, error: { code: 'not-found', message: 'unknown request "eval"' } })
  })

  test('GET /assets/ and /assets answer 404 and the server lives on; static files need no engine', async () => {
    const fresh = await startServer({ rendererDir: renderer, workspace: mkdtempSync(join(tmpdir(), 'ws-')) })
    try {
      const h = { host: `127.0.0.1:${fresh.port}`, 'x-driftclip-token': fresh.token }
      for (const path of ['/assets/', '/assets', '/assets/%E0%A4%A', '/assets/../../etc/passwd'])
        expect([404, 400]).toContain((await call(fresh.port, path, { headers: h })).status)
      expect((await call(fresh.port, '/assets/app.js', { headers: h })).status).toBe(200)
      expect(fresh.host.started).toBe(false)
    } finally {
      await fresh.close()
    }
  })

  test("another local port's token cookie is not accepted: the cookie is named for this port", async () => {
    const other = `driftclip_token_${server.port + 1}=${server.token}`
    expect((await call(server.port, '/assets/app.js', { headers: { host, cookie: other } })).status).toBe(401)
    expect((await call(server.port, '/assets/app.js', { headers: { host, cookie: `driftclip_token=${server.token}` } })).status).toBe(401)
  })
})
