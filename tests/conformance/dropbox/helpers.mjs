// Shared set-up for the Dropbox conformance tests: one twins server
// (tests/lib/fixture.mjs, or TWINS_URL), a run per scenario, and the official
// `dropbox` SDK pointed at the run.  The SDK hard-codes https:// and its own
// hosts, so (per SDKS.md) it gets a fetch wrapper that rewrites
// https://{api,content,notify}.dropboxapi.com to the twin's base URL; the
// wrapper also adds node-fetch's res.buffer(), which the SDK's download path
// calls on Node.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import * as fx from '../../lib/fixture.mjs';

const require = createRequire(import.meta.url);
export const { Dropbox, DropboxResponseError } = require('dropbox');
export { stopServer, rejects } from '../../lib/fixture.mjs';

export function twinFetch(base) {
  return async (url, init) => {
    const res = await fetch(String(url).replace(/^https:\/\/(api|content|notify)\.dropboxapi\.com/, base), init);
    res.buffer = async () => Buffer.from(await res.arrayBuffer());
    return res;
  };
}

export function client(base, accessToken, opts = {}) {
  return new Dropbox({ accessToken, fetch: twinFetch(base), ...opts });
}

export async function newRun(extra = {}) {
  const ctx = await fx.newTwinRun('dropbox', extra);
  const token = ctx.env.DROPBOX_ACCESS_TOKEN;
  return { ...ctx, token, dbx: client(ctx.base, token) };
}

export const admin = (ctx, method, path, body) => fx.admin(ctx, method, path, body);

const bearer = fx.rawWith((ctx) => `Bearer ${ctx.token}`);
export const raw = (ctx, method, path, opts = {}) => bearer(ctx, method, path, opts);

/** Validates a result against the operation's response schema in the Dropbox description. */
export const assertSchema = (route, body) =>
  fx.assertSchema('dropbox', 'POST', `/2/${route}`, body, { name: 'Dropbox' });

/** Dropbox's route error as the SDK surfaces it: err.status and
 *  err.error = {error_summary, error: {".tag": …}}.  Returns err.error.error. */
export function assertDbxError(err, status, tag, summaryPrefix) {
  assert.ok(err instanceof DropboxResponseError, `not a DropboxResponseError: ${err}`);
  assert.equal(err.status, status, JSON.stringify(err.error));
  assert.equal(typeof err.error, 'object', `error body is not JSON: ${err.error}`);
  assert.equal(err.error.error['.tag'], tag, JSON.stringify(err.error));
  if (summaryPrefix) assert.ok(err.error.error_summary.startsWith(summaryPrefix), err.error.error_summary);
  assert.match(err.error.error_summary, /\/\.\.$/);
  return err.error.error;
}

export const utf8 = (b) => Buffer.from(b).toString('utf8');
