// `npm pack` produces an installable package usable from ESM and CommonJS.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
let dir;
let files;

const run = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'twins-sdk-pack-'));
  // dist/ is already built by `npm test`; skip prepack's rebuild.
  const out = JSON.parse(run(npm, ['pack', '--json', '--ignore-scripts', '--pack-destination', dir], ROOT));
  files = out[0].files.map((f) => f.path);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
  run(npm, ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', join(dir, out[0].filename)], dir);
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('tarball contains dist (esm + cjs + d.ts) and README, not src/test', () => {
  for (const f of ['package.json', 'README.md', 'dist/esm/index.js', 'dist/esm/index.d.ts', 'dist/cjs/index.js', 'dist/cjs/index.d.ts', 'dist/cjs/package.json']) {
    assert.ok(files.includes(f), `${f} in tarball`);
  }
  assert.ok(!files.some((f) => f.startsWith('src/') || f.startsWith('test/') || f.startsWith('node_modules/')));
  assert.deepEqual(JSON.parse(readFileSync(join(ROOT, 'dist/cjs/package.json'), 'utf8')), { type: 'commonjs' });
});

test('no runtime dependencies; engines node >= 20', () => {
  assert.equal(pkg.dependencies, undefined);
  assert.equal(pkg.engines.node, '>=20');
  for (const v of Object.values(pkg.devDependencies)) assert.match(v, /^\d+\.\d+\.\d+$/, 'devDependencies pinned exactly');
});

test('import (ESM) from the installed tarball', () => {
  const out = run(process.execPath, [
    '--input-type=module',
    '-e',
    `import C, { Client, Arga, ApiError, TimeoutError, ConnectionError, VERSION } from '${pkg.name}';
     const c = new Arga({ baseUrl: 'http://127.0.0.1:9' });
     console.log(JSON.stringify({ same: C === Client && Arga === Client, err: new ApiError({ status: 404, body: { detail: 'x' } }).detail,
       kinds: [typeof TimeoutError, typeof ConnectionError], v: VERSION, ns: Object.keys(c).sort() }));`,
  ], dir);
  const r = JSON.parse(out);
  assert.equal(r.same, true);
  assert.equal(r.err, 'x');
  assert.deepEqual(r.kinds, ['function', 'function']);
  assert.equal(r.v, pkg.version);
  assert.deepEqual(r.ns, ['baseUrl', 'scenarios', 'twinRuns', 'twins']);
});

test('require (CommonJS) from the installed tarball', () => {
  const out = run(process.execPath, [
    '-e',
    `const sdk = require('${pkg.name}');
     const c = new sdk.Client({ baseUrl: 'http://127.0.0.1:9' });
     console.log(JSON.stringify({ alias: sdk.Arga === sdk.Client, def: sdk.default === sdk.Client, v: sdk.VERSION,
       fns: ['create','get','list','extend','lock','teardown','reset','waitUntilReady'].every((m) => typeof c.twinRuns[m] === 'function'),
       noLock: !('lock' in c.twins), file: require.resolve('${pkg.name}') }));`,
  ], dir);
  const r = JSON.parse(out);
  assert.equal(r.alias, true);
  assert.equal(r.def, true);
  assert.equal(r.v, pkg.version);
  assert.equal(r.fns, true);
  assert.equal(r.noLock, true);
  assert.match(r.file, /dist[\\/]cjs[\\/]index\.js$/);
});
