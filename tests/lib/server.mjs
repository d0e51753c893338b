// Starts a real `twins serve` for a test file and stops it afterwards.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const TWINS_BIN = process.env.TWINS_BIN || join(ROOT, 'build', 'twins');
export const SPEC_DIR = join(ROOT, 'specs', 'compiled');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A window of twin ports of its own, so test servers running side by side
 *  (node --test runs files concurrently) never take each other's ports. */
export function randomPortRange(size = 400) {
  const lo = 20000 + Math.floor(Math.random() * ((60000 - 20000) / size)) * size;
  return `${lo}-${lo + size - 1}`;
}

/** Starts the server; resolves to { url, port, stop(), proc, logs() }. */
export async function startServer({ args = [], env = {}, dataDir, portRange = randomPortRange() } = {}) {
  if (!existsSync(TWINS_BIN)) throw new Error(`twins binary not found at ${TWINS_BIN}; run make or set TWINS_BIN`);
  const work = mkdtempSync(join(tmpdir(), 'twins-test-'));
  const portFile = join(work, 'port');
  const fullArgs = ['serve', '--port', '0', '--port-file', portFile, '--quiet', '--spec-dir', SPEC_DIR,
    '--port-range', portRange, ...args];
  if (dataDir) fullArgs.push('--data-dir', dataDir);
  const proc = spawn(TWINS_BIN, fullArgs, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  proc.stdout.on('data', (d) => (output += d));
  proc.stderr.on('data', (d) => (output += d));
  let exited = null;
  proc.on('exit', (code, signal) => (exited = { code, signal }));
  for (let i = 0; i < 200 && !existsSync(portFile); i++) {
    if (exited) throw new Error(`twins exited early (${JSON.stringify(exited)}): ${output}`);
    await sleep(25);
  }
  await sleep(10);
  const port = Number(readFileSync(portFile, 'utf8').trim());
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    port,
    proc,
    logs: () => output,
    async stop(signal = 'SIGTERM') {
      if (!exited) {
        const done = new Promise((r) => proc.once('exit', r));
        proc.kill(signal);
        let timer;
        const limit = new Promise((r) => { timer = setTimeout(r, 5000); });
        await Promise.race([done, limit]);
        clearTimeout(timer);
        if (!exited) {
          proc.kill('SIGKILL');
          await done;
        }
      }
      rmSync(work, { recursive: true, force: true });
      return exited;
    },
  };
}

/** fetch + JSON with sensible defaults; returns { status, body, headers }. */
export async function api(base, method, path, body, headers = {}) {
  const init = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    if (!init.headers['content-type']) init.headers['content-type'] = 'application/json';
  }
  const res = await fetch(base + path, init);
  const text = await res.text();
  let parsed = text;
  try { parsed = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
  return { status: res.status, body: parsed, headers: res.headers, text };
}

/** Creates a run of the given twins and returns its status object. */
export async function createRun(base, twins, extra = {}) {
  const r = await api(base, 'POST', '/twin-runs', { twins, ...extra });
  if (r.status !== 201) throw new Error(`create run: ${r.status} ${r.text}`);
  return r.body;
}
