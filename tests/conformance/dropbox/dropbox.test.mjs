// Dropbox twin conformance: the official `dropbox` SDK (10.34.0) against a
// live run — files (upload modes, download, metadata, folders, delete, copy,
// move, revisions, restore, sessions, batches, search, cursors), the account,
// tiers and quota, shared links, scopes, rate limits, webhooks and seeding.
// Results are validated against the Dropbox description (src/twins/dropbox/api.json,
// written from the Stone definitions) and errors against Dropbox's shapes.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { startReceiver } from '../../lib/receiver.mjs';
import { admin, assertDbxError, assertSchema, client, newRun, raw, rejects, stopServer, utf8 } from './helpers.mjs';
import { createRun, startServer } from '../../lib/server.mjs';

after(stopServer);

// Dropbox's content hash: SHA-256 over the concatenated SHA-256 digests of 4 MiB blocks.
function contentHash(buf) {
  const outer = createHash('sha256');
  for (let off = 0; off < buf.length; off += 4 * 1024 * 1024) outer.update(createHash('sha256').update(buf.subarray(off, off + 4 * 1024 * 1024)).digest());
  return outer.digest('hex');
}

const SEED = {
  account: { name: 'Ada Lovelace', email: 'ada@example.com' },
  folders: [
    { name: 'Projects', files: [{ name: 'plan.md', content: '# Plan\nShip the analytical engine.' }, { name: 'budget.csv', content: 'item,cost\ngears,100' }],
      folders: [{ name: 'Archive', files: [{ name: 'old-plan.md', content: 'obsolete' }] }] },
    { name: 'Photos' },
  ],
  files: [{ path: '/README.txt', content: 'Welcome to the twin.' }],
  members: [{ name: 'Grace Hopper', email: 'grace@example.com' }, { name: 'Alan Turing', email: 'alan@example.com' }],
};

async function seeded() {
  const ctx = await newRun();
  const r = await admin(ctx, 'PUT', '/admin/config', { seed: SEED });
  assert.equal(r.status, 200, JSON.stringify(r.json));
  return ctx;
}

const names = (entries) => entries.map((e) => e.path_display).sort();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// A longpoll with nothing to report runs its whole timeout (30 s, the
// minimum): it starts here and is checked by the file's last test, so the
// wait overlaps the other tests.
let quietPoll = null;
test('longpoll (start): a cursor whose folder never changes is held', async () => {
  const ctx = await seeded();
  const { cursor } = (await ctx.dbx.filesListFolderGetLatestCursor({ path: '/Photos' })).result;
  const started = Date.now();
  quietPoll = { started, answer: ctx.dbx.filesListFolderLongpoll({ cursor, timeout: 30 }).then((r) => ({ at: Date.now(), r }), (err) => ({ at: Date.now(), err })) };
  // Changes elsewhere in the account do not end it.
  await ctx.dbx.filesUpload({ path: '/Projects/busy.md', contents: 'elsewhere' });
});

test('auth: the run token works; unknown, expired and revoked tokens get 401 invalid/expired_access_token; a missing or non-Bearer header a plain-text 400', async () => {
  const ctx = await newRun({ });
  const me = await ctx.dbx.usersGetCurrentAccount();
  assert.equal(me.status, 200);
  let err = await rejects(() => client(ctx.base, 'sl.not-a-real-token').usersGetCurrentAccount());
  assertDbxError(err, 401, 'invalid_access_token', 'invalid_access_token/');
  const r = await raw(ctx, 'POST', '/2/users/get_current_account', { auth: false });
  assert.equal(r.status, 400);
  assert.equal(r.text, 'Error in call to API function "users/get_current_account": Must provide HTTP header "Authorization" or URL parameter "authorization".');
  const basic = await raw(ctx, 'POST', '/2/users/get_current_account', { auth: false, headers: { Authorization: 'Basic abc' } });
  assert.equal(basic.status, 400);
  assert.match(basic.text, /Invalid authorization value in HTTP header "Authorization": "Basic abc"\.  Expecting "Bearer <oauth2-access-token>"\./);
  await admin(ctx, 'PATCH', '/admin/config', { tokens: ['sl.extra-token'], expired_tokens: ['sl.old-token'] });
  assert.equal((await client(ctx.base, 'sl.extra-token').usersGetSpaceUsage()).status, 200);
  err = await rejects(() => client(ctx.base, 'sl.old-token').usersGetSpaceUsage());
  assertDbxError(err, 401, 'expired_access_token');
  // auth/token/revoke ends the token it was called with.
  const extra = client(ctx.base, 'sl.extra-token');
  assert.equal((await extra.authTokenRevoke()).result, null);
  assertDbxError(await rejects(() => extra.usersGetSpaceUsage()), 401, 'invalid_access_token');
  assert.equal((await ctx.dbx.checkUser({ query: 'ping' })).result.result, 'ping');
});

test('users: current account, get_account / get_account_batch for the account and seeded team members', async () => {
  const ctx = await seeded();
  const me = (await ctx.dbx.usersGetCurrentAccount()).result;
  assertSchema('users/get_current_account', me);
  assert.equal(me.name.display_name, 'Ada Lovelace');
  assert.equal(me.name.abbreviated_name, 'AL');
  assert.equal(me.email, 'ada@example.com');
  assert.deepEqual(me.account_type, { '.tag': 'basic' });
  assert.match(me.account_id, /^dbid:[A-Za-z0-9_-]{40}$/);
  const self = (await ctx.dbx.usersGetAccount({ account_id: me.account_id })).result;
  assertSchema('users/get_account', self);
  assert.equal(self.is_teammate, false);
  const state = (await admin(ctx, 'GET', '/admin/state')).json.state;
  const ids = state.accounts.map((a) => a.account_id);
  const batch = (await ctx.dbx.usersGetAccountBatch({ account_ids: ids })).result;
  assertSchema('users/get_account_batch', batch);
  assert.deepEqual(batch.map((a) => a.name.display_name), ['Grace Hopper', 'Alan Turing']);
  assert.ok(batch.every((a) => a.is_teammate));
  // The team view lists the account (as admin) and the seeded members.
  const team = (await ctx.dbx.teamMembersListV2({})).result;
  assertSchema('team/members/list_v2', team);
  assert.deepEqual(team.members.map((m) => m.profile.email), ['ada@example.com', 'grace@example.com', 'alan@example.com']);
  assert.equal(team.members[0].roles[0].name, 'Team admin');
  assert.equal(team.members[1].profile.account_id, ids[0]);
  assert.equal((await ctx.dbx.teamMembersListV2({ limit: 1 })).result.members.length, 1);
  const info = (await ctx.dbx.teamGetInfo()).result;
  assertSchema('team/get_info', info);
  assert.equal(info.num_provisioned_users, 3);
  const missing = 'dbid:' + 'x'.repeat(40);
  assertDbxError(await rejects(() => ctx.dbx.usersGetAccount({ account_id: missing })), 409, 'no_account', 'no_account/');
  const e = assertDbxError(await rejects(() => ctx.dbx.usersGetAccountBatch({ account_ids: [ids[0], missing] })), 409, 'no_account');
  assert.equal(e.no_account, missing);
});

test('upload and download: metadata shape, block-wise content_hash, Dropbox-API-Result with non-ASCII names escaped', async () => {
  const { dbx, base, token } = await newRun();
  const up = (await dbx.filesUpload({ path: '/Docs/Hello.txt', contents: 'hello world', client_modified: '2024-01-02T03:04:05Z' })).result;
  assertSchema('files/upload', up);
  assert.equal(up['.tag'], 'file');
  assert.equal(up.name, 'Hello.txt');
  assert.equal(up.path_lower, '/docs/hello.txt');
  assert.equal(up.path_display, '/Docs/Hello.txt');
  assert.equal(up.size, 11);
  assert.equal(up.client_modified, '2024-01-02T03:04:05Z');
  assert.match(up.server_modified, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.equal(up.content_hash, contentHash(Buffer.from('hello world')));
  // More than one 4 MiB block.
  const big = Buffer.alloc(4 * 1024 * 1024 + 10, 7);
  const bigMeta = (await dbx.filesUpload({ path: '/big.bin', contents: big })).result;
  assert.equal(bigMeta.content_hash, contentHash(big));
  assert.notEqual(bigMeta.content_hash, createHash('sha256').update(big).digest('hex'));
  const down = (await dbx.filesDownload({ path: '/docs/HELLO.txt' })).result;
  assertSchema('files/download', { ...down, fileBinary: undefined });
  assert.equal(utf8(down.fileBinary), 'hello world');
  assert.equal(down.id, up.id);
  // Non-ASCII names travel escaped in both headers.
  const uni = (await dbx.filesUpload({ path: '/Résumé ✓ 🚀.txt', contents: 'cv' })).result;
  assert.equal(uni.name, 'Résumé ✓ 🚀.txt');
  const res = await fetch(`${base}/2/files/download`, { method: 'POST', headers: { authorization: `Bearer ${token}`,
    'dropbox-api-arg': JSON.stringify({ path: uni.id }).replace(/[\u007f-\uffff]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0')) } });
  const header = res.headers.get('dropbox-api-result');
  assert.match(header, /^[\x20-\x7e]+$/);
  assert.match(header, /R\\u00e9sum\\u00e9 \\u2713 \\ud83d\\ude80\.txt/);
  assert.equal(JSON.parse(header).name, 'Résumé ✓ 🚀.txt');
  assert.equal(await res.text(), 'cv');
  // Downloads also answer GET with ?arg= and ?authorization=.
  const q = new URLSearchParams({ arg: JSON.stringify({ path: '/docs/hello.txt' }), authorization: `Bearer ${token}` });
  const get = await fetch(`${base}/2/files/download?${q}`);
  assert.equal(get.status, 200);
  assert.equal(await get.text(), 'hello world');
  assert.equal(JSON.parse(get.headers.get('dropbox-api-result')).rev, up.rev);
  // HEAD answers like GET, without the body, though the path also takes POST.
  const head = await fetch(`${base}/2/files/download?${q}`, { method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.equal(head.headers.get('content-length'), '11');
  assert.equal(JSON.parse(head.headers.get('dropbox-api-result')).rev, up.rev);
  assert.equal(await head.text(), '');
  assertDbxError(await rejects(() => dbx.filesDownload({ path: '/nope.txt' })), 409, 'path', 'path/not_found/');
  assertDbxError(await rejects(() => dbx.filesDownload({ path: '/Docs' })), 409, 'path', 'path/not_file/');
});

test('upload modes: add conflicts and autorenames, overwrite keeps the id, update needs the current rev, identical content is a no-op', async () => {
  const { dbx } = await newRun();
  const v1 = (await dbx.filesUpload({ path: '/notes.txt', contents: 'one' })).result;
  let e = assertDbxError(await rejects(() => dbx.filesUpload({ path: '/notes.txt', contents: 'two' })), 409, 'path', 'path/conflict/file/');
  assert.deepEqual(e.reason, { '.tag': 'conflict', conflict: { '.tag': 'file' } });
  const renamed = (await dbx.filesUpload({ path: '/notes.txt', contents: 'two', autorename: true })).result;
  assert.equal(renamed.name, 'notes (1).txt');
  assert.equal((await dbx.filesUpload({ path: '/notes.txt', contents: 'three', autorename: true })).result.name, 'notes (2).txt');
  const same = (await dbx.filesUpload({ path: '/notes.txt', contents: 'one' })).result;
  assert.equal(same.rev, v1.rev, 'identical content writes nothing');
  const v2 = (await dbx.filesUpload({ path: '/notes.txt', contents: 'uno', mode: { '.tag': 'overwrite' } })).result;
  assert.equal(v2.id, v1.id);
  assert.notEqual(v2.rev, v1.rev);
  assert.ok(v2.rev > v1.rev, 'revs grow');
  const v3 = (await dbx.filesUpload({ path: '/notes.txt', contents: 'eins', mode: { '.tag': 'update', update: v2.rev } })).result;
  assert.equal(v3.size, 4);
  e = assertDbxError(await rejects(() => dbx.filesUpload({ path: '/notes.txt', contents: 'stale', mode: { '.tag': 'update', update: v2.rev } })), 409, 'path', 'path/conflict/file/');
  const copy = (await dbx.filesUpload({ path: '/notes.txt', contents: 'stale', mode: { '.tag': 'update', update: v2.rev }, autorename: true })).result;
  assert.equal(copy.name, 'notes (conflicted copy).txt');
  // Folders and files in the way.
  await dbx.filesCreateFolderV2({ path: '/Box' });
  assertDbxError(await rejects(() => dbx.filesUpload({ path: '/box', contents: 'x' })), 409, 'path', 'path/conflict/folder/');
  e = assertDbxError(await rejects(() => dbx.filesUpload({ path: '/notes.txt/inner.txt', contents: 'x' })), 409, 'path', 'path/conflict/file_ancestor/');
  assert.deepEqual(e.reason.conflict, { '.tag': 'file_ancestor' });
  // Missing parents are created, keeping the stored casing.
  const deep = (await dbx.filesUpload({ path: '/box/a/b/c.txt', contents: 'deep' })).result;
  assert.equal(deep.path_display, '/Box/a/b/c.txt');
  assert.equal((await dbx.filesGetMetadata({ path: '/box/a/b' })).result['.tag'], 'folder');
});

test('malformed input: bad paths, bad Content-Type, missing Dropbox-API-Arg and bad JSON get plain-text 400s', async () => {
  const ctx = await newRun();
  let err = await rejects(() => ctx.dbx.filesGetMetadata({ path: 'no-slash' }));
  assert.equal(err.status, 400);
  assert.match(err.error, /^Error in call to API function "files\/get_metadata": request body: path: 'no-slash' did not match pattern/);
  err = await rejects(() => ctx.dbx.filesGetMetadata({ path: '' }));
  assert.equal(err.status, 400);
  assert.match(err.error, /The root folder is unsupported/);
  err = await rejects(() => ctx.dbx.filesListFolder({}));
  assert.equal(err.status, 400);
  assert.match(err.error, /missing required field 'path'/);
  // The root is "" in API v2: "/" is refused wherever a path goes, even where the root is allowed.
  for (const [route, call] of [['files/list_folder', () => ctx.dbx.filesListFolder({ path: '/' })],
    ['files/get_metadata', () => ctx.dbx.filesGetMetadata({ path: '/' })],
    ['files/create_folder_v2', () => ctx.dbx.filesCreateFolderV2({ path: '/' })]]) {
    err = await rejects(call);
    assert.equal(err.status, 400, route);
    assert.equal(err.error, `Error in call to API function "${route}": request body: path: Specify the root folder as an empty string rather than as "/".`);
  }
  assert.deepEqual((await ctx.dbx.filesListFolder({ path: '' })).result.entries, []);
  assertDbxError(await rejects(() => ctx.dbx.filesGetMetadata({ path: '/a//b' })), 409, 'path', 'path/malformed_path/');
  let r = await raw(ctx, 'POST', '/2/files/upload', { body: 'x', encode: 'raw', headers: { 'content-type': 'application/json', 'dropbox-api-arg': '{"path":"/x"}' } });
  assert.equal(r.status, 400);
  assert.match(r.text, /Bad HTTP "Content-Type" header: "application\/json"/);
  r = await raw(ctx, 'POST', '/2/files/upload', { body: 'x', encode: 'raw', headers: { 'content-type': 'application/octet-stream' } });
  assert.equal(r.status, 400);
  assert.match(r.text, /Dropbox-API-Arg/);
  r = await raw(ctx, 'POST', '/2/files/list_folder', { body: '{nope', encode: 'raw', headers: { 'content-type': 'application/json' } });
  assert.equal(r.status, 400);
  assert.match(r.text, /could not decode input as JSON/);
  assert.match(r.headers.get('content-type'), /^text\/plain/);
  // The same content upload through ?arg= works like the header.
  r = await raw(ctx, 'POST', `/2/files/upload?arg=${encodeURIComponent('{"path":"/via-query.txt"}')}`, { body: 'q', encode: 'raw', headers: { 'content-type': 'application/octet-stream' } });
  assert.equal(r.status, 200);
  assert.equal(r.json.name, 'via-query.txt');
  // "%00" after the JSON is not JSON: the whole parameter fails, nothing is uploaded
  r = await raw(ctx, 'POST', `/2/files/upload?arg=${encodeURIComponent('{"path":"/nul.txt"}')}%00x`, { body: 'q', encode: 'raw', headers: { 'content-type': 'application/octet-stream' } });
  assert.equal(r.status, 400);
  assert.match(r.text, /URL parameter "arg": could not decode input as JSON/);
  assertDbxError(await rejects(() => ctx.dbx.filesGetMetadata({ path: '/nul.txt' })), 409, 'path', 'path/not_found/');
  // an escaped route name is the same route: files/upload is still a content route
  r = await raw(ctx, 'POST', `/2/files/uplo%61d?arg=${encodeURIComponent('{"path":"/escaped.txt"}')}`, { body: 'e', encode: 'raw', headers: { 'content-type': 'application/octet-stream' } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.name, 'escaped.txt');
});

test('get_metadata: by path (any case), by id and id-relative path, not_found, include_deleted', async () => {
  const { dbx } = await seeded();
  const plan = (await dbx.filesGetMetadata({ path: '/PROJECTS/Plan.MD' })).result;
  assertSchema('files/get_metadata', plan);
  assert.equal(plan.path_display, '/Projects/plan.md');
  const folder = (await dbx.filesGetMetadata({ path: '/projects' })).result;
  assertSchema('files/get_metadata', folder);
  assert.deepEqual(Object.keys(folder).sort(), ['.tag', 'id', 'name', 'path_display', 'path_lower']);
  assert.equal((await dbx.filesGetMetadata({ path: plan.id })).result.path_lower, '/projects/plan.md');
  assert.equal((await dbx.filesGetMetadata({ path: `${folder.id}/archive/old-plan.md` })).result.name, 'old-plan.md');
  assertDbxError(await rejects(() => dbx.filesGetMetadata({ path: '/projects/nope.md' })), 409, 'path', 'path/not_found/');
  assertDbxError(await rejects(() => dbx.filesGetMetadata({ path: 'id:AAAAAAAAAAAAAAAAAAAAAA' })), 409, 'path', 'path/not_found/');
  await dbx.filesDeleteV2({ path: '/Projects/budget.csv' });
  const gone = (await dbx.filesGetMetadata({ path: '/projects/budget.csv', include_deleted: true })).result;
  assertSchema('files/get_metadata', gone);
  assert.deepEqual(gone, { '.tag': 'deleted', name: 'budget.csv', path_lower: '/projects/budget.csv', path_display: '/Projects/budget.csv' });
  assertDbxError(await rejects(() => dbx.filesGetMetadata({ path: '/projects/budget.csv' })), 409, 'path');
});

test('list_folder: root and sub-folders, recursive (folder itself first), paging with limit and continue', async () => {
  const { dbx } = await seeded();
  const root = (await dbx.filesListFolder({ path: '' })).result;
  const me = (await dbx.usersGetCurrentAccount()).result;
  const viaNs = (await dbx.filesListFolder({ path: `ns:${me.root_info.root_namespace_id}` })).result;
  assert.deepEqual(names(viaNs.entries), names(root.entries));
  assertSchema('files/list_folder', root);
  assert.deepEqual(names(root.entries), ['/Photos', '/Projects', '/README.txt']);
  assert.equal(root.has_more, false);
  const rec = (await dbx.filesListFolder({ path: '/Projects', recursive: true })).result;
  assert.equal(rec.entries[0].path_lower, '/projects');
  assert.deepEqual(names(rec.entries), ['/Projects', '/Projects/Archive', '/Projects/Archive/old-plan.md', '/Projects/budget.csv', '/Projects/plan.md']);
  const all = (await dbx.filesListFolder({ path: '', recursive: true })).result.entries;
  assert.equal(all.length, 7);
  // Pages of 3.
  let page = (await dbx.filesListFolder({ path: '', recursive: true, limit: 3 })).result;
  const seen = [...page.entries];
  assert.equal(page.has_more, true);
  while (page.has_more) {
    page = (await dbx.filesListFolderContinue({ cursor: page.cursor })).result;
    assertSchema('files/list_folder/continue', page);
    assert.ok(page.entries.length <= 3);
    seen.push(...page.entries);
  }
  assert.deepEqual(seen.map((e) => e.id), all.map((e) => e.id));
  assertDbxError(await rejects(() => dbx.filesListFolder({ path: '/nope' })), 409, 'path', 'path/not_found/');
  assertDbxError(await rejects(() => dbx.filesListFolder({ path: '/README.txt' })), 409, 'path', 'path/not_folder/');
  const err = await rejects(() => dbx.filesListFolder({ path: '', limit: 0 }));
  assert.equal(err.status, 400);
  assert.equal(err.error, 'Error in call to API function "files/list_folder": request body: limit: value must be between 1 and 2000');
  const over = await rejects(() => dbx.filesListFolder({ path: '', limit: 2001 }));
  assert.match(over.error, /limit: value must be between 1 and 2000$/);
});

test('cursors: get_latest_cursor then continue returns changes (new, modified, deleted), scoped to the folder; longpoll', async () => {
  const ctx = await seeded();
  const { dbx } = ctx;
  const latest = (await dbx.filesListFolderGetLatestCursor({ path: '/Projects', recursive: true })).result;
  assertSchema('files/list_folder/get_latest_cursor', latest);
  // longpoll holds the request while nothing changes in the cursor's scope
  // (a change elsewhere does not end it), and answers once something does.
  const started = Date.now();
  let settled = false;
  const held = dbx.filesListFolderLongpoll({ cursor: latest.cursor, timeout: 30 }).then((r) => { settled = true; return r; });
  await sleep(300);
  assert.equal(settled, false, 'longpoll answered with nothing changed');
  let nothing = (await dbx.filesListFolderContinue({ cursor: latest.cursor })).result;
  assert.deepEqual(nothing.entries, []);
  await dbx.filesUpload({ path: '/Photos/outside.txt', contents: 'not under /Projects' });
  await sleep(300);
  assert.equal(settled, false, 'a change outside the folder ended the longpoll');
  await dbx.filesUpload({ path: '/Projects/new.md', contents: 'new' });
  let lp = (await held).result;
  assertSchema('files/list_folder/longpoll', lp);
  assert.deepEqual(lp, { changes: true });
  assert.ok(Date.now() - started >= 600, 'longpoll answered before the change');
  await dbx.filesUpload({ path: '/Projects/plan.md', contents: 'changed plan', mode: 'overwrite' });
  await dbx.filesDeleteV2({ path: '/Projects/Archive' });
  await dbx.filesUpload({ path: '/Elsewhere.txt', contents: 'outside the folder' });
  lp = (await dbx.filesListFolderLongpoll({ cursor: latest.cursor })).result;
  assert.equal(lp.changes, true);
  const ch = (await dbx.filesListFolderContinue({ cursor: latest.cursor })).result;
  assertSchema('files/list_folder/continue', ch);
  const byPath = Object.fromEntries(ch.entries.map((e) => [e.path_lower, e['.tag']]));
  assert.deepEqual(byPath, { '/projects/new.md': 'file', '/projects/plan.md': 'file', '/projects/archive': 'deleted' });
  assert.equal(ch.entries.find((e) => e.path_lower === '/projects/plan.md').size, 12);
  // The next cursor starts after these changes.
  nothing = (await dbx.filesListFolderContinue({ cursor: ch.cursor })).result;
  assert.deepEqual(nothing.entries, []);
  // Cursors are opaque and bound to the run.
  let err = await rejects(() => dbx.filesListFolderContinue({ cursor: 'garbage' }));
  assert.equal(err.status, 400);
  const other = await newRun();
  err = await rejects(() => other.dbx.filesListFolderContinue({ cursor: ch.cursor }));
  assert.equal(err.status, 400);
});

test('create_folder_v2 and create_folder_batch (complete and async + check)', async () => {
  const { dbx } = await newRun();
  const f = (await dbx.filesCreateFolderV2({ path: '/Reports' })).result;
  assertSchema('files/create_folder_v2', f);
  assert.equal(f.metadata.name, 'Reports');
  let e = assertDbxError(await rejects(() => dbx.filesCreateFolderV2({ path: '/reports' })), 409, 'path', 'path/conflict/folder/');
  assert.deepEqual(e.path, { '.tag': 'conflict', conflict: { '.tag': 'folder' } });
  assert.equal((await dbx.filesCreateFolderV2({ path: '/reports', autorename: true })).result.metadata.name, 'reports (1)');
  const batch = (await dbx.filesCreateFolderBatch({ paths: ['/A', '/B/C', '/Reports'] })).result;
  assertSchema('files/create_folder_batch', batch);
  assert.equal(batch['.tag'], 'complete');
  assert.deepEqual(batch.entries.map((x) => x['.tag']), ['success', 'success', 'failure']);
  assert.equal(batch.entries[1].metadata.path_display, '/B/C');
  assert.deepEqual(batch.entries[2].failure, { '.tag': 'path', path: { '.tag': 'conflict', conflict: { '.tag': 'folder' } } });
  const job = (await dbx.filesCreateFolderBatch({ paths: ['/D'], force_async: true })).result;
  assertSchema('files/create_folder_batch', job);
  assert.equal(job['.tag'], 'async_job_id');
  const status = (await dbx.filesCreateFolderBatchCheck({ async_job_id: job.async_job_id })).result;
  assertSchema('files/create_folder_batch/check', status);
  assert.equal(status.entries[0].metadata.name, 'D');
  e = assertDbxError(await rejects(() => dbx.filesCreateFolderBatchCheck({ async_job_id: 'dbjid:nope' })), 409, 'invalid_async_job_id');
});

test('delete_v2 removes folders recursively; delete_batch + check; path_lookup errors', async () => {
  const ctx = await seeded();
  const { dbx } = ctx;
  const d = (await dbx.filesDeleteV2({ path: '/Projects' })).result;
  assertSchema('files/delete_v2', d);
  assert.equal(d.metadata['.tag'], 'folder');
  const left = (await dbx.filesListFolder({ path: '', recursive: true })).result.entries;
  assert.deepEqual(names(left), ['/Photos', '/README.txt']);
  const e = assertDbxError(await rejects(() => dbx.filesDeleteV2({ path: '/Projects' })), 409, 'path_lookup', 'path_lookup/not_found/');
  assert.deepEqual(e.path_lookup, { '.tag': 'not_found' });
  const job = (await dbx.filesDeleteBatch({ entries: [{ path: '/README.txt' }, { path: '/missing' }] })).result;
  assertSchema('files/delete_batch', job);
  const st = (await dbx.filesDeleteBatchCheck({ async_job_id: job.async_job_id })).result;
  assertSchema('files/delete_batch/check', st);
  assert.equal(st['.tag'], 'complete');
  assert.equal(st.entries[0]['.tag'], 'success');
  assert.equal(st.entries[0].metadata.name, 'README.txt');
  assert.deepEqual(st.entries[1], { '.tag': 'failure', failure: { '.tag': 'path_lookup', path_lookup: { '.tag': 'not_found' } } });
  assert.deepEqual(names((await dbx.filesListFolder({ path: '' })).result.entries), ['/Photos']);
});

test('copy_v2 and move_v2: whole trees, ids kept on move and new on copy, conflicts, case-only renames', async () => {
  const { dbx } = await seeded();
  const before = (await dbx.filesGetMetadata({ path: '/Projects/plan.md' })).result;
  const cp = (await dbx.filesCopyV2({ from_path: '/Projects', to_path: '/Backup/Projects' })).result;
  assertSchema('files/copy_v2', cp);
  assert.equal(cp.metadata.path_display, '/Backup/Projects');
  const copied = (await dbx.filesGetMetadata({ path: '/backup/projects/plan.md' })).result;
  assert.notEqual(copied.id, before.id);
  assert.equal(copied.content_hash, before.content_hash);
  assert.equal(utf8((await dbx.filesDownload({ path: '/backup/projects/archive/old-plan.md' })).result.fileBinary), 'obsolete');
  const mv = (await dbx.filesMoveV2({ from_path: '/Projects/plan.md', to_path: '/Photos/plan.md' })).result;
  assertSchema('files/move_v2', mv);
  assert.equal(mv.metadata.id, before.id);
  assert.equal(mv.metadata.rev, before.rev);
  assertDbxError(await rejects(() => dbx.filesGetMetadata({ path: '/Projects/plan.md' })), 409, 'path');
  let e = assertDbxError(await rejects(() => dbx.filesMoveV2({ from_path: '/README.txt', to_path: '/Photos/plan.md' })), 409, 'to', 'to/conflict/file/');
  assert.deepEqual(e.to, { '.tag': 'conflict', conflict: { '.tag': 'file' } });
  assert.equal((await dbx.filesCopyV2({ from_path: '/README.txt', to_path: '/Photos/plan.md', autorename: true })).result.metadata.name, 'plan (1).md');
  e = assertDbxError(await rejects(() => dbx.filesCopyV2({ from_path: '/nope', to_path: '/x' })), 409, 'from_lookup', 'from_lookup/not_found/');
  assertDbxError(await rejects(() => dbx.filesMoveV2({ from_path: '/Projects', to_path: '/Projects/Archive/Inner' })), 409, 'cant_move_folder_into_itself');
  assertDbxError(await rejects(() => dbx.filesCopyV2({ from_path: '/Projects', to_path: '/Projects/Archive/Inner' })), 409, 'duplicated_or_nested_paths');
  assertDbxError(await rejects(() => dbx.filesMoveV2({ from_path: '/README.txt', to_path: '/README.txt' })), 409, 'duplicated_or_nested_paths');
  // A folder move carries its children; a case-only rename is allowed.
  await dbx.filesMoveV2({ from_path: '/Projects', to_path: '/Work/projects-2024' });
  assert.equal((await dbx.filesGetMetadata({ path: '/work/projects-2024/archive/old-plan.md' })).result.path_display, '/Work/projects-2024/Archive/old-plan.md');
  const renamed = (await dbx.filesMoveV2({ from_path: '/Work/projects-2024', to_path: '/Work/Projects-2024' })).result.metadata;
  assert.equal(renamed.path_display, '/Work/Projects-2024');
});

test('copy_batch_v2 and move_batch_v2: per-entry success or relocation_error, results through check_v2', async () => {
  const { dbx } = await seeded();
  const job = (await dbx.filesCopyBatchV2({ entries: [{ from_path: '/README.txt', to_path: '/Photos/README.txt' },
    { from_path: '/missing.txt', to_path: '/Photos/missing.txt' }] })).result;
  assertSchema('files/copy_batch_v2', job);
  const st = (await dbx.filesCopyBatchCheckV2({ async_job_id: job.async_job_id })).result;
  assertSchema('files/copy_batch/check_v2', st);
  assert.equal(st['.tag'], 'complete');
  assert.equal(st.entries[0]['.tag'], 'success');
  assert.equal(st.entries[0].success.path_display, '/Photos/README.txt');
  assert.deepEqual(st.entries[1], { '.tag': 'failure', failure: { '.tag': 'relocation_error',
    relocation_error: { '.tag': 'from_lookup', from_lookup: { '.tag': 'not_found' } } } });
  const mv = (await dbx.filesMoveBatchV2({ entries: [{ from_path: '/Projects/plan.md', to_path: '/Photos/plan.md' },
    { from_path: '/Projects/budget.csv', to_path: '/Photos/README.txt' }] })).result;
  const ms = (await dbx.filesMoveBatchCheckV2({ async_job_id: mv.async_job_id })).result;
  assertSchema('files/move_batch/check_v2', ms);
  assert.deepEqual(ms.entries.map((e) => e['.tag']), ['success', 'failure']);
  assert.deepEqual(ms.entries[1].failure.relocation_error, { '.tag': 'to', to: { '.tag': 'conflict', conflict: { '.tag': 'file' } } });
  assert.deepEqual(names((await dbx.filesListFolder({ path: '/Photos' })).result.entries), ['/Photos/README.txt', '/Photos/plan.md']);
  assertDbxError(await rejects(() => dbx.filesMoveBatchCheckV2({ async_job_id: 'dbjid:unknown' })), 409, 'invalid_async_job_id');
});

test('list_revisions and restore: newest first, restore an old rev, deleted files keep their history', async () => {
  const { dbx } = await newRun();
  const r1 = (await dbx.filesUpload({ path: '/doc.txt', contents: 'v1' })).result;
  const r2 = (await dbx.filesUpload({ path: '/doc.txt', contents: 'v22', mode: 'overwrite' })).result;
  const r3 = (await dbx.filesUpload({ path: '/doc.txt', contents: 'v333', mode: 'overwrite' })).result;
  const revs = (await dbx.filesListRevisions({ path: '/doc.txt' })).result;
  assertSchema('files/list_revisions', revs);
  assert.equal(revs.is_deleted, false);
  assert.deepEqual(revs.entries.map((e) => e.rev), [r3.rev, r2.rev, r1.rev]);
  assert.deepEqual(revs.entries.map((e) => e.size), [4, 3, 2]);
  assert.equal((await dbx.filesListRevisions({ path: '/doc.txt', limit: 2 })).result.entries.length, 2);
  assert.equal(utf8((await dbx.filesDownload({ path: `rev:${r1.rev}` })).result.fileBinary), 'v1');
  const restored = (await dbx.filesRestore({ path: '/doc.txt', rev: r1.rev })).result;
  assertSchema('files/restore', restored);
  assert.equal(restored.size, 2);
  assert.equal(restored.id, r1.id);
  assert.ok(![r1.rev, r2.rev, r3.rev].includes(restored.rev));
  assert.equal(utf8((await dbx.filesDownload({ path: '/doc.txt' })).result.fileBinary), 'v1');
  assertDbxError(await rejects(() => dbx.filesRestore({ path: '/doc.txt', rev: 'abcdef0123456' })), 409, 'invalid_revision');
  await dbx.filesDeleteV2({ path: '/doc.txt' });
  const after = (await dbx.filesListRevisions({ path: '/doc.txt' })).result;
  assertSchema('files/list_revisions', after);
  assert.equal(after.is_deleted, true);
  assert.match(after.server_deleted, /Z$/);
  assert.equal(after.entries.length, 4);
  await dbx.filesRestore({ path: '/doc.txt', rev: r2.rev });
  assert.equal(utf8((await dbx.filesDownload({ path: '/doc.txt' })).result.fileBinary), 'v22');
  assertDbxError(await rejects(() => dbx.filesListRevisions({ path: '/never.txt' })), 409, 'path', 'path/not_found/');
});

test('upload sessions: start, append_v2, finish; incorrect_offset, not_found, closed', async () => {
  const { dbx } = await newRun();
  const start = (await dbx.filesUploadSessionStart({ contents: 'Hello, ' })).result;
  assertSchema('files/upload_session/start', start);
  assert.match(start.session_id, /^pid_upload_session:/);
  const id = start.session_id;
  const ap = await dbx.filesUploadSessionAppendV2({ cursor: { session_id: id, offset: 7 }, contents: 'chunked ' });
  assert.equal(ap.result, null);
  assertSchema('files/upload_session/append_v2', ap.result);
  let e = assertDbxError(await rejects(() => dbx.filesUploadSessionAppendV2({ cursor: { session_id: id, offset: 3 }, contents: 'x' })), 409, 'incorrect_offset', 'incorrect_offset/');
  assert.equal(e.correct_offset, 15);
  await dbx.filesUploadSessionAppend({ session_id: id, offset: 15, contents: 'world' });
  const full = 'Hello, chunked world!';
  const done = (await dbx.filesUploadSessionFinish({ cursor: { session_id: id, offset: 20 }, commit: { path: '/Big/upload.txt', mode: 'add' }, contents: '!' })).result;
  assertSchema('files/upload_session/finish', done);
  assert.equal(done.size, full.length);
  assert.equal(done.content_hash, contentHash(Buffer.from(full)));
  assert.equal(utf8((await dbx.filesDownload({ path: '/big/upload.txt' })).result.fileBinary), full);
  e = assertDbxError(await rejects(() => dbx.filesUploadSessionAppendV2({ cursor: { session_id: id, offset: 21 }, contents: 'x' })), 409, 'not_found');
  const closed = (await dbx.filesUploadSessionStart({ contents: 'abc', close: true })).result.session_id;
  assertDbxError(await rejects(() => dbx.filesUploadSessionAppendV2({ cursor: { session_id: closed, offset: 3 }, contents: 'd' })), 409, 'closed');
  e = assertDbxError(await rejects(() => dbx.filesUploadSessionFinish({ cursor: { session_id: closed, offset: 1 }, commit: { path: '/x.txt' } })), 409, 'lookup_failed', 'lookup_failed/incorrect_offset/');
  assert.deepEqual(e.lookup_failed, { '.tag': 'incorrect_offset', correct_offset: 3 });
  e = assertDbxError(await rejects(() => dbx.filesUploadSessionFinish({ cursor: { session_id: closed, offset: 3 }, commit: { path: '/Big/upload.txt' } })), 409, 'path', 'path/conflict/file/');
  assert.deepEqual(e.path, { '.tag': 'conflict', conflict: { '.tag': 'file' } });
});

test('search_v2: every term in the name or the text, filename_only, path scope, extensions, pages with continue', async () => {
  const { dbx } = await seeded();
  let r = (await dbx.filesSearchV2({ query: 'plan' })).result;
  assertSchema('files/search_v2', r);
  assert.deepEqual(r.matches.map((m) => m.metadata.metadata.path_display).sort(), ['/Projects/Archive/old-plan.md', '/Projects/plan.md']);
  assert.ok(r.matches.every((m) => m.metadata['.tag'] === 'metadata'));
  r = (await dbx.filesSearchV2({ query: 'analytical engine' })).result;
  assert.equal(r.matches.length, 1);
  assert.equal(r.matches[0].match_type['.tag'], 'content');
  assert.equal((await dbx.filesSearchV2({ query: 'analytical', options: { filename_only: true } })).result.matches.length, 0);
  r = (await dbx.filesSearchV2({ query: 'plan', options: { path: '/Projects/Archive' } })).result;
  assert.deepEqual(r.matches.map((m) => m.metadata.metadata.name), ['old-plan.md']);
  r = (await dbx.filesSearchV2({ query: 'o', options: { file_extensions: ['csv'] } })).result;
  assert.deepEqual(r.matches.map((m) => m.metadata.metadata.name), ['budget.csv']);
  r = (await dbx.filesSearchV2({ query: 'projects', options: { filename_only: true } })).result;
  assert.equal(r.matches[0].metadata.metadata['.tag'], 'folder');
  const first = (await dbx.filesSearchV2({ query: 'e', options: { max_results: 2, filename_only: true } })).result;
  assert.equal(first.has_more, true);
  const rest = (await dbx.filesSearchContinueV2({ cursor: first.cursor })).result;
  assertSchema('files/search/continue_v2', rest);
  const total = (await dbx.filesSearchV2({ query: 'e', options: { filename_only: true } })).result.matches.length;
  assert.equal(first.matches.length + rest.matches.length, total);
  assertDbxError(await rejects(() => dbx.filesSearchV2({ query: 'x', options: { path: '/nope' } })), 409, 'path', 'path/not_found/');
});

test('quota: uploads past the allocation get insufficient_space in the seed shape (upload, session finish, copy)', async () => {
  const ctx = await newRun();
  const { dbx } = ctx;
  await admin(ctx, 'PATCH', '/admin/config', { storage_quota_limit: 100 });
  await dbx.filesUpload({ path: '/a.bin', contents: Buffer.alloc(60) });
  const err = await rejects(() => dbx.filesUpload({ path: '/b.bin', contents: Buffer.alloc(50) }));
  assert.equal(err.status, 409);
  assert.deepEqual(err.error, { error_summary: 'path/insufficient_space/..', error: { '.tag': 'path', reason: { '.tag': 'insufficient_space' } } });
  // Overwriting counts only the difference.
  await dbx.filesUpload({ path: '/a.bin', contents: Buffer.alloc(90), mode: 'overwrite' });
  const s = (await dbx.filesUploadSessionStart({ contents: Buffer.alloc(20) })).result.session_id;
  const fe = assertDbxError(await rejects(() => dbx.filesUploadSessionFinish({ cursor: { session_id: s, offset: 20 }, commit: { path: '/c.bin' } })), 409, 'path', 'path/insufficient_space/');
  assert.deepEqual(fe.path, { '.tag': 'insufficient_space' });
  assertDbxError(await rejects(() => dbx.filesCopyV2({ from_path: '/a.bin', to_path: '/a2.bin' })), 409, 'insufficient_quota');
  const usage = (await dbx.usersGetSpaceUsage()).result;
  assert.deepEqual(usage, { used: 90, allocation: { '.tag': 'individual', allocated: 100 } });
  // Deleting frees space.
  await dbx.filesDeleteV2({ path: '/a.bin' });
  assert.equal((await dbx.filesUpload({ path: '/b.bin', contents: Buffer.alloc(50) })).result.size, 50);
});

test('space usage follows every write: upload, overwrite, copy and move of trees, restore, delete, reset', async () => {
  const ctx = await seeded();
  const { dbx } = ctx;
  // What the files hold, counted from a full recursive listing.
  const held = async () => {
    let page = (await dbx.filesListFolder({ path: '', recursive: true })).result;
    let n = page.entries.reduce((t, e) => t + (e.size ?? 0), 0);
    while (page.has_more) {
      page = (await dbx.filesListFolderContinue({ cursor: page.cursor })).result;
      n += page.entries.reduce((t, e) => t + (e.size ?? 0), 0);
    }
    return n;
  };
  const used = async () => (await dbx.usersGetSpaceUsage()).result.used;
  const seededBytes = await used();
  assert.equal(seededBytes, await held());
  assert.ok(seededBytes > 0);
  const first = (await dbx.filesUpload({ path: '/Work/a.txt', contents: 'x'.repeat(100) })).result;
  await dbx.filesUpload({ path: '/Work/a.txt', contents: 'y'.repeat(40), mode: 'overwrite' });
  await dbx.filesUpload({ path: '/Work/sub/b.txt', contents: 'z'.repeat(25) });
  assert.equal(await used(), seededBytes + 65);
  await dbx.filesCopyV2({ from_path: '/Work', to_path: '/Copy' });
  assert.equal(await used(), seededBytes + 130);
  await dbx.filesMoveV2({ from_path: '/Copy', to_path: '/Projects/Moved' });
  assert.equal(await used(), seededBytes + 130);
  await dbx.filesRestore({ path: '/Work/a.txt', rev: first.rev });       // back to the 100-byte version
  assert.equal(await used(), seededBytes + 190);
  await dbx.filesDeleteV2({ path: '/Projects' });
  assert.equal(await used(), await held());
  await dbx.filesDeleteV2({ path: '/Work/sub' });
  assert.equal(await used(), await held());
  assert.equal(await held(), seededBytes + 100 - 'item,cost\ngears,100'.length - '# Plan\nShip the analytical engine.'.length - 'obsolete'.length);
  assert.equal((await admin(ctx, 'POST', '/admin/reset')).status, 200);
  assert.equal(await used(), seededBytes);
  // storage_used_bytes in the config adds to what the files hold
  await admin(ctx, 'PATCH', '/admin/config', { storage_used_bytes: 1000 });
  assert.equal(await used(), seededBytes + 1000);
});

test('cursors: continue after many changes pages through each changed path once, at its newest state', async () => {
  const ctx = await seeded();
  const { dbx } = ctx;
  const start = (await dbx.filesListFolderGetLatestCursor({ path: '', recursive: true, limit: 37 })).result.cursor;
  const expected = new Map();                 // path_lower -> '.tag' and size expected in the changes
  for (let i = 0; i < 120; i++) {
    const p = `/bulk/f${String(i).padStart(3, '0')}.txt`;
    await dbx.filesUpload({ path: p, contents: 'a'.repeat(i) });
    expected.set(p, ['file', i]);
  }
  expected.set('/bulk', ['folder']);
  for (let i = 0; i < 60; i++) await dbx.filesUpload({ path: '/hot.txt', contents: `v${i}`, mode: 'overwrite' });
  expected.set('/hot.txt', ['file', 3]);
  for (let i = 0; i < 120; i += 10) {
    await dbx.filesDeleteV2({ path: `/bulk/f${String(i).padStart(3, '0')}.txt` });
    expected.set(`/bulk/f${String(i).padStart(3, '0')}.txt`, ['deleted']);
  }
  await dbx.filesDeleteV2({ path: '/Photos' });
  expected.set('/photos', ['deleted']);
  assert.equal((await dbx.filesListFolderLongpoll({ cursor: start })).result.changes, true);
  const seen = [];
  let page = { cursor: start, has_more: true };
  let pages = 0;
  while (page.has_more) {
    page = (await dbx.filesListFolderContinue({ cursor: page.cursor })).result;
    assert.ok(page.entries.length <= 37);
    seen.push(...page.entries);
    pages++;
  }
  assert.equal(pages, Math.ceil(expected.size / 37));
  assert.equal(seen.length, expected.size);
  assert.equal(new Set(seen.map((e) => e.path_lower)).size, seen.length, 'each path once');
  for (const e of seen) {
    const [tag, size] = expected.get(e.path_lower) ?? [];
    assert.equal(e['.tag'], tag, e.path_lower);
    if (size !== undefined) assert.equal(e.size, size, e.path_lower);
  }
  // A path reported once comes at its newest change: hot.txt was written last of the files.
  assert.ok(seen.findIndex((e) => e.path_lower === '/hot.txt') > seen.findIndex((e) => e.path_lower === '/bulk/f119.txt'));
  assert.equal((await dbx.filesListFolderLongpoll({ cursor: page.cursor })).result.changes, false);
  assert.deepEqual((await dbx.filesListFolderContinue({ cursor: page.cursor })).result.entries, []);
  // Scoped to a folder, from the same starting point: only what changed under it.
  const scoped = (await dbx.filesListFolderGetLatestCursor({ path: '/bulk' })).result.cursor;
  await dbx.filesUpload({ path: '/bulk/late.txt', contents: 'late' });
  await dbx.filesUpload({ path: '/outside.txt', contents: 'no' });
  const late = (await dbx.filesListFolderContinue({ cursor: scoped })).result;
  assert.deepEqual(late.entries.map((e) => e.path_lower), ['/bulk/late.txt']);
});

test('tiers: admin account-tier GET/POST shapes, get_space_usage and account_type follow the tier, a bigger tier lifts the quota', async () => {
  const ctx = await newRun();
  const { dbx } = ctx;
  await admin(ctx, 'PATCH', '/admin/config', { storage_used_bytes: 1999999990 });
  let t = await admin(ctx, 'GET', '/admin/account-tier');
  assert.equal(t.status, 200);
  assert.deepEqual(t.json, { connection_id: ctx.run.run_id, account_tier: 'basic', used_bytes: 1999999990, allocated_bytes: 2000000000, available_bytes: 10 });
  let usage = (await dbx.usersGetSpaceUsage()).result;
  assertSchema('users/get_space_usage', usage);
  assert.deepEqual(usage.allocation, { '.tag': 'individual', allocated: 2000000000 });
  const err = await rejects(() => dbx.filesUpload({ path: '/photo.raw', contents: Buffer.alloc(20) }));
  assert.equal(err.error.error_summary, 'path/insufficient_space/..');
  t = await admin(ctx, 'POST', '/admin/account-tier', { tier: 'plus' });
  assert.deepEqual(t.json, { connection_id: ctx.run.run_id, account_tier: 'plus', used_bytes: 1999999990, allocated_bytes: 2000000000000, available_bytes: 2000000000000 - 1999999990 });
  assert.equal((await dbx.filesUpload({ path: '/photo.raw', contents: Buffer.alloc(20) })).result.size, 20);
  assert.equal((await dbx.usersGetSpaceUsage()).result.allocation.allocated, 2000000000000);
  assert.deepEqual((await dbx.usersGetCurrentAccount()).result.account_type, { '.tag': 'pro' });
  t = await admin(ctx, 'POST', '/admin/account-tier', { tier: 'professional' });
  assert.equal(t.json.allocated_bytes, 3000000000000);
  t = await admin(ctx, 'POST', '/admin/account-tier', { tier: 'business' });
  assert.equal(t.json.allocated_bytes, 5000000000000);
  usage = (await dbx.usersGetSpaceUsage()).result;
  assertSchema('users/get_space_usage', usage);
  assert.equal(usage.allocation['.tag'], 'team');
  assert.equal(usage.allocation.allocated, 5000000000000);
  const me = (await dbx.usersGetCurrentAccount()).result;
  assertSchema('users/get_current_account', me);
  assert.deepEqual(me.account_type, { '.tag': 'business' });
  assert.ok(me.team && me.team_member_id);
  const bad = await admin(ctx, 'POST', '/admin/account-tier', { tier: 'platinum' });
  assert.equal(bad.status, 400);
  assert.match(bad.json.detail, /platinum/);
  // The tier can also come from config.
  const other = await newRun();
  await admin(other, 'PATCH', '/admin/config', { account_tier: 'professional' });
  assert.equal((await other.dbx.usersGetSpaceUsage()).result.allocation.allocated, 3000000000000);
});

test('shared links: create, already exists (with its metadata), list by path and direct_only, revoke', async () => {
  const { dbx } = await seeded();
  const link = (await dbx.sharingCreateSharedLinkWithSettings({ path: '/Projects/plan.md' })).result;
  assertSchema('sharing/create_shared_link_with_settings', link);
  assert.equal(link['.tag'], 'file');
  assert.match(link.url, /^https:\/\/www\.dropbox\.com\/scl\/fi\/[a-z0-9]+\/plan\.md\?rlkey=\w+&dl=0$/);
  assert.equal(link.link_permissions.resolved_visibility['.tag'], 'public');
  assert.equal(link.size, 34);
  const e = assertDbxError(await rejects(() => dbx.sharingCreateSharedLinkWithSettings({ path: '/projects/PLAN.md' })), 409, 'shared_link_already_exists', 'shared_link_already_exists/');
  assert.equal(e.shared_link_already_exists['.tag'], 'metadata');
  assert.equal(e.shared_link_already_exists.metadata.url, link.url);
  const folder = (await dbx.sharingCreateSharedLinkWithSettings({ path: '/Projects', settings: { requested_visibility: 'team_only' } })).result;
  assert.equal(folder['.tag'], 'folder');
  assert.match(folder.url, /\/scl\/fo\//);
  assert.equal(folder.link_permissions.resolved_visibility['.tag'], 'team_only');
  let list = (await dbx.sharingListSharedLinks({})).result;
  assertSchema('sharing/list_shared_links', list);
  assert.equal(list.links.length, 2);
  list = (await dbx.sharingListSharedLinks({ path: '/Projects/plan.md' })).result;
  assert.deepEqual(list.links.map((l) => l['.tag']).sort(), ['file', 'folder']);
  list = (await dbx.sharingListSharedLinks({ path: '/Projects/plan.md', direct_only: true })).result;
  assert.deepEqual(list.links.map((l) => l.url), [link.url]);
  const meta = (await dbx.sharingGetSharedLinkMetadata({ url: link.url })).result;
  assertSchema('sharing/get_shared_link_metadata', meta);
  assert.equal(meta.path_lower, '/projects/plan.md');
  assert.equal((await dbx.sharingRevokeSharedLink({ url: link.url })).result, null);
  assertDbxError(await rejects(() => dbx.sharingGetSharedLinkMetadata({ url: link.url })), 409, 'shared_link_not_found');
  assert.equal((await dbx.sharingListSharedLinks({})).result.links.length, 1);
  assertDbxError(await rejects(() => dbx.sharingRevokeSharedLink({ url: link.url })), 409, 'shared_link_not_found', 'shared_link_not_found/');
  assertDbxError(await rejects(() => dbx.sharingCreateSharedLinkWithSettings({ path: '/nope' })), 409, 'path', 'path/not_found/');
  // Settings that set nothing, or expire in the past, are invalid_settings; a malformed expiry a plain-text 400.
  for (const settings of [{}, { expires: '2001-01-01T00:00:00Z' }, { requested_visibility: 'password' }]) {
    const se = assertDbxError(await rejects(() => dbx.sharingCreateSharedLinkWithSettings({ path: '/README.txt', settings })), 409, 'settings_error', 'settings_error/invalid_settings/');
    assert.equal(se.settings_error['.tag'], 'invalid_settings');
  }
  const badExpiry = await rejects(() => dbx.sharingCreateSharedLinkWithSettings({ path: '/README.txt', settings: { expires: 'tomorrow' } }));
  assert.equal(badExpiry.status, 400);
  assert.match(badExpiry.error, /request body: settings\.expires: timestamp 'tomorrow' does not match format/);
  assert.equal((await dbx.sharingListSharedLinks({ path: '/README.txt', direct_only: true })).result.links.length, 0);
  const dated = (await dbx.sharingCreateSharedLinkWithSettings({ path: '/README.txt', settings: { expires: '2099-01-01T00:00:00Z' } })).result;
  assert.equal(dated.expires, '2099-01-01T00:00:00Z');
});

test('get_temporary_link: a link to the bytes that needs no token', async () => {
  const { dbx } = await seeded();
  const t = (await dbx.filesGetTemporaryLink({ path: '/README.txt' })).result;
  assertSchema('files/get_temporary_link', t);
  assert.equal(t.metadata.name, 'README.txt');
  const res = await fetch(t.link);
  assert.equal(res.status, 200);
  assert.equal(await res.text(), 'Welcome to the twin.');
  assertDbxError(await rejects(() => dbx.filesGetTemporaryLink({ path: '/Photos' })), 409, 'path', 'path/not_file/');
  const gone = await fetch(t.link.replace(/temporary-link\/[^/]+/, 'temporary-link/nope'));
  assert.equal(gone.status, 410);
});

// Content-download routes answer HTTP range requests (one byte range).
async function ranged(ctx, range) {
  return client(ctx.base, ctx.token, { customHeaders: { Range: range } });
}

test('range downloads: files/download answers bytes=a-b, a- and -n with 206, Content-Range and Dropbox-API-Result; 416 past the end', async () => {
  const ctx = await newRun();
  const up = (await ctx.dbx.filesUpload({ path: '/Range/digits.txt', contents: '0123456789' })).result;
  const cases = [
    ['bytes=2-5', '2345', 'bytes 2-5/10'],
    ['bytes=7-', '789', 'bytes 7-9/10'],
    ['bytes=-3', '789', 'bytes 7-9/10'],
    ['bytes=-30', '0123456789', 'bytes 0-9/10'],    // a suffix longer than the file is all of it
    ['bytes=4-100', '456789', 'bytes 4-9/10'],      // the end is clipped
    ['bytes=0-0', '0', 'bytes 0-0/10'],
  ];
  for (const [range, body, contentRange] of cases) {
    const r = await (await ranged(ctx, range)).filesDownload({ path: '/range/DIGITS.txt' });
    assert.equal(r.status, 206, range);
    assert.equal(utf8(r.result.fileBinary), body, range);
    assert.equal(r.headers.get('content-range'), contentRange, range);
    assert.equal(r.headers.get('content-length'), String(body.length), range);
    assert.equal(r.result.rev, up.rev, range);       // Dropbox-API-Result is still there
    assert.equal(r.result.size, 10, range);          // and describes the whole file
  }
  // Without Range (or with one the server may ignore) the whole file, 200.
  for (const range of [undefined, 'bytes=5-2', 'bytes=0-1,4-5', 'items=0-3', 'bytes=abc']) {
    const d = range ? await ranged(ctx, range) : ctx.dbx;
    const r = await d.filesDownload({ path: '/Range/digits.txt' });
    assert.equal(r.status, 200, String(range));
    assert.equal(utf8(r.result.fileBinary), '0123456789', String(range));
    assert.equal(r.headers.get('content-range'), null, String(range));
    assert.equal(r.headers.get('accept-ranges'), 'bytes');
  }
  // Nothing of the range in the file: 416 with the length in Content-Range.
  for (const range of ['bytes=10-', 'bytes=10-20', 'bytes=-0']) {
    const err = await rejects(() => ranged(ctx, range).then((d) => d.filesDownload({ path: '/Range/digits.txt' })));
    assert.equal(err.status, 416, range);
    assert.equal(err.headers.get('content-range'), 'bytes */10', range);
    assert.equal(err.headers.get('dropbox-api-result'), null, range);
  }
  await ctx.dbx.filesUpload({ path: '/Range/empty.txt', contents: '' });
  for (const range of ['bytes=0-', 'bytes=-1']) {
    const err = await rejects(() => ranged(ctx, range).then((d) => d.filesDownload({ path: '/Range/empty.txt' })));
    assert.equal(err.status, 416, range);
    assert.equal(err.headers.get('content-range'), 'bytes */0', range);
  }
  // GET downloads (?arg=) honour Range too, and lookup errors come before it.
  const q = new URLSearchParams({ arg: JSON.stringify({ path: '/Range/digits.txt' }), authorization: `Bearer ${ctx.token}` });
  const get = await fetch(`${ctx.base}/2/files/download?${q}`, { headers: { range: 'bytes=8-' } });
  assert.equal(get.status, 206);
  assert.equal(await get.text(), '89');
  assert.equal(JSON.parse(get.headers.get('dropbox-api-result')).name, 'digits.txt');
  assertDbxError(await rejects(() => ranged(ctx, 'bytes=0-1').then((d) => d.filesDownload({ path: '/Range/nope.txt' }))), 409, 'path', 'path/not_found/');
  // A revision's bytes, ranged.
  await ctx.dbx.filesUpload({ path: '/Range/digits.txt', contents: 'abcdefghij', mode: 'overwrite' });
  const old = await (await ranged(ctx, 'bytes=0-2')).filesDownload({ path: `rev:${up.rev}` });
  assert.equal(utf8(old.result.fileBinary), '012');
  // Temporary links serve ranges as well.
  const t = (await ctx.dbx.filesGetTemporaryLink({ path: '/Range/digits.txt' })).result;
  const tl = await fetch(t.link, { headers: { range: 'bytes=-2' } });
  assert.equal(tl.status, 206);
  assert.equal(tl.headers.get('content-range'), 'bytes 8-9/10');
  assert.equal(await tl.text(), 'ij');
  assert.equal((await fetch(t.link, { headers: { range: 'bytes=99-' } })).status, 416);
});

test('content downloads carry the rev as ETag; If-None-Match naming it gets 304 with no body, a new rev the bytes again', async () => {
  const ctx = await newRun();
  const up = (await ctx.dbx.filesUpload({ path: '/cache.txt', contents: 'v1' })).result;
  const first = await ctx.dbx.filesDownload({ path: '/cache.txt' });
  const etag = first.headers.get('etag');
  assert.equal(etag, `"${up.rev}"`);
  const q = new URLSearchParams({ arg: JSON.stringify({ path: '/cache.txt' }), authorization: `Bearer ${ctx.token}` });
  const get = (headers) => fetch(`${ctx.base}/2/files/download?${q}`, { headers });
  for (const inm of [etag, `W/${etag}`, `"other", ${etag}`, '*']) {
    const r = await get({ 'if-none-match': inm });
    assert.equal(r.status, 304, inm);
    assert.equal(await r.text(), '', inm);
    assert.equal(r.headers.get('etag'), etag, inm);
  }
  // Through the SDK a 304 is not ok, so it surfaces as an error with the status.
  const err = await rejects(() => client(ctx.base, ctx.token, { customHeaders: { 'If-None-Match': etag } }).filesDownload({ path: '/cache.txt' }));
  assert.equal(err.status, 304);
  const other = await get({ 'if-none-match': '"0123456789abcdef"' });
  assert.equal(other.status, 200);
  assert.equal(await other.text(), 'v1');
  // A new revision no longer matches the old tag.
  const v2 = (await ctx.dbx.filesUpload({ path: '/cache.txt', contents: 'v2', mode: 'overwrite' })).result;
  const fresh = await get({ 'if-none-match': etag });
  assert.equal(fresh.status, 200);
  assert.equal(await fresh.text(), 'v2');
  assert.equal(fresh.headers.get('etag'), `"${v2.rev}"`);
  // Lookup errors still come first.
  const missing = await fetch(`${ctx.base}/2/files/download?${new URLSearchParams({ arg: JSON.stringify({ path: '/gone.txt' }), authorization: `Bearer ${ctx.token}` })}`, { headers: { 'if-none-match': '*' } });
  assert.equal(missing.status, 409);
});

test('files/export: the twin\'s files are ordinary bytes, which Dropbox answers non_exportable; lookups fail as for download', async () => {
  const { dbx } = await seeded();
  const meta = (await dbx.filesGetMetadata({ path: '/Projects/plan.md' })).result;
  for (const path of ['/Projects/plan.md', meta.id, `rev:${meta.rev}`]) {
    assertDbxError(await rejects(() => dbx.filesExport({ path })), 409, 'non_exportable', 'non_exportable/');
  }
  assertDbxError(await rejects(() => dbx.filesExport({ path: '/Projects/plan.md', export_format: 'pdf' })), 409, 'non_exportable');
  assert.equal(assertDbxError(await rejects(() => dbx.filesExport({ path: '/Notes.gdoc' })), 409, 'path', 'path/not_found/').path['.tag'], 'not_found');
  assertDbxError(await rejects(() => dbx.filesExport({ path: '/Projects' })), 409, 'path', 'path/not_file/');
  const bad = await rejects(() => dbx.filesExport({ path: 'plan.md' }));
  assert.equal(bad.status, 400);
  assert.match(bad.error, /^Error in call to API function "files\/export": request body: path: 'plan.md' did not match pattern/);
});

test('sharing/get_shared_link_file: the link\'s bytes with its metadata, ranges, files inside folder links, link errors', async () => {
  const { dbx, base, token } = await seeded();
  const link = (await dbx.sharingCreateSharedLinkWithSettings({ path: '/Projects/plan.md' })).result;
  const f = await dbx.sharingGetSharedLinkFile({ url: link.url });
  assert.equal(f.status, 200);
  assert.equal(utf8(f.result.fileBinary), '# Plan\nShip the analytical engine.');
  assertSchema('sharing/get_shared_link_file', { ...f.result, fileBinary: undefined });
  assert.equal(f.result['.tag'], 'file');
  assert.equal(f.result.url, link.url);
  assert.equal(f.result.path_lower, '/projects/plan.md');
  const part = await client(base, token, { customHeaders: { Range: 'bytes=0-5' } }).sharingGetSharedLinkFile({ url: link.url });
  assert.equal(part.status, 206);
  assert.equal(utf8(part.result.fileBinary), '# Plan');
  assert.equal(part.headers.get('content-range'), 'bytes 0-5/34');
  assert.equal(part.result.url, link.url);
  // A folder link: the folder itself is not a file; a path inside it names one.
  const folder = (await dbx.sharingCreateSharedLinkWithSettings({ path: '/Projects' })).result;
  assertDbxError(await rejects(() => dbx.sharingGetSharedLinkFile({ url: folder.url })), 409, 'shared_link_is_directory', 'shared_link_is_directory/');
  const inner = await dbx.sharingGetSharedLinkFile({ url: folder.url, path: '/Archive/OLD-plan.md' });
  assert.equal(utf8(inner.result.fileBinary), 'obsolete');
  assert.equal(inner.result.name, 'old-plan.md');
  const innerMeta = (await dbx.sharingGetSharedLinkMetadata({ url: folder.url, path: '/budget.csv' })).result;
  assert.equal(innerMeta['.tag'], 'file');
  assert.equal(innerMeta.path_lower, '/projects/budget.csv');
  assertDbxError(await rejects(() => dbx.sharingGetSharedLinkFile({ url: folder.url, path: '/nope.txt' })), 409, 'shared_link_not_found');
  assertDbxError(await rejects(() => dbx.sharingGetSharedLinkFile({ url: folder.url, path: '/Archive' })), 409, 'shared_link_is_directory');
  assertDbxError(await rejects(() => dbx.sharingGetSharedLinkFile({ url: 'https://www.dropbox.com/scl/fi/nope/x?dl=0' })), 409, 'shared_link_not_found', 'shared_link_not_found/');
  // A revoked link is gone; its argument errors are Dropbox's plain-text 400s.
  await dbx.sharingRevokeSharedLink({ url: link.url });
  assertDbxError(await rejects(() => dbx.sharingGetSharedLinkFile({ url: link.url })), 409, 'shared_link_not_found');
  const bad = await rejects(() => dbx.sharingGetSharedLinkFile({}));
  assert.equal(bad.status, 400);
  assert.match(bad.error, /^Error in call to API function "sharing\/get_shared_link_file": .*missing required field 'url'/);
});

test('Dropbox-API-Path-Root: home, the root namespace and reachable namespace ids are accepted; mismatches are 422 invalid_root / no_permission; bad values plain-text 400s', async () => {
  const ctx = await seeded();
  const me = (await ctx.dbx.usersGetCurrentAccount()).result;
  const ns = me.root_info.root_namespace_id;
  const rooted = (pathRoot) => client(ctx.base, ctx.token, { pathRoot });
  for (const pr of [{ '.tag': 'home' }, 'home', { '.tag': 'root', root: ns }, { '.tag': 'namespace_id', namespace_id: ns }]) {
    const d = rooted(JSON.stringify(pr));
    const list = (await d.filesListFolder({ path: '' })).result;
    assert.deepEqual(names(list.entries), ['/Photos', '/Projects', '/README.txt'], JSON.stringify(pr));
    assert.equal(utf8((await d.filesDownload({ path: '/README.txt' })).result.fileBinary), 'Welcome to the twin.');
  }
  // The user's root namespace changed: invalid_root carries the current RootInfo.
  let e = assertDbxError(await rejects(() => rooted(JSON.stringify({ '.tag': 'root', root: '1234' })).filesListFolder({ path: '' })), 422, 'invalid_root', 'invalid_root/');
  assert.deepEqual(e.invalid_root, { '.tag': 'user', root_namespace_id: ns, home_namespace_id: ns });
  // A namespace the user cannot reach.
  e = assertDbxError(await rejects(() => rooted(JSON.stringify({ '.tag': 'namespace_id', namespace_id: '1' })).filesDownload({ path: '/README.txt' })), 422, 'no_permission', 'no_permission/');
  assert.deepEqual(e, { '.tag': 'no_permission' });
  // Nothing was written by a rejected call.
  await rejects(() => rooted(JSON.stringify({ '.tag': 'root', root: '1' })).filesUpload({ path: '/blocked.txt', contents: 'x' }));
  assertDbxError(await rejects(() => ctx.dbx.filesGetMetadata({ path: '/blocked.txt' })), 409, 'path', 'path/not_found/');
  const badRequests = [
    ['{".tag": "root"', 'Dropbox-API-Path-Root: could not decode input as JSON'],
    ['{".tag": "team_space"}', "Dropbox-API-Path-Root: unknown tag 'team_space'"],
    ['{".tag": "root"}', "Dropbox-API-Path-Root: missing required field 'root'"],
    ['{".tag": "namespace_id", "namespace_id": "a b"}', "Dropbox-API-Path-Root: namespace_id: 'a b' did not match pattern"],
    ['[1]', 'Dropbox-API-Path-Root: expected object, got list'],
    ['7', 'Dropbox-API-Path-Root: expected object, got number'],
    ['{"root": "1"}', "Dropbox-API-Path-Root: missing '.tag' key"],
  ];
  for (const [value, message] of badRequests) {
    const err = await rejects(() => rooted(value).filesListFolder({ path: '' }));
    assert.equal(err.status, 400, value);
    assert.equal(typeof err.error, 'string', value);
    assert.ok(err.error.startsWith(`Error in call to API function "files/list_folder": ${message}`), `${value}: ${err.error}`);
  }
  // The token is checked first: a bad token with a bad header is still 401.
  const err = await rejects(() => client(ctx.base, 'sl.nope', { pathRoot: '{' }).filesListFolder({ path: '' }));
  assert.equal(err.status, 401);
});

test('Dropbox-API-Select-User / Select-Admin: the twin\'s tokens are user tokens, which Dropbox answers with a plain-text 400', async () => {
  const ctx = await seeded();
  const members = (await ctx.dbx.teamMembersListV2({})).result.members;
  const id = members[0].profile.team_member_id;
  for (const [opts, what] of [[{ selectUser: id }, 'user'], [{ selectAdmin: id }, 'admin']]) {
    const d = client(ctx.base, ctx.token, opts);
    for (const call of [() => d.filesListFolder({ path: '' }), () => d.usersGetCurrentAccount(), () => d.filesDownload({ path: '/README.txt' })]) {
      const err = await rejects(call);
      assert.equal(err.status, 400);
      assert.match(err.error, new RegExp(`^Error in call to API function "[a-z_/]+": Unexpected select ${what} header\\.`));
    }
  }
  // The URL-parameter forms (GET downloads) are answered alike; without them the same call works.
  const arg = JSON.stringify({ path: '/README.txt' });
  for (const param of ['select_user', 'select_admin']) {
    const q = new URLSearchParams({ arg, authorization: `Bearer ${ctx.token}`, [param]: id });
    const res = await fetch(`${ctx.base}/2/files/download?${q}`);
    assert.equal(res.status, 400, param);
    assert.match(await res.text(), /^Error in call to API function "files\/download": Unexpected select (user|admin) header\./);
  }
  const ok = await fetch(`${ctx.base}/2/files/download?${new URLSearchParams({ arg, authorization: `Bearer ${ctx.token}` })}`);
  assert.equal(ok.status, 200);
  assert.equal(await ok.text(), 'Welcome to the twin.');
});

test('scopes: with configured scopes a route outside them gets 401 missing_scope; write implies read', async () => {
  const ctx = await seeded();
  await admin(ctx, 'PATCH', '/admin/config', { scopes: ['files.metadata.read', 'account_info.read'] });
  assert.equal((await ctx.dbx.filesListFolder({ path: '' })).status, 200);
  const e = assertDbxError(await rejects(() => ctx.dbx.filesUpload({ path: '/x.txt', contents: 'x' })), 401, 'missing_scope', 'missing_scope/');
  assert.equal(e.required_scope, 'files.content.write');
  assertDbxError(await rejects(() => ctx.dbx.filesDownload({ path: '/README.txt' })), 401, 'missing_scope');
  await admin(ctx, 'PATCH', '/admin/config', { scopes: ['files.content.write'] });
  assert.equal((await ctx.dbx.filesDownload({ path: '/README.txt' })).status, 200);
  assert.equal((await ctx.dbx.filesGetMetadata({ path: '/README.txt' })).status, 200);
  await admin(ctx, 'PATCH', '/admin/config', { disabled_scopes: ['files.content.read'] });
  assertDbxError(await rejects(() => ctx.dbx.filesDownload({ path: '/README.txt' })), 401, 'missing_scope');
});

test('rate limits: an injected 429 is Dropbox\'s too_many_requests with Retry-After', async () => {
  const ctx = await newRun();
  const f = await admin(ctx, 'POST', '/admin/faults', { route: '/2/files/list_folder', status: 429, count: 1, retry_after: 7 });
  assert.equal(f.status, 201, JSON.stringify(f.json));
  const err = await rejects(() => ctx.dbx.filesListFolder({ path: '' }));
  assert.equal(err.status, 429);
  assert.equal(err.headers.get('retry-after'), '7');
  assert.deepEqual(err.error, { error_summary: 'too_many_requests/..', error: { reason: { '.tag': 'too_many_requests' }, retry_after: 7 } });
  assert.equal((await ctx.dbx.filesListFolder({ path: '' })).status, 200);
});

test('webhooks: each change notifies the app with list_folder accounts and X-Dropbox-Signature', async () => {
  const ctx = await newRun();
  const rx = await startReceiver({ path: '/dropbox' });
  const got = rx.deliveries;
  try {
    await admin(ctx, 'PATCH', '/admin/config', { webhook_url: rx.url });
    const me = (await ctx.dbx.usersGetCurrentAccount()).result;
    await ctx.dbx.filesUpload({ path: '/a/b/c.txt', contents: 'x' });  // creates folders too: one notification
    await ctx.dbx.filesListFolder({ path: '' });                         // reads notify nothing
    await rx.waitFor(1, 15000);
    await new Promise((r) => setTimeout(r, 100));  // room for a wrong second notification
    assert.equal(got.length, 1);
    const body = JSON.parse(got[0].body);
    assert.deepEqual(body.list_folder, { accounts: [me.account_id] });
    assert.equal(body.delta.users.length, 1);
    const secret = ctx.env.DROPBOX_APP_SECRET;
    assert.ok(secret);
    assert.equal(got[0].headers['x-dropbox-signature'], createHmac('sha256', secret).update(got[0].raw).digest('hex'));
    const log = await admin(ctx, 'GET', '/admin/webhooks/deliveries');
    assert.equal(log.status, 200);
    assert.match(JSON.stringify(log.json), /list_folder/);
  } finally {
    await rx.close();
  }
});

test('seeding: counts, deterministic ids, reset back to the seed, schema errors name the field', async () => {
  const a = await seeded();
  const b = await seeded();
  const status = await (await fetch(`${a.controlUrl}/twin-runs/${a.run.run_id}`)).json();
  assert.deepEqual(status.seed_results.dropbox, { status: 'seeded', folders: 3, files: 4, members: 2 });
  const sa = (await admin(a, 'GET', '/admin/state')).json.state;
  const sb = (await admin(b, 'GET', '/admin/state')).json.state;
  assert.deepEqual(sa, sb);
  assert.equal(sa.entries.length, 7);
  const readme = (await a.dbx.filesDownload({ path: '/README.txt' })).result;
  assert.equal(utf8(readme.fileBinary), 'Welcome to the twin.');
  assert.equal(readme.server_modified.slice(0, 4), '2026');
  await a.dbx.filesUpload({ path: '/temp.txt', contents: 'temp' });
  await a.dbx.filesDeleteV2({ path: '/Projects' });
  const reset = await (await fetch(`${a.controlUrl}/twin-runs/${a.run.run_id}/reset`, { method: 'POST' })).json();
  assert.equal(reset.status, 'reset_complete');
  assert.deepEqual((await admin(a, 'GET', '/admin/state')).json.state, sa);
  assert.deepEqual(names((await a.dbx.filesListFolder({ path: '' })).result.entries), ['/Photos', '/Projects', '/README.txt']);
  const bad = await admin(a, 'PUT', '/admin/config', { seed: { folders: [{ files: [] }] } });
  assert.equal(bad.status, 400);
  assert.match(bad.json.detail, /folders\[0\]/);
  const bad2 = await admin(a, 'PUT', '/admin/config', { seed: { files: [{ path: 'no-slash', content: 'x' }] } });
  assert.equal(bad2.status, 400);
  assert.match(bad2.json.detail, /files\[0\]/);
  // Through a scenario at provision time.
  const url = a.controlUrl;
  const sc = await (await fetch(`${url}/scenarios`, { method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'dropbox starter', twins: ['dropbox'], seed_config: { dropbox: { ...SEED, account_tier: 'plus' } } }) })).json();
  const c = await newRun({ scenario_id: sc.id });
  assert.equal(c.run.seed_results.dropbox.files, 4);
  assert.equal((await c.dbx.usersGetSpaceUsage()).result.allocation.allocated, 2000000000000);
  assert.equal((await c.dbx.usersGetCurrentAccount()).result.email, 'ada@example.com');
});

test('routes the twin does not implement stay stubs, marked X-Twin-Stub', async () => {
  const ctx = await newRun();
  const count = await ctx.dbx.fileRequestsCount();
  assert.equal(count.headers.get('x-twin-stub'), 'true');
  assert.equal(count.result._twin_stub, true);
  const res = await raw(ctx, 'POST', '/2/file_requests/count', { body: null });
  assert.equal(res.headers.get('x-twin-stub'), 'true');
  const coverage = await admin(ctx, 'GET', '/admin/openapi');
  const ops = coverage.json.operations || coverage.json;
  const impl = (p) => (Array.isArray(ops) ? ops : ops.operations).find((o) => o.path === p)?.implementation;
  assert.equal(impl('/2/files/upload'), 'stateful');
  assert.equal(impl('/2/file_requests/count'), 'stub');
});

test('stubbed download routes carry their result in Dropbox-API-Result, as the SDK reads it', async () => {
  const ctx = await newRun();
  await ctx.dbx.filesUpload({ path: '/pic.jpg', contents: 'not really a jpeg' });
  for (const call of [
    () => ctx.dbx.filesGetThumbnailV2({ resource: { '.tag': 'path', path: '/pic.jpg' } }),
    () => ctx.dbx.filesGetThumbnail({ path: '/pic.jpg' }),
    () => ctx.dbx.filesGetPreview({ path: '/pic.jpg' }),
  ]) {
    const res = await call();
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('x-twin-stub'), 'true');
    assert.equal(res.result._twin_stub, true);
    assert.equal(Buffer.from(res.result.fileBinary).length, 0);
  }
  const hits = await admin(ctx, 'GET', '/admin/stub-hits');
  assert.match(JSON.stringify(hits.json), /get_thumbnail_v2/);
});

test('listings, moves, copies and deletes read only their subtree, not every entry of the account', async () => {
  const ctx = await newRun();
  // ~10 MB held elsewhere: reading every entry per call would cost far more than the calls below may take.
  const bulk = Array.from({ length: 200 }, (_, i) => ({ name: `blob-${i}.bin`, content: 'x'.repeat(50000) }));
  const seed = { folders: [{ name: 'Bulk', files: bulk }, { name: 'Small', files: [{ name: 'a.txt', content: 'a' }], folders: [{ name: 'Deep', files: [{ name: 'b.txt', content: 'b' }] }] }] };
  assert.equal((await admin(ctx, 'PUT', '/admin/config', { seed })).status, 200);
  const { dbx } = ctx;
  await dbx.filesListFolder({ path: '/Small' });     // warm up
  const started = Date.now();
  for (let i = 0; i < 10; i++) {
    assert.deepEqual(names((await dbx.filesListFolder({ path: '/Small' })).result.entries), ['/Small/Deep', '/Small/a.txt']);
    assert.deepEqual(names((await dbx.filesListFolder({ path: '/Small', recursive: true })).result.entries),
      ['/Small', '/Small/Deep', '/Small/Deep/b.txt', '/Small/a.txt']);
  }
  await dbx.filesCopyV2({ from_path: '/Small', to_path: '/Copy' });
  await dbx.filesMoveV2({ from_path: '/Copy/Deep', to_path: '/Moved' });
  await dbx.filesDeleteV2({ path: '/Moved' });
  const elapsed = Date.now() - started;
  assert.deepEqual(names((await dbx.filesListFolder({ path: '/Copy', recursive: true })).result.entries), ['/Copy', '/Copy/a.txt']);
  assert.equal((await dbx.filesListFolder({ path: '/Bulk' })).result.entries.length, 200);
  assert.ok(elapsed < 1500, `23 calls on a 3-entry subtree took ${elapsed} ms`);
});

test('longpoll: timeout must be 30..480; reset answers held polls with changes, teardown ends them', async () => {
  const ctx = await seeded();
  const { cursor } = (await ctx.dbx.filesListFolderGetLatestCursor({ path: '/Projects' })).result;
  for (const timeout of [29, 481]) {
    const err = await rejects(() => ctx.dbx.filesListFolderLongpoll({ cursor, timeout }));
    assert.equal(err.status, 400);
    assert.match(String(err.error), /timeout: value must be between 30 and 480/);
  }
  // A reset puts the state back: held polls learn of it at once.
  let started = Date.now();
  const held = ctx.dbx.filesListFolderLongpoll({ cursor, timeout: 60 });
  await sleep(200);
  assert.equal((await admin(ctx, 'POST', '/admin/reset')).status, 200);
  assert.deepEqual((await held).result, { changes: true });
  assert.ok(Date.now() - started < 5000);
  // Tearing the run down answers its held polls instead of leaving them for the timeout.
  const fresh = (await ctx.dbx.filesListFolderGetLatestCursor({ path: '/Projects' })).result.cursor;
  started = Date.now();
  const orphan = rejects(() => ctx.dbx.filesListFolderLongpoll({ cursor: fresh, timeout: 60 }));
  await sleep(200);
  const down = await fetch(`${ctx.controlUrl}/twin-runs/${ctx.run.run_id}/teardown`, { method: 'POST' });
  assert.equal(down.status, 200);
  const err = await orphan;
  assert.equal(err.status, 404);
  assert.ok(Date.now() - started < 5000, `teardown left the longpoll waiting ${Date.now() - started} ms`);
});

test('longpoll: stopping the server answers held polls (changes false) and exits promptly', async () => {
  const srv = await startServer();
  try {
    const run = await createRun(srv.url, ['dropbox']);
    const twin = run.twins.dropbox;
    const dbx = client(twin.base_url, twin.env_vars.DROPBOX_ACCESS_TOKEN);
    const { cursor } = (await dbx.filesListFolderGetLatestCursor({ path: '' })).result;
    const held = dbx.filesListFolderLongpoll({ cursor, timeout: 120 });
    await sleep(200);
    const started = Date.now();
    const exit = await srv.stop('SIGTERM');
    assert.equal(exit.signal, null, `the server had to be killed: ${JSON.stringify(exit)}`);
    assert.ok(Date.now() - started < 4000);
    assert.deepEqual((await held).result, { changes: false });
  } finally {
    await srv.stop();
  }
});

test('longpoll (end): the quiet cursor is answered changes false after its 30 s timeout', async () => {
  assert.ok(quietPoll, 'the start test did not run');
  const { at, r, err } = await quietPoll.answer;
  assert.ifError(err);
  assert.deepEqual(r.result, { changes: false });
  const held = at - quietPoll.started;
  assert.ok(held >= 29500 && held < 40000, `held ${held} ms`);
});

// A reset restarts the change journal: a cursor from before it points into a
// history that is gone.  list_folder/continue and longpoll answer Dropbox's
// 409 `reset` (start over with list_folder) instead of reporting nothing
// until the new journal passes the old position; cursors from after it work.
test('cursors from before a run reset get the reset error; fresh cursors see later changes', async () => {
  const ctx = await newRun();
  const { dbx } = ctx;
  await dbx.filesUpload({ path: '/a.txt', contents: 'a' });
  const listed = (await dbx.filesListFolder({ path: '', limit: 1 })).result;
  assert.equal(listed.has_more, false);
  const latest = (await dbx.filesListFolderGetLatestCursor({ path: '' })).result.cursor;
  await dbx.filesUpload({ path: '/b.txt', contents: 'b' });
  const reset = await fetch(`${ctx.controlUrl}/twin-runs/${ctx.run.run_id}/reset`, { method: 'POST' });
  assert.equal(reset.status, 200);
  for (const cursor of [listed.cursor, latest]) {
    assertDbxError(await rejects(() => dbx.filesListFolderContinue({ cursor })), 409, 'reset', 'reset/');
    assertDbxError(await rejects(() => dbx.filesListFolderLongpoll({ cursor, timeout: 30 })), 409, 'reset', 'reset/');
  }
  const fresh = (await dbx.filesListFolderGetLatestCursor({ path: '' })).result.cursor;
  await dbx.filesUpload({ path: '/c.txt', contents: 'c' });
  assert.equal((await dbx.filesListFolderLongpoll({ cursor: fresh, timeout: 30 })).result.changes, true);
  const cont = (await dbx.filesListFolderContinue({ cursor: fresh })).result;
  assert.deepEqual(cont.entries.map((e) => [e['.tag'], e.path_display]), [['file', '/c.txt']]);
  const again = (await dbx.filesListFolderContinue({ cursor: cont.cursor })).result;
  assert.deepEqual(again.entries, []);
  // the per-twin admin reset starts the journal over too
  assert.equal((await admin(ctx, 'POST', '/admin/reset')).status, 200);
  assertDbxError(await rejects(() => dbx.filesListFolderContinue({ cursor: again.cursor })), 409, 'reset', 'reset/');
});

// A search cursor carries an offset into the search's matches: after a reset
// the same offset pages a different tree, so search/continue_v2 refuses a
// cursor from before it (SearchError has no cursor tag: 409
// invalid_argument) rather than handing out the wrong matches; a cursor from
// after it pages on, and a cursor that is not one at all stays a 400.
test('search/continue_v2: cursors from before a run reset are refused; fresh ones page on', async () => {
  const ctx = await newRun();
  const { dbx } = ctx;
  for (const n of ['plan-a.txt', 'plan-b.txt', 'plan-c.txt']) await dbx.filesUpload({ path: `/${n}`, contents: n });
  const search = { query: 'plan', options: { max_results: 2, filename_only: true } };
  const first = (await dbx.filesSearchV2(search)).result;
  assert.equal(first.has_more, true);
  const stale = first.cursor;
  assert.equal((await dbx.filesSearchContinueV2({ cursor: stale })).result.matches.length, 1);
  const reset = await fetch(`${ctx.controlUrl}/twin-runs/${ctx.run.run_id}/reset`, { method: 'POST' });
  assert.equal(reset.status, 200);
  for (const n of ['plan-x.txt', 'plan-y.txt', 'plan-z.txt']) await dbx.filesUpload({ path: `/${n}`, contents: n });
  const refused = async (cursor) => {
    const err = assertDbxError(await rejects(() => dbx.filesSearchContinueV2({ cursor })), 409, 'invalid_argument',
      'invalid_argument/');
    assert.equal(typeof err.invalid_argument, 'string');
  };
  await refused(stale);
  const fresh = (await dbx.filesSearchV2(search)).result;
  const rest = (await dbx.filesSearchContinueV2({ cursor: fresh.cursor })).result;
  assertSchema('files/search/continue_v2', rest);
  const names = [...fresh.matches, ...rest.matches].map((m) => m.metadata.metadata.name).sort();
  assert.deepEqual(names, ['plan-x.txt', 'plan-y.txt', 'plan-z.txt']);
  const junk = await rejects(() => dbx.filesSearchContinueV2({ cursor: 'AAnot-a-cursor' }));
  assert.equal(junk.status, 400);
  // the per-twin admin reset starts the tree over too
  assert.equal((await admin(ctx, 'POST', '/admin/reset')).status, 200);
  await refused(fresh.cursor);
});
