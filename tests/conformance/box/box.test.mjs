// Box twin conformance: the official box-node-sdk (10.12.0) against a live
// run, with responses validated against Box's own OpenAPI description.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync } from 'node:crypto';
import {
  BoxCcgAuth, BoxJwtAuth, BoxOAuth, CcgConfig, JwtConfig, OAuthConfig, WebhooksManager, admin, assertBoxError, assertSchema, client,
  devClient, newRun, raw, readAll, receiver, rejects, session, stopServer, stream,
} from './helpers.mjs';

after(stopServer);

const SEED = {
  users: [{ name: 'Ada Lovelace', login: 'ada@example.com', job_title: 'Engineer' },
    { name: 'Grace Hopper', login: 'grace@example.com', role: 'coadmin' }],
  folders: [
    { name: 'Contracts', description: 'Signed deals', files: [{ name: 'acme.txt', content: 'ACME master services agreement' },
      { name: 'globex.txt', content: 'Globex renewal terms' }],
    folders: [{ name: 'Drafts', files: [{ name: 'draft-acme.md', content: 'acme draft: unsigned' }] }] },
    { name: 'Marketing', files: [{ name: 'plan.txt', content: 'Launch plan for Q3' }] },
  ],
  files: [{ name: 'README.txt', content: 'Welcome to the team drive' }],
};

async function seeded() {
  const ctx = await newRun();
  const r = await admin(ctx, 'PUT', '/admin/config', { seed: SEED });
  assert.equal(r.status, 200, JSON.stringify(r.json));
  return ctx;
}

const sha1 = (s) => createHash('sha1').update(s).digest('hex');
const byName = (entries, name) => entries.find((e) => e.name === name);

async function upload(box, parentId, name, content) {
  const files = await box.uploads.uploadFile({ attributes: { name, parent: { id: parentId } }, file: stream(content) });
  assertSchema('POST', '/2.0/files/content', files);
  return files.entries[0];
}

test('auth: missing or unknown tokens get 401 with an empty body and WWW-Authenticate', async () => {
  const ctx = await newRun();
  let r = await raw(ctx, 'GET', '/2.0/users/me', { auth: false });
  assert.equal(r.status, 401);
  assert.equal(r.text, '');
  assert.match(r.headers.get('www-authenticate'), /^Bearer realm="Service"/);
  r = await raw(ctx, 'GET', '/2.0/folders/0', { auth: false, headers: { authorization: 'Bearer nope' } });
  assert.equal(r.status, 401);
  assert.equal(r.text, '');
  assert.match(r.headers.get('www-authenticate'), /error="invalid_token"/);
  const err = await rejects(() => devClient(ctx.base, 'not-the-token').users.getUserMe());
  assert.equal(err.responseInfo.statusCode, 401);
  const me = await ctx.box.users.getUserMe();
  assert.equal(me.type, 'user');
  assert.equal(me.login, 'admin@twins.example');
  assertSchema('GET', '/2.0/users/me', me);
});

test('CCG: enterprise and user subjects get working tokens; bad credentials are OAuth errors', async () => {
  const ctx = await seeded();
  const { BOX_CLIENT_ID: clientId, BOX_CLIENT_SECRET: clientSecret, BOX_ENTERPRISE_ID: enterpriseId } = ctx.env;
  const svc = client(ctx.base, new BoxCcgAuth({ config: new CcgConfig({ clientId, clientSecret, enterpriseId }) }));
  const me = await svc.users.getUserMe();
  assert.equal(me.name, 'Twins Service Account');
  assert.match(me.login, /^AutomationUser_|^AppUser_/);
  // the service account has its own root: the admin's seeded tree is not in it, and its folder is not the admin's
  const folder = await svc.folders.createFolder({ name: 'From CCG', parent: { id: '0' } });
  assert.equal((await svc.folders.getFolderById(folder.id)).ownedBy.id, me.id);
  assert.deepEqual((await svc.folders.getFolderItems('0')).entries.map((e) => e.name), ['From CCG']);
  assertBoxError(await rejects(() => ctx.box.folders.getFolderById(folder.id)), 404, 'not_found');

  const ada = (await ctx.box.users.getUsers({ filterTerm: 'ada' })).entries[0];
  const asAda = client(ctx.base, new BoxCcgAuth({ config: new CcgConfig({ clientId, clientSecret, userId: ada.id }) }));
  assert.equal((await asAda.users.getUserMe()).id, ada.id);

  // the token endpoint itself, validated against the description
  const form = (body) => raw(ctx.base, 'POST', '/oauth2/token', { body, encode: 'form' });
  let r = await form({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret,
    box_subject_type: 'enterprise', box_subject_id: enterpriseId });
  assert.equal(r.status, 200);
  assert.equal(r.json.token_type, 'bearer');
  assert.deepEqual(r.json.restricted_to, []);
  assert.ok(r.json.expires_in > 0);
  assertSchema('POST', '/2.0/oauth2/token', r.json);
  r = await form({ grant_type: 'client_credentials', client_id: clientId, client_secret: 'wrong' });
  assert.equal(r.status, 400);
  assert.deepEqual(r.json, { error: 'invalid_client', error_description: 'The client credentials are invalid' });
  r = await form({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret,
    box_subject_type: 'enterprise', box_subject_id: '999' });
  assert.equal(r.status, 400);
  assert.equal(r.json.error, 'invalid_grant');
  r = await form({ grant_type: 'password', client_id: clientId, client_secret: clientSecret });
  assert.equal(r.json.error, 'invalid_request');
  const bad = client(ctx.base, new BoxCcgAuth({ config: new CcgConfig({ clientId, clientSecret: 'x', enterpriseId }) }));
  const err = await rejects(() => bad.users.getUserMe());
  assert.equal(err.responseInfo.statusCode, 400);
  assert.equal(err.responseInfo.body.error, 'invalid_client');
});

test('access tokens lapse after an hour on the run clock (<admin>/admin/clock)', async () => {
  const ctx = await seeded();
  const { BOX_CLIENT_ID: clientId, BOX_CLIENT_SECRET: clientSecret, BOX_ENTERPRISE_ID: enterpriseId } = ctx.env;
  const r = await raw(ctx.base, 'POST', '/oauth2/token', { encode: 'form', body: { grant_type: 'client_credentials',
    client_id: clientId, client_secret: clientSecret, box_subject_type: 'enterprise', box_subject_id: enterpriseId } });
  assert.equal(r.status, 200);
  const svc = devClient(ctx.base, r.json.access_token);
  assert.equal((await svc.users.getUserMe()).name, 'Twins Service Account');
  assert.equal((await admin(ctx, 'POST', '/admin/clock', { advance_seconds: r.json.expires_in - 60 })).status, 200);
  assert.equal((await svc.users.getUserMe()).name, 'Twins Service Account');
  assert.equal((await admin(ctx, 'POST', '/admin/clock', { advance_seconds: 120 })).status, 200);
  const err = await rejects(() => svc.users.getUserMe());
  assert.equal(err.responseInfo.statusCode, 401);
  // the developer token of the run is not one of them
  assert.equal((await ctx.box.users.getUserMe()).login, 'admin@twins.example');
});

test('OAuth 2.0: authorize, code exchange, refresh rotation, revoke', async () => {
  const ctx = await newRun();
  const { BOX_CLIENT_ID: clientId, BOX_CLIENT_SECRET: clientSecret } = ctx.env;
  const oauth = new BoxOAuth({ config: new OAuthConfig({ clientId, clientSecret }) });
  // the SDK builds the account.box.com URL; the twin serves the same path
  const url = new URL(oauth.getAuthorizeUrl({ redirectUri: 'https://app.example/cb', state: 'xyz' }));
  const res = await fetch(ctx.env.BOX_OAUTH2_URL + '/authorize' + url.search, { redirect: 'manual' });
  assert.equal(res.status, 302);
  const back = new URL(res.headers.get('location'));
  assert.equal(back.origin + back.pathname, 'https://app.example/cb');
  assert.equal(back.searchParams.get('state'), 'xyz');
  const code = back.searchParams.get('code');
  const ns = session(ctx.base);
  const token = await oauth.getTokensAuthorizationCodeGrant(code, ns);
  assert.ok(token.accessToken && token.refreshToken);
  const user = client(ctx.base, oauth);
  assert.equal((await user.users.getUserMe()).login, 'admin@twins.example');
  // codes are single-use
  let err = await rejects(() => new BoxOAuth({ config: new OAuthConfig({ clientId, clientSecret }) }).getTokensAuthorizationCodeGrant(code, ns));
  assert.equal(err.responseInfo.body.error, 'invalid_grant');
  // refresh gives a new pair; the old refresh token stops working
  const first = token.refreshToken;
  const next = await oauth.refreshToken(ns);
  assert.notEqual(next.accessToken, token.accessToken);
  assert.equal((await user.users.getUserMe()).type, 'user');
  const r = await raw(ctx.base, 'POST', '/oauth2/token', { encode: 'form',
    body: { grant_type: 'refresh_token', refresh_token: first, client_id: clientId, client_secret: clientSecret } });
  assert.equal(r.status, 400);
  assert.deepEqual(r.json, { error: 'invalid_grant', error_description: 'Invalid refresh token' });
  // revoked tokens are refused
  await oauth.revokeToken(ns);
  err = await rejects(() => user.users.getUserMe());
  assert.equal(err.responseInfo.statusCode, 401);
});

test('folders: create, get with item_collection and path_collection, schema', async () => {
  const { box } = await newRun();
  const root = await box.folders.getFolderById('0');
  assert.equal(root.name, 'All Files');
  assert.equal(root.pathCollection.totalCount, 0);
  assertSchema('GET', '/2.0/folders/{folder_id}', root);
  const a = await box.folders.createFolder({ name: 'Projects', parent: { id: '0' } });
  assertSchema('POST', '/2.0/folders', a);
  const b = await box.folders.createFolder({ name: 'Apollo', parent: { id: a.id } });
  assert.equal(b.etag, '0');
  assert.equal(b.sequenceId, '0');
  assert.deepEqual(b.pathCollection.entries.map((e) => e.name), ['All Files', 'Projects']);
  assert.equal(b.parent.id, a.id);
  const got = await box.folders.getFolderById(a.id);
  assert.equal(got.itemCollection.totalCount, 1);
  assert.equal(got.itemCollection.entries[0].id, b.id);
  assertSchema('GET', '/2.0/folders/{folder_id}', got);
  const rootAgain = await box.folders.getFolderById('0');
  assert.ok(rootAgain.itemCollection.entries.some((e) => e.id === a.id));
});

test('folders: 409 item_name_in_use (case-insensitive) with conflicts, 400 on bad names and missing parent, 404 shape', async () => {
  const { box } = await newRun();
  const a = await box.folders.createFolder({ name: 'Reports', parent: { id: '0' } });
  let err = await rejects(() => box.folders.createFolder({ name: 'REPORTS', parent: { id: '0' } }));
  const body = assertBoxError(err, 409, 'item_name_in_use');
  assert.equal(body.message, 'Item with the same name already exists');
  assert.ok(Array.isArray(body.context_info.conflicts));
  assert.equal(body.context_info.conflicts[0].id, a.id);
  for (const name of ['a/b', '..', ' padded ']) {
    err = await rejects(() => box.folders.createFolder({ name, parent: { id: '0' } }));
    assertBoxError(err, 400, 'item_name_invalid');
  }
  assertBoxError(await rejects(() => box.folders.createFolder({ name: 'x'.repeat(256), parent: { id: '0' } })), 400, 'item_name_too_long');
  err = await rejects(() => box.folders.createFolder({ name: 'Orphan', parent: { id: '987654321' } }));
  const nf = assertBoxError(err, 404, 'not_found');
  assert.equal(nf.context_info.errors[0].reason, 'invalid_parameter');
  assertBoxError(await rejects(() => box.folders.getFolderById('123123123')), 404, 'not_found');
  const r = await raw({ base: (await newRun()).base, token: 'x' }, 'GET', '/2.0/folders/0');
  assert.equal(r.status, 401);
});

test('folder items: offset and marker paging, sorting, fields selection', async () => {
  const { box } = await newRun();
  const f = await box.folders.createFolder({ name: 'Many', parent: { id: '0' } });
  for (let i = 0; i < 7; i++) await upload(box, f.id, `file-${i}.txt`, `content ${i}`);
  await box.folders.createFolder({ name: 'zz-sub', parent: { id: f.id } });
  const p1 = await box.folders.getFolderItems(f.id, { queryParams: { limit: 3, offset: 0 } });
  assert.equal(p1.totalCount, 8);
  assert.equal(p1.entries.length, 3);
  assert.equal(p1.entries[0].type, 'folder'); // folders first
  assertSchema('GET', '/2.0/folders/{folder_id}/items', p1);
  const p3 = await box.folders.getFolderItems(f.id, { queryParams: { limit: 3, offset: 6 } });
  assert.equal(p3.entries.length, 2);
  // marker paging walks everything exactly once
  const seen = [];
  let marker;
  do {
    const page = await box.folders.getFolderItems(f.id, { queryParams: { usemarker: true, limit: 3, marker } });
    assertSchema('GET', '/2.0/folders/{folder_id}/items', page);
    assert.equal(page.totalCount, undefined);
    seen.push(...page.entries.map((e) => e.id));
    marker = page.nextMarker || undefined;
  } while (marker);
  assert.equal(new Set(seen).size, 8);
  const desc = await box.folders.getFolderItems(f.id, { queryParams: { sort: 'name', direction: 'DESC' } });
  assert.deepEqual(desc.entries.filter((e) => e.type === 'file').map((e) => e.name).slice(0, 2), ['file-6.txt', 'file-5.txt']);
  const sel = await box.folders.getFolderItems(f.id, { queryParams: { fields: ['name', 'size', 'modified_at'], limit: 2, offset: 1 } });
  assert.deepEqual(Object.keys(sel.rawData.entries[0]).sort(), ['etag', 'id', 'modified_at', 'name', 'size', 'type']);
  assert.equal(sel.rawData.entries[0].size, 9);
  const err = await rejects(() => box.folders.getFolderItems(f.id, { queryParams: { marker: 'garbage!' } }));
  assertBoxError(err, 400, 'bad_request');
});

test('folders: rename and move, cyclical moves refused, If-Match etags, copy', async () => {
  const { box } = await newRun();
  const a = await box.folders.createFolder({ name: 'A', parent: { id: '0' } });
  const b = await box.folders.createFolder({ name: 'B', parent: { id: a.id } });
  await upload(box, b.id, 'inside.txt', 'deep content');
  const renamed = await box.folders.updateFolderById(a.id, { requestBody: { name: 'Alpha' }, headers: { ifMatch: '0' } });
  assert.equal(renamed.name, 'Alpha');
  assert.equal(renamed.etag, '1');
  assertSchema('PUT', '/2.0/folders/{folder_id}', renamed);
  let err = await rejects(() => box.folders.updateFolderById(a.id, { requestBody: { name: 'Again' }, headers: { ifMatch: '0' } }));
  const body = assertBoxError(err, 412, 'precondition_failed');
  assert.match(body.message, /modified/);
  err = await rejects(() => box.folders.updateFolderById(a.id, { requestBody: { parent: { id: b.id } } }));
  assertBoxError(err, 400, 'cyclical_folder_structure');
  const moved = await box.folders.updateFolderById(b.id, { requestBody: { parent: { id: '0' } } });
  assert.equal(moved.parent.id, '0');
  assert.equal((await box.folders.getFolderById(a.id)).itemCollection.totalCount, 0);
  const copy = await box.folders.copyFolder(b.id, { parent: { id: a.id }, name: 'B copy' });
  assertSchema('POST', '/2.0/folders/{folder_id}/copy', copy);
  assert.notEqual(copy.id, b.id);
  const items = await box.folders.getFolderItems(copy.id);
  assert.equal(items.entries[0].name, 'inside.txt');
  assert.notEqual(items.entries[0].id, (await box.folders.getFolderItems(b.id)).entries[0].id);
  assert.equal(items.entries[0].sha1, sha1('deep content'));
  err = await rejects(() => box.folders.copyFolder(b.id, { parent: { id: '0' } }));
  assertBoxError(err, 409, 'item_name_in_use');
});

test('folders: delete needs recursive when not empty; trash, trashed items, restore, purge', async () => {
  const ctx = await newRun();
  const { box } = ctx;
  const f = await box.folders.createFolder({ name: 'Old', parent: { id: '0' } });
  const inner = await upload(box, f.id, 'keep.txt', 'keep me');
  // DELETE answers carry no body for the SDK to read, so the body is checked raw
  let err = await rejects(() => box.folders.deleteFolderById(f.id));
  assert.equal(err.responseInfo.statusCode, 400);
  const r = await raw(ctx, 'DELETE', `/2.0/folders/${f.id}`);
  assert.equal(r.status, 400);
  assert.equal(r.json.code, 'folder_not_empty');
  assert.equal(r.json.message, 'Cannot delete – folder not empty');
  await box.folders.deleteFolderById(f.id, { queryParams: { recursive: true } });
  assertBoxError(await rejects(() => box.folders.getFolderById(f.id)), 404, 'trashed');
  assertBoxError(await rejects(() => box.files.getFileById(inner.id)), 404, 'trashed');
  const trash = await box.trashedItems.getTrashedItems();
  assertSchema('GET', '/2.0/folders/trash/items', trash);
  assert.deepEqual(trash.entries.map((e) => e.id), [f.id]);
  const tf = await box.trashedFolders.getTrashedFolderById(f.id);
  assertSchema('GET', '/2.0/folders/{folder_id}/trash', tf);
  assert.equal(tf.itemStatus, 'trashed');
  assert.equal(tf.pathCollection.entries[0].name, 'Trash');
  const restored = await box.trashedFolders.restoreFolderFromTrash(f.id);
  assert.equal(restored.itemStatus, 'active');
  assert.equal((await box.files.getFileById(inner.id)).name, 'keep.txt');
  assert.equal((await box.trashedItems.getTrashedItems()).entries.length, 0);
  await box.folders.deleteFolderById(f.id, { queryParams: { recursive: true } });
  await box.trashedFolders.deleteTrashedFolderById(f.id);
  assertBoxError(await rejects(() => box.trashedFolders.getTrashedFolderById(f.id)), 404, 'not_found');
  assertBoxError(await rejects(() => box.files.getFileById(inner.id)), 404, 'not_found');
  assert.equal((await rejects(() => box.folders.deleteFolderById('0'))).responseInfo.statusCode, 403);
  assert.equal((await raw(ctx, 'DELETE', '/2.0/folders/0')).json.code, 'access_denied_insufficient_permissions');
});

test('files: upload and download round trip through the 302 to the twin', async () => {
  const ctx = await newRun();
  const { box } = ctx;
  const text = 'Hello from the Box twin \u2014 bytes and all.\n';
  const file = await upload(box, '0', 'hello.txt', text);
  assert.equal(file.sha1, sha1(text));
  assert.equal(file.size, Buffer.byteLength(text));
  assert.equal(file.fileVersion.sha1, file.sha1);
  assert.equal(file.parent.id, '0');
  const got = await box.files.getFileById(file.id);
  assertSchema('GET', '/2.0/files/{file_id}', got);
  assert.equal(got.etag, '0');
  const bytes = await readAll(await box.downloads.downloadFile(file.id));
  assert.equal(bytes.toString('utf8'), text);
  const url = await box.downloads.getDownloadFileUrl(file.id);
  assert.ok(url.startsWith(ctx.base + '/'), url);
  // the download URL is pre-signed: no token needed, ranges work
  let r = await fetch(url);
  assert.equal(r.status, 200);
  assert.equal(await r.text(), text);
  r = await fetch(url, { headers: { range: 'bytes=0-4' } });
  assert.equal(r.status, 206);
  assert.equal(await r.text(), 'Hello');
  r = await fetch(url.replace(/\.[A-Za-z0-9]+\/download$/, '.forged/download'));
  assert.equal(r.status, 404);
  // binary content survives
  const bin = Buffer.from([0, 1, 2, 250, 255, 0, 10]);
  const bf = (await box.uploads.uploadFile({ attributes: { name: 'b.bin', parent: { id: '0' } }, file: (await import('node:stream')).Readable.from([bin]) })).entries[0];
  assert.deepEqual(await readAll(await box.downloads.downloadFile(bf.id)), bin);
});

test('files: upload conflicts (object context), bad digest, attributes after the file', async () => {
  const ctx = await newRun();
  const { box } = ctx;
  const first = await upload(box, '0', 'dup.txt', 'one');
  const err = await rejects(() => upload(box, '0', 'DUP.txt', 'two'));
  const body = assertBoxError(err, 409, 'item_name_in_use');
  assert.equal(body.context_info.conflicts.id, first.id);
  assert.equal(body.context_info.conflicts.sha1, sha1('one'));
  const post = (form, headers = {}) => fetch(ctx.base + '/api/2.0/files/content', { method: 'POST', body: form,
    headers: { authorization: `Bearer ${ctx.token}`, ...headers } });
  let form = new FormData();
  form.append('attributes', JSON.stringify({ name: 'digest.txt', parent: { id: '0' } }));
  form.append('file', new Blob(['abc']), 'digest.txt');
  let r = await post(form, { 'content-md5': sha1('not abc') });
  assert.equal(r.status, 400);
  assert.equal((await r.json()).code, 'bad_digest');
  form = new FormData();
  form.append('file', new Blob(['abc']), 'late.txt');
  form.append('attributes', JSON.stringify({ name: 'late.txt', parent: { id: '0' } }));
  r = await post(form);
  assert.equal(r.status, 400);
  assert.equal((await r.json()).code, 'metadata_after_file_contents');
  const pre = await box.uploads.preflightFileUploadCheck({ name: 'dup.txt', parent: { id: '0' }, size: 3 }).catch((e) => e);
  assert.equal(pre.responseInfo.statusCode, 409);
  const ok = await box.uploads.preflightFileUploadCheck({ name: 'fresh.txt', parent: { id: '0' }, size: 3 });
  assert.ok(ok.uploadUrl.startsWith(ctx.base));
});

test('files: new versions, versions list, download an old version, promote', async () => {
  const { box } = await newRun();
  const f = await upload(box, '0', 'notes.txt', 'v1');
  const uploaded = await box.uploads.uploadFileVersion(f.id, { attributes: { name: 'notes.txt' }, file: stream('version two') },
    { headers: { ifMatch: '0' } });
  assertSchema('POST', '/2.0/files/{file_id}/content', uploaded);
  const v2 = uploaded.entries[0];
  assert.equal(v2.sha1, sha1('version two'));
  assert.equal(v2.etag, '1');
  assert.notEqual(v2.fileVersion.id, f.fileVersion.id);
  const full = await box.files.getFileById(f.id, { queryParams: { fields: ['version_number', 'name', 'extension'] } });
  assert.equal(full.rawData.version_number, '2');
  assert.equal(full.rawData.extension, 'txt');
  assert.equal(full.rawData.description, undefined);
  const versions = await box.fileVersions.getFileVersions(f.id);
  assertSchema('GET', '/2.0/files/{file_id}/versions', versions);
  assert.equal(versions.totalCount, 1); // previous versions only
  assert.equal(versions.entries[0].id, f.fileVersion.id);
  assert.equal(versions.entries[0].sha1, sha1('v1'));
  const old = await readAll(await box.downloads.downloadFile(f.id, { queryParams: { version: f.fileVersion.id } }));
  assert.equal(old.toString(), 'v1');
  const err = await rejects(() => box.uploads.uploadFileVersion(f.id, { attributes: { name: 'notes.txt' }, file: stream('x') }, { headers: { ifMatch: '0' } }));
  assertBoxError(err, 412, 'precondition_failed');
  const promoted = await box.fileVersions.promoteFileVersion(f.id, { requestBody: { id: f.fileVersion.id, type: 'file_version' } });
  assertSchema('POST', '/2.0/files/{file_id}/versions/current', promoted);
  assert.equal(promoted.sha1, sha1('v1'));
  assert.equal((await readAll(await box.downloads.downloadFile(f.id))).toString(), 'v1');
  assert.equal((await box.fileVersions.getFileVersions(f.id)).totalCount, 2);
});

test('files: update (rename, move, description), If-Match, copy, trash and restore', async () => {
  const ctx = await newRun();
  const { box } = ctx;
  const dir = await box.folders.createFolder({ name: 'Dest', parent: { id: '0' } });
  const f = await upload(box, '0', 'draft.txt', 'text');
  const u = await box.files.updateFileById(f.id, { requestBody: { name: 'final.txt', description: 'the final one', parent: { id: dir.id } },
    headers: { ifMatch: '0' } });
  assertSchema('PUT', '/2.0/files/{file_id}', u);
  assert.equal(u.name, 'final.txt');
  assert.equal(u.description, 'the final one');
  assert.equal(u.parent.id, dir.id);
  assert.equal(u.etag, '1');
  assert.equal(u.sequenceId, '1');
  assertBoxError(await rejects(() => box.files.updateFileById(f.id, { requestBody: { name: 'x.txt' }, headers: { ifMatch: '0' } })),
    412, 'precondition_failed');
  let r = await raw(ctx, 'GET', `/2.0/files/${f.id}`, { headers: { 'if-none-match': '1' } });
  assert.equal(r.status, 304);
  const c = await box.files.copyFile(f.id, { parent: { id: '0' }, name: 'copy.txt' });
  assertSchema('POST', '/2.0/files/{file_id}/copy', c);
  assert.equal(c.sha1, u.sha1);
  assertBoxError(await rejects(() => box.files.copyFile(f.id, { parent: { id: dir.id } })), 409, 'item_name_in_use');
  await box.files.deleteFileById(f.id);
  assertBoxError(await rejects(() => box.files.getFileById(f.id)), 404, 'trashed');
  const tf = await box.trashedFiles.getTrashedFileById(f.id);
  assertSchema('GET', '/2.0/files/{file_id}/trash', tf);
  const back = await box.trashedFiles.restoreFileFromTrash(f.id);
  assertSchema('POST', '/2.0/files/{file_id}', back);
  assert.equal(back.itemStatus, 'active');
  assert.equal((await box.files.getFileById(f.id)).parent.id, dir.id);
  r = await raw(ctx, 'GET', '/2.0/files/999999');
  assert.equal(r.status, 404);
  assert.equal(r.json.context_info.errors[0].name, 'item');
});

test('users: me, list with filter and paging, get, create, duplicate login, 404', async () => {
  const ctx = await seeded();
  const { box } = ctx;
  const all = await box.users.getUsers();
  assertSchema('GET', '/2.0/users', all);
  assert.deepEqual(all.entries.map((u) => u.name), ['Twins Admin', 'Ada Lovelace', 'Grace Hopper']);
  const page = await box.users.getUsers({ limit: 1, offset: 1 });
  assert.equal(page.totalCount, 3);
  assert.equal(page.entries[0].name, 'Ada Lovelace');
  const grace = (await box.users.getUsers({ filterTerm: 'grace@' })).entries;
  assert.equal(grace.length, 1);
  const one = await box.users.getUserById(grace[0].id, { queryParams: { fields: ['role', 'name'] } });
  assert.equal(one.rawData.role, 'coadmin');
  const made = await box.users.createUser({ name: 'Alan Turing', login: 'alan@example.com' });
  assertSchema('POST', '/2.0/users', made);
  assert.equal(made.status, 'active');
  assertBoxError(await rejects(() => box.users.createUser({ name: 'Alan Again', login: 'ALAN@example.com' })), 409, 'user_login_already_used');
  assertBoxError(await rejects(() => box.users.getUserById('1')), 404, 'not_found');
  assertSchema('GET', '/2.0/users/{user_id}', await box.users.getUserById(made.id));
});

test('search: names and text content, type and ancestor filters, offset paging, missing query', async () => {
  const ctx = await seeded();
  const { box } = ctx;
  const r1 = await box.search.searchForContent({ query: 'acme' });
  assertSchema('GET', '/2.0/search', r1);
  assert.deepEqual(r1.entries.map((e) => e.name).sort(), ['acme.txt', 'draft-acme.md']);
  const byContent = await box.search.searchForContent({ query: 'renewal' });
  assert.deepEqual(byContent.entries.map((e) => e.name), ['globex.txt']);
  const namesOnly = await box.search.searchForContent({ query: 'renewal', contentTypes: ['name'] });
  assert.equal(namesOnly.entries.length, 0);
  const folders = await box.search.searchForContent({ query: 'contracts', type: 'folder' });
  assert.deepEqual(folders.entries.map((e) => e.name), ['Contracts']);
  const drafts = folders.entries[0];
  const under = await box.search.searchForContent({ query: 'acme', ancestorFolderIds: [drafts.id], fileExtensions: ['md'] });
  assert.deepEqual(under.entries.map((e) => e.name), ['draft-acme.md']);
  const p1 = await box.search.searchForContent({ query: 'txt', limit: 2, offset: 0 });
  const p2 = await box.search.searchForContent({ query: 'txt', limit: 2, offset: 2 });
  assert.equal(p1.totalCount, 4);
  assert.equal(p1.entries.length, 2);
  assert.equal(p2.entries.length, 2);
  assert.equal(new Set([...p1.entries, ...p2.entries].map((e) => e.id)).size, 4);
  assertBoxError(await rejects(() => box.search.searchForContent({})), 400, 'bad_request');
});

test('events: stream_position=now, then the changes made, admin_logs, bad stream_type', async () => {
  const { box } = await newRun();
  const now = await box.events.getEvents({ streamPosition: 'now' });
  assert.equal(now.entries.length, 0);
  assertSchema('GET', '/2.0/events', now);
  const start = String(now.nextStreamPosition);
  const f = await box.folders.createFolder({ name: 'Evented', parent: { id: '0' } });
  const file = await upload(box, f.id, 'e.txt', 'event me');
  await box.files.updateFileById(file.id, { requestBody: { name: 'renamed.txt' } });
  await box.downloads.downloadFile(file.id);
  await box.files.deleteFileById(file.id);
  const ev = await box.events.getEvents({ streamPosition: start });
  assert.deepEqual(ev.entries.map((e) => e.eventType),
    ['ITEM_CREATE', 'ITEM_UPLOAD', 'ITEM_RENAME', 'ITEM_DOWNLOAD', 'ITEM_TRASH']);
  assert.equal(ev.chunkSize, 5);
  assert.equal(ev.entries[1].source.id, file.id);
  // sources are full item objects; validate them against the item schemas
  assertSchema('GET', '/2.0/events', { ...ev.rawData, entries: ev.rawData.entries.map(({ source, ...rest }) => rest) });
  assertSchema('GET', '/2.0/folders/{folder_id}', ev.rawData.entries[0].source);
  assertSchema('GET', '/2.0/files/{file_id}', ev.rawData.entries[1].source);
  assert.equal(ev.rawData.entries[4].source.item_status, 'trashed');
  const changes = await box.events.getEvents({ streamPosition: start, streamType: 'changes' });
  assert.ok(!changes.entries.some((e) => e.eventType === 'ITEM_DOWNLOAD'));
  const tail = await box.events.getEvents({ streamPosition: String(ev.nextStreamPosition) });
  assert.equal(tail.entries.length, 0);
  const paged = await box.events.getEvents({ streamPosition: start, limit: 2 });
  assert.equal(paged.entries.length, 2);
  const rest = await box.events.getEvents({ streamPosition: String(paged.nextStreamPosition) });
  assert.equal(rest.entries[0].eventType, 'ITEM_RENAME');
  const logs = await box.events.getEvents({ streamType: 'admin_logs', eventType: ['UPLOAD'] });
  assert.equal(typeof logs.rawData.next_stream_position, 'string');
  assert.ok(logs.entries.length >= 1 && logs.entries.every((e) => e.eventType === 'UPLOAD'));
  assert.equal(logs.rawData.entries.find((e) => e.source.item_name === 'e.txt').source.item_type, 'file');
  assertBoxError(await rejects(() => box.events.getEvents({ streamType: 'bogus' })), 400, 'bad_request');
});

test('events: paging a long stream with stream_position and limit; filtered streams still move the position', async () => {
  const { box } = await newRun();
  const start = String((await box.events.getEvents({ streamPosition: 'now' })).nextStreamPosition);
  const folder = await box.folders.createFolder({ name: 'Many', parent: { id: '0' } });
  for (let i = 0; i < 230; i++) await box.folders.createFolder({ name: `f${i}`, parent: { id: folder.id } });
  const files = [];
  for (let i = 0; i < 12; i++) {
    files.push(await upload(box, folder.id, `u${i}.txt`, `u${i}`));
    await box.downloads.downloadFile(files.at(-1).id);
  }
  const total = 1 + 230 + 12 * 2;          // folders, then per file: ITEM_UPLOAD, ITEM_DOWNLOAD

  // The default page is 100; a limit over 500 is capped.
  assert.equal((await box.events.getEvents({ streamPosition: start })).entries.length, 100);
  assert.equal((await box.events.getEvents({ streamPosition: '0', limit: 800 })).entries.length, total);

  // Walk the whole stream 37 at a time.
  const walk = async (opts) => {
    const seen = [];
    let pos = start;
    for (;;) {
      const page = await box.events.getEvents({ streamPosition: pos, limit: 37, ...opts });
      assert.equal(page.chunkSize, page.entries.length);
      assert.ok(page.entries.length <= 37);
      if (!page.entries.length) {
        assert.equal(String(page.nextStreamPosition), pos, 'an empty page keeps the position');
        return seen;
      }
      seen.push(...page.entries);
      pos = String(page.nextStreamPosition);
    }
  };
  const all = await walk({});
  assert.equal(all.length, total);
  assert.equal(new Set(all.map((e) => e.eventId)).size, total);
  assert.equal(all[0].source.name, 'Many');
  assert.deepEqual(all.slice(1, 231).map((e) => e.source.name), Array.from({ length: 230 }, (_, i) => `f${i}`));
  assert.deepEqual(all.slice(-2).map((e) => e.eventType), ['ITEM_UPLOAD', 'ITEM_DOWNLOAD']);

  const changes = await walk({ streamType: 'changes' });
  assert.equal(changes.length, total - 12);
  assert.ok(!changes.some((e) => e.eventType === 'ITEM_DOWNLOAD'));
  // A page that ends on skipped events moves past them: nothing new after the last download.
  const lastChange = await box.events.getEvents({ streamPosition: start, streamType: 'changes', limit: 500 });
  assert.equal((await box.events.getEvents({ streamPosition: String(lastChange.nextStreamPosition) })).entries.length, 0);

  const uploads = [];
  let pos = '0';
  for (;;) {
    const page = await box.events.getEvents({ streamType: 'admin_logs', eventType: ['UPLOAD'], streamPosition: pos, limit: 50 });
    assert.equal(typeof page.rawData.next_stream_position, 'string');
    if (!page.entries.length) break;
    uploads.push(...page.entries);
    pos = page.rawData.next_stream_position;
  }
  assert.equal(uploads.length, 231 + 12);    // folders' ITEM_CREATE and files' ITEM_UPLOAD both log as UPLOAD
  assert.ok(uploads.every((e) => e.eventType === 'UPLOAD'));

  // Positions past the end give nothing and stay put; now is the end.
  const end = String((await box.events.getEvents({ streamPosition: 'now' })).nextStreamPosition);
  assert.equal(Number(end), Number(start) + total);
  const past = await box.events.getEvents({ streamPosition: String(Number(end) + 50) });
  assert.equal(past.entries.length, 0);
  assert.equal(Number(past.nextStreamPosition), Number(end) + 50);
  const one = await box.events.getEvents({ streamPosition: String(Number(end) - 1) });
  assert.deepEqual(one.entries.map((e) => e.eventId), [all.at(-1).eventId]);
});

test('webhooks: CRUD, marker listing, unknown target, bad triggers, duplicates', async () => {
  const { box } = await newRun();
  const f = await box.folders.createFolder({ name: 'Watched', parent: { id: '0' } });
  const w = await box.webhooks.createWebhook({ target: { id: f.id, type: 'folder' }, address: 'https://example.com/a', triggers: ['FILE.UPLOADED'] });
  assertSchema('POST', '/2.0/webhooks', w);
  assert.equal(w.target.id, f.id);
  assert.deepEqual(w.triggers, ['FILE.UPLOADED']);
  const w2 = await box.webhooks.createWebhook({ target: { id: f.id, type: 'folder' }, address: 'https://example.com/b', triggers: ['FOLDER.CREATED'] });
  const got = await box.webhooks.getWebhookById(w.id);
  assertSchema('GET', '/2.0/webhooks/{webhook_id}', got);
  assert.equal(got.address, 'https://example.com/a');
  const up = await box.webhooks.updateWebhookById(w.id, { requestBody: { triggers: ['FILE.UPLOADED', 'FILE.TRASHED'] } });
  assertSchema('PUT', '/2.0/webhooks/{webhook_id}', up);
  assert.deepEqual(up.triggers, ['FILE.UPLOADED', 'FILE.TRASHED']);
  const p1 = await box.webhooks.getWebhooks({ limit: 1 });
  assertSchema('GET', '/2.0/webhooks', p1);
  assert.equal(p1.entries[0].id, w.id);
  const p2 = await box.webhooks.getWebhooks({ limit: 1, marker: p1.nextMarker });
  assert.equal(p2.entries[0].id, w2.id);
  assert.ok(!p2.nextMarker);
  assertBoxError(await rejects(() => box.webhooks.createWebhook({ target: { id: '4242', type: 'file' }, address: 'https://example.com/a', triggers: ['FILE.UPLOADED'] })), 404, 'not_found');
  assertBoxError(await rejects(() => box.webhooks.createWebhook({ target: { id: f.id, type: 'folder' }, address: 'https://example.com/c', triggers: ['FILE.EXPLODED'] })), 400, 'bad_request');
  assertBoxError(await rejects(() => box.webhooks.createWebhook({ target: { id: f.id, type: 'folder' }, address: 'https://example.com/b', triggers: ['FILE.UPLOADED'] })), 409, 'conflict');
  await box.webhooks.deleteWebhookById(w.id);
  assertBoxError(await rejects(() => box.webhooks.getWebhookById(w.id)), 404, 'not_found');
  assert.deepEqual((await box.webhooks.getWebhooks()).entries.map((e) => e.id), [w2.id]);
});

test('webhook deliveries are signed like Box: the SDK validateMessage accepts them', async () => {
  const ctx = await newRun();
  const { box } = ctx;
  const rx = await receiver();
  try {
    const top = await box.folders.createFolder({ name: 'Hooked', parent: { id: '0' } });
    const sub = await box.folders.createFolder({ name: 'Sub', parent: { id: top.id } });
    const hook = await box.webhooks.createWebhook({ target: { id: top.id, type: 'folder' }, address: rx.url,
      triggers: ['FILE.UPLOADED', 'FOLDER.RENAMED'] });
    const file = await upload(box, sub.id, 'deep.txt', 'nested upload');
    await box.folders.updateFolderById(sub.id, { requestBody: { name: 'Sub renamed' } });
    await upload(box, '0', 'outside.txt', 'not watched');
    const [d1, d2] = await rx.waitFor(2);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(rx.deliveries.length, 2, 'an upload outside the target must not be delivered');
    const p = JSON.parse(d1.body);
    assert.equal(p.type, 'webhook_event');
    assert.equal(p.trigger, 'FILE.UPLOADED');
    assert.equal(p.webhook.id, hook.id);
    assert.equal(p.source.id, file.id);
    assert.equal(p.source.name, 'deep.txt');
    assert.equal(JSON.parse(d2.body).trigger, 'FOLDER.RENAMED');
    assert.equal(d1.headers['box-signature-version'], '1');
    assert.equal(d1.headers['box-signature-algorithm'], 'HmacSHA256');
    assert.ok(d1.headers['box-delivery-id']);
    assert.ok(d1.headers['box-delivery-timestamp']);
    const primary = ctx.env.BOX_WEBHOOK_PRIMARY_KEY, secondary = ctx.env.BOX_WEBHOOK_SECONDARY_KEY;
    assert.equal(await WebhooksManager.validateMessage(d1.body, d1.headers, primary, { secondaryKey: secondary }), true);
    assert.equal(await WebhooksManager.validateMessage(d2.body, d2.headers, primary), true);
    // either key alone is enough (key rotation); a tampered body or wrong keys are refused
    assert.equal(await WebhooksManager.validateMessage(d1.body, d1.headers, 'wrong', { secondaryKey: secondary }), true);
    assert.equal(await WebhooksManager.validateMessage(d1.body.replace('deep.txt', 'evil.txt'), d1.headers, primary, { secondaryKey: secondary }), false);
    assert.equal(await WebhooksManager.validateMessage(d1.body, d1.headers, 'wrong', { secondaryKey: 'also wrong' }), false);
    const log = await admin(ctx, 'GET', '/admin/webhooks/deliveries');
    assert.equal(log.status, 200);
    assert.ok(JSON.stringify(log.json).includes('FILE.UPLOADED'));
  } finally {
    await rx.close();
  }
});

test('faults: 429 rate_limit_exceeded with Retry-After, then normal service', async () => {
  const ctx = await newRun();
  const r = await admin(ctx, 'POST', '/admin/faults', { route: 'GET /2.0/users/me', status: 429, count: 1, retry_after: 3 });
  assert.ok(r.status < 300, JSON.stringify(r.json));
  const err = await rejects(() => ctx.box.users.getUserMe());
  const body = assertBoxError(err, 429, 'rate_limit_exceeded');
  assert.match(body.message, /rate limit/i);
  assert.equal(err.responseInfo.headers['retry-after'], '3');
  assert.equal((await ctx.box.users.getUserMe()).type, 'user');
  const unknown = await raw(ctx, 'GET', '/2.0/definitely/not/here');
  assert.equal(unknown.status, 404);
  assert.equal(unknown.json.type, 'error');
  // routes not made stateful stay with the stub engine, marked as such
  const stub = await raw(ctx, 'GET', '/2.0/collections');
  assert.equal(stub.headers.get('x-twin-stub'), 'true');
});

test('seeding: counts in seed_results, deterministic ids and state, reset to the seed, schema errors', async () => {
  const url = (await newRun()).controlUrl;
  const sc = await (await fetch(`${url}/scenarios`, { method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'box team drive', twins: ['box'], seed_config: { box: SEED } }) })).json();
  assert.ok(sc.id, JSON.stringify(sc));
  const a = await newRun({ scenario_id: sc.id });
  const b = await newRun({ scenario_id: sc.id });
  assert.deepEqual(a.run.seed_results.box, { status: 'seeded', users: 2, folders: 3, files: 5 });
  const sa = (await admin(a, 'GET', '/admin/state')).json.state, sb = (await admin(b, 'GET', '/admin/state')).json.state;
  assert.deepEqual(sa, sb);
  const root = await a.box.folders.getFolderById('0');
  assert.deepEqual(root.itemCollection.entries.map((e) => e.name), ['Contracts', 'Marketing', 'README.txt']);
  const contracts = byName(root.itemCollection.entries, 'Contracts');
  const inside = await a.box.folders.getFolderItems(contracts.id);
  assert.deepEqual(inside.entries.map((e) => e.name), ['Drafts', 'acme.txt', 'globex.txt']);
  const acme = byName(inside.entries, 'acme.txt');
  assert.equal((await readAll(await a.box.downloads.downloadFile(acme.id))).toString(), 'ACME master services agreement');
  assert.equal((await a.box.folders.getFolderById(contracts.id)).description, 'Signed deals');
  // change things, then reset to the seed
  await a.box.files.deleteFileById(acme.id);
  await a.box.folders.createFolder({ name: 'Scratch', parent: { id: '0' } });
  const reset = await (await fetch(`${url}/twin-runs/${a.run.run_id}/reset`, { method: 'POST' })).json();
  assert.equal(reset.status, 'reset_complete');
  assert.deepEqual((await admin(a, 'GET', '/admin/state')).json.state, sa);
  assert.equal((await a.box.files.getFileById(acme.id)).name, 'acme.txt');
  let bad = await admin(a, 'PUT', '/admin/config', { seed: { folder: [] } });
  assert.equal(bad.status, 400);
  assert.match(JSON.stringify(bad.json), /folder/);
  bad = await admin(a, 'PUT', '/admin/config', { seed: { folders: [{ name: 'X', files: [{ content: 'no name' }] }] } });
  assert.equal(bad.status, 400);
  assert.match(JSON.stringify(bad.json), /name/);
});

test('As-User, user updates and deletes, admin-only calls, fields on folders, If-None-Match', async () => {
  const ctx = await seeded();
  const { box } = ctx;
  const ada = (await box.users.getUsers({ filterTerm: 'ada' })).entries[0];
  const asAda = box.withAsUserHeader(ada.id);
  assert.equal((await asAda.users.getUserMe()).id, ada.id);
  const made = await asAda.folders.createFolder({ name: 'Ada private', parent: { id: '0' } });
  assert.equal(made.ownedBy.id, ada.id);
  assert.equal(made.createdBy.login, 'ada@example.com');
  assert.equal((await rejects(() => box.withAsUserHeader('31337').users.getUserMe())).responseInfo.statusCode, 403);
  // a plain user cannot manage users
  assertBoxError(await rejects(() => asAda.users.createUser({ name: 'Nope', login: 'nope@example.com' })), 403,
    'access_denied_insufficient_permissions');
  const upd = await box.users.updateUserById(ada.id, { requestBody: { name: 'Ada King', jobTitle: 'Countess' } });
  assertSchema('PUT', '/2.0/users/{user_id}', upd);
  assert.equal(upd.name, 'Ada King');
  assert.equal(upd.jobTitle, 'Countess');
  // As-User is for admins, and only over regular users
  const grace = (await box.users.getUsers({ filterTerm: 'grace' })).entries[0];
  assertBoxError(await rejects(() => asAda.withAsUserHeader(grace.id).users.getUserMe()), 403,
    'access_denied_insufficient_permissions');
  assertBoxError(await rejects(() => box.withAsUserHeader(grace.id).users.getUserMe()), 403,
    'access_denied_insufficient_permissions');
  await box.users.deleteUserById(grace.id);
  assertBoxError(await rejects(() => box.users.getUserById(grace.id)), 404, 'not_found');
  // fields on a folder leave out the standard fields and item_collection
  const slim = await asAda.folders.getFolderById(made.id, { queryParams: { fields: ['name', 'owned_by'] } });
  assert.deepEqual(Object.keys(slim.rawData).sort(), ['etag', 'id', 'name', 'owned_by', 'type']);
  const withItems = await box.folders.getFolderById('0', { queryParams: { fields: ['item_collection'], limit: 1 } });
  assert.equal(withItems.itemCollection.entries.length, 1);
  // Ada's folder is in her own root, not the admin's
  assert.equal(withItems.itemCollection.totalCount, 3);
  let r = await raw(ctx, 'GET', `/2.0/folders/${made.id}`, { headers: { 'if-none-match': '0', 'as-user': ada.id } });
  assert.equal(r.status, 304);
  r = await raw(ctx, 'GET', `/2.0/folders/${made.id}`, { headers: { 'if-none-match': '7', 'as-user': ada.id } });
  assert.equal(r.status, 200);
  // the stateful routes are reported as such
  const cov = (await admin(ctx, 'GET', '/admin/openapi')).json;
  const stateful = cov.operations.filter((o) => o.implementation === 'stateful').map((o) => `${o.method} ${o.path}`);
  for (const op of ['GET /2.0/files/{file_id}', 'POST /api/2.0/files/content', 'GET /2.0/events', 'POST /2.0/webhooks', 'GET /2.0/search'])
    assert.ok(stateful.includes(op), `${op} is not stateful`);
});

test('bad input gets Box errors, never a crash', async () => {
  const ctx = await newRun();
  const json = (body) => ({ body, encode: 'raw', headers: { 'content-type': 'application/json' } });
  const cases = [
    ['POST', '/2.0/folders', json('{not json'), 400],
    ['POST', '/2.0/folders', json('[]'), 400],
    ['POST', '/2.0/folders', json('{"name": "x", "parent": "0"}'), 400],
    ['POST', '/2.0/folders', json('{"name": 7, "parent": {"id": "0"}}'), 400],
    ['PUT', '/2.0/folders/0', json('{"name": "root"}'), 403],
    ['PUT', '/2.0/files/abc', json('{"name": "x"}'), 404],
    ['POST', '/api/2.0/files/content', json('{"name": "x"}'), 400],
    ['POST', '/api/2.0/files/content', { body: '--b\r\nnot closed', encode: 'raw', headers: { 'content-type': 'multipart/form-data; boundary=b' } }, 400],
    ['GET', '/2.0/folders/0/items?limit=abc', {}, 400],
    ['GET', '/2.0/folders/0/items?offset=-4', {}, 400],
    ['GET', '/2.0/events?stream_position=soon', {}, 400],
    ['GET', '/2.0/events?limit=0', {}, 400],
    ['GET', '/2.0/search?query=x&type=planet', {}, 400],
    ['GET', '/2.0/users?user_type=robots', {}, 400],
    ['POST', '/2.0/webhooks', json('{"target": {"id": "0", "type": "folder"}, "address": "https://x.example", "triggers": ["FILE.UPLOADED"]}'), 400],
    ['POST', '/2.0/webhooks', json('{"target": [], "address": 5, "triggers": {}}'), 400],
    ['POST', '/2.0/files/123/versions/current', json('{}'), 404],
    ['GET', '/2.0/webhooks?marker=%%%', {}, 400],
  ];
  for (const [method, path, opts, status] of cases) {
    const r = await raw(ctx, method, path, opts);
    assert.equal(r.status, status, `${method} ${path}: ${r.status} ${r.text}`);
    assert.equal(r.json.type, 'error', `${method} ${path}: ${r.text}`);
    assert.equal(r.json.status, status);
  }
  const d = await fetch(ctx.base + '/d/1/nothing/download');
  assert.equal(d.status, 404);
  const tok = await raw(ctx.base, 'POST', '/oauth2/token', { body: 'grant_type', encode: 'raw', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  assert.equal(tok.status, 400);
  assert.equal(tok.json.error, 'invalid_request');
  assert.equal((await ctx.box.users.getUserMe()).type, 'user');
});

test('JWT bearer grant: BoxJwtAuth for the enterprise and for a user; bad subjects are invalid_grant', async () => {
  const ctx = await seeded();
  const { BOX_CLIENT_ID: clientId, BOX_CLIENT_SECRET: clientSecret, BOX_ENTERPRISE_ID: enterpriseId } = ctx.env;
  const passphrase = 'twins-pass';
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase },
    publicKeyEncoding: { type: 'spki', format: 'pem' } });
  const config = (extra) => new JwtConfig({ clientId, clientSecret, jwtKeyId: 'k1', privateKey, privateKeyPassphrase: passphrase, ...extra });
  const svc = client(ctx.base, new BoxJwtAuth({ config: config({ enterpriseId }) }));
  assert.equal((await svc.users.getUserMe()).name, 'Twins Service Account');
  const ada = (await ctx.box.users.getUsers({ filterTerm: 'ada' })).entries[0];
  const asAda = client(ctx.base, new BoxJwtAuth({ config: config({ userId: ada.id }) }));
  assert.equal((await asAda.users.getUserMe()).login, 'ada@example.com');
  const err = await rejects(() => client(ctx.base, new BoxJwtAuth({ config: config({ enterpriseId: '42' }) })).users.getUserMe());
  assert.equal(err.responseInfo.statusCode, 400);
  assert.equal(err.responseInfo.body.error, 'invalid_grant');
  assert.match(err.responseInfo.body.error_description, /sub/);
});

// A reset restarts the event stream.  Box documents no error for a stream
// position it no longer knows, only that 0 reads every event there is; a
// position from before the reset reads like 0, so a client holding one sees
// the events since the reset instead of skipping the ones whose new seqs
// fall at or below its old position.  Positions from after the reset work.
test('events: a stream position from before a run reset reads the stream since the reset', async () => {
  const ctx = await newRun();
  const { box } = ctx;
  await box.folders.createFolder({ name: 'Before1', parent: { id: '0' } });
  await box.folders.createFolder({ name: 'Before2', parent: { id: '0' } });
  const stale = String((await box.events.getEvents({ streamPosition: 'now' })).nextStreamPosition);
  const staleAdmin = (await box.events.getEvents({ streamType: 'admin_logs', streamPosition: 'now' })).rawData.next_stream_position;
  const reset = await fetch(`${ctx.controlUrl}/twin-runs/${ctx.run.run_id}/reset`, { method: 'POST' });
  assert.equal(reset.status, 200);
  const a = await box.folders.createFolder({ name: 'After1', parent: { id: '0' } });
  const b = await box.folders.createFolder({ name: 'After2', parent: { id: '0' } });
  const since = await box.events.getEvents({ streamPosition: stale });
  assert.deepEqual(since.entries.map((e) => [e.eventType, e.source.id]), [['ITEM_CREATE', a.id], ['ITEM_CREATE', b.id]]);
  const logs = await box.events.getEvents({ streamType: 'admin_logs', streamPosition: staleAdmin });
  assert.deepEqual(logs.rawData.entries.map((e) => e.source.item_name), ['After1', 'After2']);
  // the position handed out now is this history's: it lists only what follows it
  assert.notEqual(String(since.nextStreamPosition), stale);
  const c = await box.folders.createFolder({ name: 'After3', parent: { id: '0' } });
  const next = await box.events.getEvents({ streamPosition: String(since.nextStreamPosition) });
  assert.deepEqual(next.entries.map((e) => e.source.id), [c.id]);
  const tail = await box.events.getEvents({ streamPosition: String(next.nextStreamPosition) });
  assert.deepEqual(tail.entries, []);
  assert.equal(tail.nextStreamPosition, next.nextStreamPosition);
});

// A marker is an offset into the listing it came from: after a reset the same
// offset names another page, so a marker from before it is refused like one
// that was never handed out (400 invalid_parameter on marker) instead of
// quietly skipping the new items; markers handed out after the reset page on.
test('folder items: markers from before a run reset are 400; fresh ones page on', async () => {
  const ctx = await newRun();
  const { box } = ctx;
  for (let i = 0; i < 3; i++) await box.folders.createFolder({ name: `old-${i}`, parent: { id: '0' } });
  const page = { usemarker: true, limit: 2, sort: 'name' };
  const first = await box.folders.getFolderItems('0', { queryParams: page });
  const stale = first.nextMarker;
  assert.ok(stale);
  const second = await box.folders.getFolderItems('0', { queryParams: { ...page, marker: stale } });
  assert.deepEqual(second.entries.map((e) => e.name), ['old-2']);
  const reset = await fetch(`${ctx.controlUrl}/twin-runs/${ctx.run.run_id}/reset`, { method: 'POST' });
  assert.equal(reset.status, 200);
  for (let i = 0; i < 3; i++) await box.folders.createFolder({ name: `new-${i}`, parent: { id: '0' } });
  const refused = async (marker) => {
    const err = await rejects(() => box.folders.getFolderItems('0', { queryParams: { ...page, marker } }));
    assertBoxError(err, 400, 'bad_request');
    const body = JSON.parse(err.responseInfo.rawBody);
    assert.deepEqual(body.context_info.errors.map((e) => [e.reason, e.name]), [['invalid_parameter', 'marker']]);
  };
  await refused(stale);
  const fresh = await box.folders.getFolderItems('0', { queryParams: page });
  assert.deepEqual(fresh.entries.map((e) => e.name), ['new-0', 'new-1']);
  const rest = await box.folders.getFolderItems('0', { queryParams: { ...page, marker: fresh.nextMarker } });
  assert.deepEqual(rest.entries.map((e) => e.name), ['new-2']);
  // the per-twin admin reset starts the listing over too
  assert.equal((await admin(ctx, 'POST', '/admin/reset')).status, 200);
  await refused(fresh.nextMarker);
});
