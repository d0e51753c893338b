// Google Drive twin against the official @googleapis/drive SDK.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { drive, newRun, client, admin, raw, assertSchema, rejects, gerr, stopServer } from './helpers.mjs';

after(stopServer);

const FOLDER = 'application/vnd.google-apps.folder';
const DOC = 'application/vnd.google-apps.document';
const md5 = (s) => createHash('md5').update(s).digest('hex');

async function upload(ctx, name, content, extra = {}, mimeType = 'text/plain') {
  const r = await ctx.d.files.create({ requestBody: { name, ...extra }, media: { mimeType, body: content }, fields: '*' },
    { rootUrl: ctx.base + '/' });
  return r.data;
}

async function folder(ctx, name, parents) {
  const r = await ctx.d.files.create({ requestBody: { name, mimeType: FOLDER, ...(parents ? { parents } : {}) }, fields: '*' });
  return r.data;
}

test('auth: a request without a token gets Google\'s 401', async () => {
  const ctx = await newRun();
  const r = await raw(ctx, 'GET', '/drive/v3/files', { auth: false });
  assert.equal(r.status, 401);
  assert.equal(r.json.error.code, 401);
  assert.equal(r.json.error.status, 'UNAUTHENTICATED');
  assert.match(r.json.error.message, /^Request is missing required authentication credential/);
  assert.deepEqual(r.json.error.errors[0], { message: 'Login Required.', domain: 'global', reason: 'required',
    location: 'Authorization', locationType: 'header' });
  for (const authorization of ['Basic abc', 'ya29.bare-token', 'Bearer ']) {
    const wrong = await raw(ctx, 'GET', '/drive/v3/files', { auth: false, headers: { authorization } });
    assert.equal(wrong.status, 401, authorization);
    assert.deepEqual(wrong.json.error, r.json.error, authorization);
  }
  const anon = drive({ version: 'v3', rootUrl: ctx.base + '/', retry: false });
  const err = await rejects(() => anon.files.list({}));
  assert.equal(gerr(err).status, 401);
  assert.equal(gerr(err).body.error.errors[0].reason, 'required');
});

test('files: multipart upload, metadata and download through the SDK', async () => {
  const ctx = await newRun();
  const f = await upload(ctx, 'notes.txt', 'hello drive');
  assertSchema('POST', '/drive/v3/files', f);
  assert.equal(f.kind, 'drive#file');
  assert.equal(f.mimeType, 'text/plain');
  assert.equal(f.size, '11');
  assert.equal(f.md5Checksum, md5('hello drive'));
  assert.equal(f.ownedByMe, true);
  assert.equal(f.owners[0].me, true);
  assert.equal(f.capabilities.canEdit, true);
  assert.equal(f.version, '1');
  const got = await ctx.d.files.get({ fileId: f.id, fields: '*' });
  assertSchema('GET', '/drive/v3/files/{fileId}', got.data);
  assert.equal(got.data.name, 'notes.txt');
  const dl = await ctx.d.files.get({ fileId: f.id, alt: 'media' }, { responseType: 'text' });
  assert.equal(dl.data, 'hello drive');
  assert.match(dl.headers.get ? dl.headers.get('content-type') : dl.headers['content-type'], /^text\/plain/);
});

test('files: simple media upload and metadata-only create', async () => {
  const ctx = await newRun();
  const r = await ctx.d.files.create({ media: { mimeType: 'application/json', body: '{"a":1}' } }, { rootUrl: ctx.base + '/' });
  assert.deepEqual(Object.keys(r.data).sort(), ['id', 'kind', 'mimeType', 'name']);
  assert.equal(r.data.name, 'Untitled');
  assert.equal(r.data.mimeType, 'application/json');
  const m = await ctx.d.files.create({ requestBody: { name: 'empty', description: 'd' } });
  assert.equal(m.data.mimeType, 'application/octet-stream');
  const about = await ctx.d.about.get({ fields: 'storageQuota' });
  assert.equal(about.data.storageQuota.usage, '7');
});

test('files.get: fields masks select top-level and nested fields', async () => {
  const ctx = await newRun();
  const f = await upload(ctx, 'a.txt', 'abc');
  const d1 = await ctx.d.files.get({ fileId: f.id });
  assert.deepEqual(Object.keys(d1.data).sort(), ['id', 'kind', 'mimeType', 'name']);
  const d2 = await ctx.d.files.get({ fileId: f.id, fields: 'id,size,owners(emailAddress),capabilities/canEdit' });
  assert.deepEqual(d2.data, { id: f.id, size: '3', owners: [{ emailAddress: 'twin.user@example.com' }],
    capabilities: { canEdit: true } });
  const root = await ctx.d.files.get({ fileId: 'root', fields: 'id,name,mimeType' });
  assert.equal(root.data.name, 'My Drive');
  assert.equal(root.data.mimeType, FOLDER);
  assert.deepEqual(f.parents, [root.data.id]);
});

test('fields: unknown selections are 400 invalidParameter; schema fields absent from an object stay valid', async () => {
  const ctx = await newRun();
  const f = await upload(ctx, 'mask.txt', 'm');
  const bad = async (call, name) => {
    const { status, body } = gerr(await rejects(call));
    assert.equal(status, 400, name);
    assert.deepEqual(body, { error: { code: 400, message: `Invalid field selection ${name}`, errors: [{
      message: `Invalid field selection ${name}`, domain: 'global', reason: 'invalidParameter',
      location: 'fields', locationType: 'parameter' }] } }, name);
  };
  await bad(() => ctx.d.files.list({ fields: 'nextPageToken, items(id, title)' }), 'items');
  await bad(() => ctx.d.files.list({ fields: 'files(id,capabilities,canAddChildren)' }), 'canAddChildren');
  await bad(() => ctx.d.files.list({ fields: 'files(id,bogus)' }), 'bogus');
  await bad(() => ctx.d.files.get({ fileId: f.id, fields: 'id,starred,nope' }), 'nope');
  await bad(() => ctx.d.files.get({ fileId: f.id, fields: 'capabilities/canFly' }), 'canFly');
  await bad(() => ctx.d.files.get({ fileId: f.id, fields: 'name/first' }), 'first');
  await bad(() => ctx.d.permissions.list({ fileId: f.id, fields: 'permissions(id,owner)' }), 'owner');
  await bad(() => ctx.d.changes.list({ pageToken: '1', fields: 'changes(file(permissions(rank)))' }), 'rank');
  // Checked before the method runs: nothing is created.
  await bad(() => ctx.d.files.create({ requestBody: { name: 'ghost' }, fields: 'id,ghostly' }), 'ghostly');
  const names = await ctx.d.files.list({ fields: 'files(name)' });
  assert.deepEqual(names.data.files, [{ name: 'mask.txt' }]);
  // Valid selections, including members this file does not have.
  assert.deepEqual((await ctx.d.files.get({ fileId: f.id, fields: 'description,appProperties,capabilities/canEdit' })).data,
    { capabilities: { canEdit: true } });
  assert.deepEqual((await ctx.d.files.get({ fileId: f.id, fields: 'owners(emailAddress),exportLinks' })).data,
    { owners: [{ emailAddress: 'twin.user@example.com' }] });
  assert.equal((await ctx.d.files.get({ fileId: f.id, fields: '*' })).data.id, f.id);
  assert.equal((await ctx.d.files.list({ fields: 'files/starred,nextPageToken,incompleteSearch,kind' })).status, 200);
  assert.equal((await ctx.d.files.list({ fields: 'files(*)' })).status, 200);
  assert.equal((await ctx.d.changes.list({ pageToken: '1', fields: 'changes(file(permissions(role))),newStartPageToken' })).status, 200);
  assert.equal((await ctx.d.about.get({ fields: 'user(displayName),storageQuota/limit' })).status, 200);
});

test('files.get: unknown ids give Google\'s 404 notFound', async () => {
  const ctx = await newRun();
  const err = await rejects(() => ctx.d.files.get({ fileId: 'nope' }));
  const { status, body } = gerr(err);
  assert.equal(status, 404);
  assert.equal(body.error.message, 'File not found: nope.');
  assert.deepEqual(body.error.errors[0], { message: 'File not found: nope.', domain: 'global', reason: 'notFound',
    location: 'fileId', locationType: 'parameter' });
});

test('files.list: q with name, contains, mimeType, parents, trashed and boolean operators; orderBy', async () => {
  const ctx = await newRun();
  const docs = await folder(ctx, 'Docs');
  const other = await folder(ctx, 'Other');
  await upload(ctx, 'Report 2026.txt', 'r', { parents: [docs.id] });
  await upload(ctx, 'budget.csv', 'b', { parents: [docs.id] }, 'text/csv');
  await upload(ctx, 'Reporting notes.txt', 'n', { parents: [other.id] });
  const names = async (q, orderBy) => (await ctx.d.files.list({ q, orderBy, fields: 'files(name)' })).data.files.map((f) => f.name);
  assert.deepEqual(await names("name = 'budget.csv'"), ['budget.csv']);
  assert.deepEqual(await names("name contains 'report'", 'name'), ['Report 2026.txt', 'Reporting notes.txt']);
  assert.deepEqual(await names("name contains '2026'"), ['Report 2026.txt']);
  assert.deepEqual(await names("name contains 'eport'"), []);   // prefix matching, like Drive
  assert.deepEqual(await names(`mimeType = '${FOLDER}'`, 'name desc'), ['Other', 'Docs']);
  assert.deepEqual(await names(`'${docs.id}' in parents and trashed = false`, 'name'), ['budget.csv', 'Report 2026.txt']);
  assert.deepEqual(await names(`'${docs.id}' in parents and not mimeType = 'text/csv'`), ['Report 2026.txt']);
  assert.deepEqual(await names(`(mimeType = 'text/csv' or name = 'Other') and trashed = false`, 'name'), ['budget.csv', 'Other']);
  assert.deepEqual(await names("'root' in parents and mimeType != 'application/vnd.google-apps.folder'"), []);
  const full = await ctx.d.files.list({ q: "fullText contains 'b'", fields: '*' });
  assertSchema('GET', '/drive/v3/files', full.data);
  assert.equal(full.data.kind, 'drive#fileList');
});

test('files.list: malformed q and bad pageSize are 400 invalid', async () => {
  const ctx = await newRun();
  for (const q of ["name = ", "name ~ 'x'", "bogus = 'x'", "trashed = 'yes'", "(name = 'a'"]) {
    const err = await rejects(() => ctx.d.files.list({ q }));
    const { status, body } = gerr(err);
    assert.equal(status, 400, q);
    assert.equal(body.error.errors[0].reason, 'invalid');
    assert.equal(body.error.errors[0].location, 'q');
  }
  const err = await rejects(() => ctx.d.files.list({ pageSize: 0 }));
  assert.equal(gerr(err).body.error.errors[0].location, 'pageSize');
  // Only plain digits within the discovery document's [1, 1000] are a page size:
  // no sign, no spaces, nothing past the maximum (however many digits).
  for (const v of ['+5', ' 5', '5 ', '-1', '1001', '99999999999999999999', '0x10']) {
    const r = await raw(ctx, 'GET', `/drive/v3/files?pageSize=${encodeURIComponent(v)}`);
    assert.equal(r.status, 400, v);
    assert.deepEqual(r.json.error.errors[0], { message: `Invalid value '${v}'. Values must be within the range: [1, 1000]`,
      domain: 'global', reason: 'invalid', location: 'pageSize', locationType: 'parameter' }, v);
  }
  const comments = await raw(ctx, 'GET', '/drive/v3/files/root/comments?fields=*&pageSize=101');
  assert.equal(comments.status, 400);
  assert.equal(comments.json.error.message, "Invalid value '101'. Values must be within the range: [1, 100]");
  assert.equal((await raw(ctx, 'GET', '/drive/v3/files?pageSize=1000')).status, 200);
});

// Each nesting level of q is a recursion in the parser and the evaluator; a
// URL has room for ~20,000 of them, so the depth is capped (400 past it).
test('files.list: q nests parentheses and not up to a depth, then is 400 invalid', async () => {
  const ctx = await newRun();
  await ctx.d.files.create({ requestBody: { name: 'deep' } });
  const nest = (n, inner) => '('.repeat(n) + inner + ')'.repeat(n);
  const ok = await ctx.d.files.list({ q: nest(30, "not not name = 'deep'"), fields: 'files(name)' });
  assert.deepEqual(ok.data.files, [{ name: 'deep' }]);
  for (const q of [nest(200, "name = 'deep'"), 'not '.repeat(200) + "name = 'deep'", '('.repeat(20000)]) {
    const { status, body } = gerr(await rejects(() => ctx.d.files.list({ q })));
    assert.equal(status, 400);
    assert.equal(body.error.errors[0].reason, 'invalid');
    assert.equal(body.error.errors[0].location, 'q');
  }
});

test('files.list: pageSize and nextPageToken walk every file once', async () => {
  const ctx = await newRun();
  for (let i = 0; i < 7; i++) await ctx.d.files.create({ requestBody: { name: `f${i}` } });
  const seen = [];
  let pageToken;
  let pages = 0;
  do {
    const r = await ctx.d.files.list({ pageSize: 3, pageToken, orderBy: 'name', fields: 'nextPageToken,files(id,name)' });
    seen.push(...r.data.files.map((f) => f.name));
    pageToken = r.data.nextPageToken;
    pages++;
  } while (pageToken);
  assert.equal(pages, 3);
  assert.deepEqual(seen, ['f0', 'f1', 'f2', 'f3', 'f4', 'f5', 'f6']);
  const err = await rejects(() => ctx.d.files.list({ pageToken: 'garbage!' }));
  assert.equal(gerr(err).status, 400);
});

// Page tokens are only base64: one made by hand with an offset at the top of
// int64 must give an empty last page, not overflow into a bogus token.
test('paging: a hand-made page token past the end gives an empty last page (files, comments)', async () => {
  const ctx = await newRun();
  const f = await upload(ctx, 'notes.txt', 'text');
  for (let i = 0; i < 3; i++) await ctx.d.comments.create({ fileId: f.id, fields: 'id', requestBody: { content: `c${i}` } });
  const far = 'C' + Buffer.from('o:9223372036854775807:twins').toString('base64url');
  const files = await ctx.d.files.list({ pageSize: 1000, pageToken: far, fields: '*' });
  assert.deepEqual(files.data.files, []);
  assert.equal(files.data.nextPageToken, undefined);
  const comments = await ctx.d.comments.list({ fileId: f.id, pageSize: 100, pageToken: far, fields: '*' });
  assert.deepEqual(comments.data.comments, []);
  assert.equal(comments.data.nextPageToken, undefined);
  const seen = [];
  let pageToken;
  do {
    const r = await ctx.d.comments.list({ fileId: f.id, pageSize: 2, pageToken, fields: '*' });
    assertSchema('GET', '/drive/v3/files/{fileId}/comments', r.data);
    seen.push(...r.data.comments.map((c) => c.content));
    pageToken = r.data.nextPageToken;
  } while (pageToken);
  assert.deepEqual(seen, ['c0', 'c1', 'c2']);
});

test('files.update: rename, star, move with addParents/removeParents; parents in the body is refused', async () => {
  const ctx = await newRun();
  const a = await folder(ctx, 'A');
  const b = await folder(ctx, 'B');
  const f = await upload(ctx, 'x.txt', 'x', { parents: [a.id] });
  const u = await ctx.d.files.update({ fileId: f.id, addParents: b.id, removeParents: a.id,
    requestBody: { name: 'y.txt', starred: true }, fields: '*' });
  assertSchema('PATCH', '/drive/v3/files/{fileId}', u.data);
  assert.equal(u.data.name, 'y.txt');
  assert.equal(u.data.starred, true);
  assert.deepEqual(u.data.parents, [b.id]);
  assert.equal(u.data.version, '2');
  const inA = await ctx.d.files.list({ q: `'${a.id}' in parents` });
  assert.equal(inA.data.files.length, 0);
  const starred = await ctx.d.files.list({ q: 'starred = true' });
  assert.deepEqual(starred.data.files.map((x) => x.id), [f.id]);
  const err = await rejects(() => ctx.d.files.update({ fileId: f.id, requestBody: { parents: [a.id] } }));
  const { status, body } = gerr(err);
  assert.equal(status, 403);
  assert.equal(body.error.errors[0].reason, 'fieldNotWritable');
});

test('media update adds a revision; old revisions stay downloadable', async () => {
  const ctx = await newRun();
  const f = await upload(ctx, 'v.txt', 'version one');
  const u = await ctx.d.files.update({ fileId: f.id, media: { mimeType: 'text/plain', body: 'version two!' }, fields: '*' },
    { rootUrl: ctx.base + '/' });
  assert.equal(u.data.size, '12');
  assert.equal(u.data.md5Checksum, md5('version two!'));
  assert.notEqual(u.data.headRevisionId, f.headRevisionId);
  const revs = await ctx.d.revisions.list({ fileId: f.id, fields: '*' });
  assertSchema('GET', '/drive/v3/files/{fileId}/revisions', revs.data);
  assert.equal(revs.data.revisions.length, 2);
  assert.equal(revs.data.revisions[0].id, f.headRevisionId);
  const old = await ctx.d.revisions.get({ fileId: f.id, revisionId: f.headRevisionId, alt: 'media' }, { responseType: 'text' });
  assert.equal(old.data, 'version one');
  const now = await ctx.d.files.get({ fileId: f.id, alt: 'media' }, { responseType: 'text' });
  assert.equal(now.data, 'version two!');
  const kept = await ctx.d.revisions.update({ fileId: f.id, revisionId: f.headRevisionId, requestBody: { keepForever: true }, fields: '*' });
  assert.equal(kept.data.keepForever, true);
  await ctx.d.revisions.delete({ fileId: f.id, revisionId: f.headRevisionId });
  const err = await rejects(() => ctx.d.revisions.get({ fileId: f.id, revisionId: f.headRevisionId }));
  assert.equal(gerr(err).status, 404);
});

test('revisions.list: pageSize 1-1000 and pageToken page like the other lists; fields is checked', async () => {
  const ctx = await newRun();
  const f = await upload(ctx, 'r.txt', 'v0');
  for (let i = 1; i < 5; i++) {
    await ctx.d.files.update({ fileId: f.id, media: { mimeType: 'text/plain', body: `v${i}` } }, { rootUrl: ctx.base + '/' });
  }
  const whole = await ctx.d.revisions.list({ fileId: f.id, fields: '*' });
  assert.equal(whole.data.revisions.length, 5);
  assert.equal(whole.data.nextPageToken, undefined);
  const seen = [];
  let pageToken;
  let pages = 0;
  do {
    const r = await ctx.d.revisions.list({ fileId: f.id, pageSize: 2, pageToken, fields: 'nextPageToken,revisions(id)' });
    assertSchema('GET', '/drive/v3/files/{fileId}/revisions', r.data);
    assert.ok(r.data.revisions.length <= 2);
    seen.push(...r.data.revisions.map((x) => x.id));
    pageToken = r.data.nextPageToken;
    pages++;
  } while (pageToken);
  assert.equal(pages, 3);
  assert.deepEqual(seen, whole.data.revisions.map((x) => x.id));
  assert.equal((await ctx.d.revisions.list({ fileId: f.id, pageSize: 1000 })).data.revisions.length, 5);
  for (const pageSize of ['0', '1001', '-1', '2.5', 'ten']) {
    const bad = gerr(await rejects(() => ctx.d.revisions.list({ fileId: f.id, pageSize })));
    assert.equal(bad.status, 400, pageSize);
    assert.equal(bad.body.error.errors[0].reason, 'invalid');
    assert.equal(bad.body.error.errors[0].location, 'pageSize');
    assert.equal(bad.body.error.message, `Invalid value '${pageSize}'. Values must be within the range: [1, 1000]`);
  }
  const badTok = gerr(await rejects(() => ctx.d.revisions.list({ fileId: f.id, pageToken: 'garbage!' })));
  assert.equal(badTok.status, 400);
  assert.equal(badTok.body.error.errors[0].location, 'pageToken');
  const badField = gerr(await rejects(() => ctx.d.revisions.list({ fileId: f.id, fields: 'revisions(id,nope)' })));
  assert.equal(badField.status, 400);
  assert.equal(badField.body.error.errors[0].reason, 'invalidParameter');
  assert.equal(badField.body.error.errors[0].location, 'fields');
  assert.equal(badField.body.error.message, 'Invalid field selection nope');
});

test('files.copy: "Copy of" name, same content, new id', async () => {
  const ctx = await newRun();
  const f = await upload(ctx, 'orig.txt', 'same bytes');
  const c = await ctx.d.files.copy({ fileId: f.id, fields: '*' });
  assertSchema('POST', '/drive/v3/files/{fileId}/copy', c.data);
  assert.notEqual(c.data.id, f.id);
  assert.equal(c.data.name, 'Copy of orig.txt');
  assert.equal(c.data.md5Checksum, f.md5Checksum);
  const named = await ctx.d.files.copy({ fileId: f.id, requestBody: { name: 'dup.txt' } });
  assert.equal(named.data.name, 'dup.txt');
  const dl = await ctx.d.files.get({ fileId: named.data.id, alt: 'media' }, { responseType: 'text' });
  assert.equal(dl.data, 'same bytes');
});

test('trash, untrash, emptyTrash and delete (folders take their children)', async () => {
  const ctx = await newRun();
  const dir = await folder(ctx, 'Tree');
  const child = await upload(ctx, 'leaf.txt', 'leaf', { parents: [dir.id] });
  const loose = await upload(ctx, 'loose.txt', 'l');
  await ctx.d.files.update({ fileId: dir.id, requestBody: { trashed: true } });
  const c1 = await ctx.d.files.get({ fileId: child.id, fields: 'trashed,explicitlyTrashed' });
  assert.deepEqual(c1.data, { trashed: true, explicitlyTrashed: false });
  const trashed = await ctx.d.files.list({ q: 'trashed = true', orderBy: 'name', fields: 'files(name)' });
  assert.deepEqual(trashed.data.files.map((f) => f.name), ['leaf.txt', 'Tree']);
  await ctx.d.files.update({ fileId: dir.id, requestBody: { trashed: false } });
  assert.equal((await ctx.d.files.get({ fileId: child.id, fields: 'trashed' })).data.trashed, false);
  await ctx.d.files.update({ fileId: dir.id, requestBody: { trashed: true } });
  const e = await ctx.d.files.emptyTrash({});
  assert.equal(e.status, 204);
  for (const id of [dir.id, child.id]) assert.equal(gerr(await rejects(() => ctx.d.files.get({ fileId: id }))).status, 404);
  const del = await ctx.d.files.delete({ fileId: loose.id });
  assert.equal(del.status, 204);
  assert.equal(gerr(await rejects(() => ctx.d.files.delete({ fileId: loose.id }))).status, 404);
});

test('nested folders: trash, restore and delete reach every level; files elsewhere stay', async () => {
  const ctx = await newRun();
  const top = await folder(ctx, 'Top');
  const mid = await folder(ctx, 'Mid', [top.id]);
  const leaf = await upload(ctx, 'leaf.txt', 'leaf', { parents: [mid.id] });
  const deep = await folder(ctx, 'Deep', [mid.id]);
  const deeper = await upload(ctx, 'deeper.txt', 'd', { parents: [deep.id] });
  const other = await folder(ctx, 'Other');
  const elsewhere = await upload(ctx, 'elsewhere.txt', 'e', { parents: [other.id] });
  const state = async (id) => (await ctx.d.files.get({ fileId: id, fields: 'trashed,explicitlyTrashed' })).data;
  await ctx.d.files.update({ fileId: top.id, requestBody: { trashed: true } });
  for (const f of [mid, leaf, deep, deeper]) assert.deepEqual(await state(f.id), { trashed: true, explicitlyTrashed: false }, f.name);
  assert.equal((await state(elsewhere.id)).trashed, false);
  await ctx.d.files.update({ fileId: top.id, requestBody: { trashed: false } });
  for (const f of [mid, leaf, deep, deeper]) assert.equal((await state(f.id)).trashed, false, f.name);
  // permissions show up in lists whose mask asks for them
  const listed = await ctx.d.files.list({ q: `'${mid.id}' in parents`, orderBy: 'name', fields: 'files(name,shared,permissionIds)' });
  assert.deepEqual(listed.data.files.map((f) => [f.name, f.shared, f.permissionIds.length]), [['Deep', false, 1], ['leaf.txt', false, 1]]);
  assert.equal((await ctx.d.files.delete({ fileId: top.id })).status, 204);
  for (const f of [top, mid, leaf, deep, deeper]) assert.equal(gerr(await rejects(() => ctx.d.files.get({ fileId: f.id }))).status, 404, f.name);
  assert.deepEqual((await ctx.d.files.get({ fileId: elsewhere.id, fields: 'parents' })).data, { parents: [other.id] });
});

test('Google Docs: import, export text/plain and html, no binary download', async () => {
  const ctx = await newRun();
  const doc = await upload(ctx, 'Plan', 'Line one\nLine <two>', { mimeType: DOC });
  assert.equal(doc.mimeType, DOC);
  assert.equal(doc.size, undefined);
  const txt = await ctx.d.files.export({ fileId: doc.id, mimeType: 'text/plain' }, { responseType: 'text' });
  assert.equal(txt.data, 'Line one\nLine <two>');
  const html = await ctx.d.files.export({ fileId: doc.id, mimeType: 'text/html' }, { responseType: 'text' });
  assert.match(html.data, /<p>Line &lt;two&gt;<\/p>/);
  let { status, body } = gerr(await rejects(() => ctx.d.files.get({ fileId: doc.id, alt: 'media' })));
  assert.equal(status, 403);
  assert.equal(body.error.errors[0].reason, 'fileNotDownloadable');
  ({ status, body } = gerr(await rejects(() => ctx.d.files.export({ fileId: doc.id, mimeType: 'image/gif' }))));
  assert.equal(status, 400);
  const blob = await upload(ctx, 'b.txt', 'b');
  ({ status, body } = gerr(await rejects(() => ctx.d.files.export({ fileId: blob.id, mimeType: 'text/plain' }))));
  assert.equal(status, 403);
  assert.equal(body.error.errors[0].reason, 'fileNotExportable');
});

test('resumable upload: session URL in Location, chunks answered 308, last chunk creates the file', async () => {
  const ctx = await newRun();
  const init = await raw(ctx, 'POST', '/upload/drive/v3/files?uploadType=resumable', {
    body: { name: 'big.bin' }, headers: { 'x-upload-content-type': 'application/octet-stream', 'x-upload-content-length': '10' } });
  assert.equal(init.status, 200);
  const loc = init.headers.get('location');
  assert.ok(loc.startsWith(ctx.base + '/upload/drive/v3/files?uploadType=resumable&upload_id='), loc);
  const put = (body, range) => fetch(loc, { method: 'PUT', body,
    headers: { authorization: `Bearer ${ctx.token}`, 'content-range': range } });
  const p1 = await put('01234', 'bytes 0-4/10');
  assert.equal(p1.status, 308);
  assert.equal(p1.headers.get('range'), 'bytes=0-4');
  const p2 = await put('56789', 'bytes 5-9/10');
  assert.equal(p2.status, 200);
  const f = await p2.json();
  assert.equal(f.name, 'big.bin');
  const dl = await ctx.d.files.get({ fileId: f.id, alt: 'media' }, { responseType: 'text' });
  assert.equal(dl.data, '0123456789');
  const gone = await fetch(loc, { method: 'PUT', body: 'x', headers: { authorization: `Bearer ${ctx.token}` } });
  assert.equal(gone.status, 404);
});

test('about.get: user and storage quota by tier; fields is required', async () => {
  const ctx = await newRun();
  const a = await ctx.d.about.get({ fields: '*' });
  assertSchema('GET', '/drive/v3/about', a.data);
  assert.equal(a.data.kind, 'drive#about');
  assert.equal(a.data.user.emailAddress, 'twin.user@example.com');
  assert.equal(a.data.storageQuota.limit, '15000000000');
  const { status, body } = gerr(await rejects(() => ctx.d.about.get({})));
  assert.equal(status, 400);
  assert.equal(body.error.errors[0].reason, 'required');
  const t = await admin(ctx, 'POST', '/admin/storage-tier', { storage_tier: 'premium' });
  assert.deepEqual(t.json, { storage_tier: 'premium', storage_quota_limit: 2000000000000, storage_used_bytes: 0 });
  assert.equal((await ctx.d.about.get({ fields: 'storageQuota' })).data.storageQuota.limit, '2000000000000');
  assert.equal((await admin(ctx, 'POST', '/admin/storage-tier', { storage_tier: 'gold' })).status, 400);
  assert.equal((await admin(ctx, 'GET', '/admin/storage-tier')).json.storage_tier, 'premium');
});

test('storage quota: uploads past the limit get 403 storageQuotaExceeded', async () => {
  const ctx = await newRun();
  assert.equal((await admin(ctx, 'PATCH', '/admin/config', { storage_quota_limit: 20 })).status, 200);
  await upload(ctx, 'fits.txt', '0123456789');
  const err = await rejects(() => upload(ctx, 'too-big.txt', '0123456789abc'));
  const { status, body } = gerr(err);
  assert.equal(status, 403);
  assert.deepEqual(body, { error: { code: 403, message: "The user's Drive storage quota has been exceeded.",
    errors: [{ domain: 'global', reason: 'storageQuotaExceeded', message: "The user's Drive storage quota has been exceeded." }] } });
  const list = await ctx.d.files.list({ fields: 'files(name)' });
  assert.deepEqual(list.data.files.map((f) => f.name), ['fits.txt']);
  const about = await ctx.d.about.get({ fields: 'storageQuota' });
  assert.deepEqual(about.data.storageQuota, { limit: '20', usage: '10', usageInDrive: '10', usageInDriveTrash: '0' });
  // metadata-only files and Google Docs take no quota
  await ctx.d.files.create({ requestBody: { name: 'folder', mimeType: FOLDER } });
});

// Usage is a running sum kept as files change (no scan per upload): it has to
// follow every way a file's size or trash state changes.
test('storage quota: usage follows uploads, media updates, copies, trash, delete and emptyTrash', async () => {
  const ctx = await newRun();
  const quota = async () => (await ctx.d.about.get({ fields: 'storageQuota' })).data.storageQuota;
  const a = await upload(ctx, 'a.txt', '12345');
  const b = await upload(ctx, 'b.txt', '1234567890');
  assert.deepEqual(await quota(), { limit: '15000000000', usage: '15', usageInDrive: '15', usageInDriveTrash: '0' });
  await ctx.d.files.update({ fileId: a.id, media: { mimeType: 'text/plain', body: '1234567' } }, { rootUrl: ctx.base + '/' });
  await ctx.d.files.copy({ fileId: b.id, requestBody: {} });
  assert.equal((await quota()).usage, '27');
  await ctx.d.files.update({ fileId: b.id, requestBody: { trashed: true } });
  assert.deepEqual(await quota(), { limit: '15000000000', usage: '27', usageInDrive: '27', usageInDriveTrash: '10' });
  await ctx.d.files.emptyTrash({});
  assert.deepEqual(await quota(), { limit: '15000000000', usage: '17', usageInDrive: '17', usageInDriveTrash: '0' });
  await ctx.d.files.delete({ fileId: a.id });
  assert.equal((await quota()).usage, '10');
  await admin(ctx, 'PATCH', '/admin/config', { storage_quota_limit: 15 });
  assert.equal(gerr(await rejects(() => upload(ctx, 'six.txt', '123456'))).status, 403);
  await upload(ctx, 'five.txt', '12345');
  assert.equal((await quota()).usage, '15');
});

// The change log is read from the token on; a token in the middle of a long
// log still sees exactly the later changes, latest per file.
test('changes: a token mid-log lists only later changes; a token past the end lists none', async () => {
  const ctx = await newRun();
  const files = [];
  for (let i = 0; i < 6; i++) files.push(await upload(ctx, `f${i}.txt`, `${i}`));
  const mid = (await ctx.d.changes.getStartPageToken({})).data.startPageToken;
  await ctx.d.files.update({ fileId: files[1].id, requestBody: { name: 'g1.txt' } });
  await ctx.d.files.update({ fileId: files[4].id, requestBody: { name: 'g4.txt' } });
  await ctx.d.files.update({ fileId: files[1].id, requestBody: { name: 'h1.txt' } });
  const r = await ctx.d.changes.list({ pageToken: mid, fields: 'newStartPageToken,changes(fileId,file/name)' });
  assert.deepEqual(r.data.changes.map((c) => c.file.name), ['g4.txt', 'h1.txt']);
  const past = await ctx.d.changes.list({ pageToken: String(Number(r.data.newStartPageToken) + 50) });
  assert.deepEqual(past.data.changes, []);
});

// Change tokens are change numbers in plain digits: anything else (a sign,
// spaces, a number past int64, zero) is 400 Invalid Value, not a position.
test('changes: a page token that is not a change number is 400 Invalid Value', async () => {
  const ctx = await newRun();
  await upload(ctx, 'a.txt', 'a');
  for (const pageToken of ['+1', ' 1', '1 ', '0', '-1', '1e3', '0x10', '99999999999999999999999', 'abc']) {
    const bad = gerr(await rejects(() => ctx.d.changes.list({ pageToken })));
    assert.equal(bad.status, 400, JSON.stringify(pageToken));
    assert.deepEqual(bad.body.error.errors[0], { domain: 'global', reason: 'invalid', message: 'Invalid Value',
      location: 'pageToken', locationType: 'parameter' });
  }
  const ok = await ctx.d.changes.list({ pageToken: '0001', fields: 'changes(fileId),newStartPageToken' });
  assert.equal(ok.data.changes.length, 1);
});

test('scopes: drive.readonly reads but cannot write; Google\'s insufficientPermissions 403', async () => {
  const ctx = await newRun();
  await upload(ctx, 'r.txt', 'readable');
  await admin(ctx, 'PATCH', '/admin/config', { token_scopes: ['https://www.googleapis.com/auth/drive.readonly'] });
  const l = await ctx.d.files.list({ fields: 'files(id)' });
  assert.equal(l.data.files.length, 1);
  const dl = await ctx.d.files.get({ fileId: l.data.files[0].id, alt: 'media' }, { responseType: 'text' });
  assert.equal(dl.data, 'readable');
  const { status, body } = gerr(await rejects(() => ctx.d.files.create({ requestBody: { name: 'no' } })));
  assert.equal(status, 403);
  assert.equal(body.error.message, 'Request had insufficient authentication scopes.');
  assert.equal(body.error.status, 'PERMISSION_DENIED');
  assert.deepEqual(body.error.errors, [{ message: 'Insufficient Permission', domain: 'global', reason: 'insufficientPermissions' }]);
  assert.equal(body.error.details[0].reason, 'ACCESS_TOKEN_SCOPE_INSUFFICIENT');
});

test('scopes: drive.metadata.readonly sees metadata but not content; drive.file can create', async () => {
  const ctx = await newRun();
  const f = await upload(ctx, 'm.txt', 'secret');
  await admin(ctx, 'PATCH', '/admin/config', { tokens: { 'meta-token': ['drive.metadata.readonly'], 'file-token': ['drive.file'] } });
  const meta = client(ctx.base, 'meta-token');
  assert.equal((await meta.files.get({ fileId: f.id, fields: 'name' })).data.name, 'm.txt');
  assert.equal(gerr(await rejects(() => meta.files.get({ fileId: f.id, alt: 'media' }))).status, 403);
  assert.equal(gerr(await rejects(() => meta.comments.list({ fileId: f.id, fields: '*' }))).status, 403);
  const app = client(ctx.base, 'file-token');
  const made = await app.files.create({ requestBody: { name: 'by app' } });
  assert.equal(made.data.name, 'by app');
  assert.equal(gerr(await rejects(() => app.files.emptyTrash({}))).status, 403);   // needs full drive
  // the run's own token still has full drive
  assert.equal((await ctx.d.files.emptyTrash({})).status, 204);
});

test('scopes: a disabled scope is neither held nor grants its children', async () => {
  const ctx = await newRun();
  await admin(ctx, 'PATCH', '/admin/config', { token_scopes: ['drive', 'drive.readonly'],
    disabled_scopes: ['drive', 'https://www.googleapis.com/auth/drive.file', 'drive.appdata'] });
  const list = await ctx.d.files.list({});   // drive.readonly, granted in its own right, still reads
  assert.equal(list.status, 200);
  const { status, body } = gerr(await rejects(() => ctx.d.files.create({ requestBody: { name: 'x' } })));
  assert.equal(status, 403);
  assert.equal(body.error.errors[0].reason, 'insufficientPermissions');
});

test('permissions: create, list, get, update, delete; owner is protected', async () => {
  const ctx = await newRun();
  const f = await upload(ctx, 'shared.txt', 's');
  const p = await ctx.d.permissions.create({ fileId: f.id, requestBody: { type: 'user', role: 'writer', emailAddress: 'ana@example.com' }, fields: '*' });
  assertSchema('POST', '/drive/v3/files/{fileId}/permissions', p.data);
  assert.equal(p.data.role, 'writer');
  assert.equal(p.data.emailAddress, 'ana@example.com');
  const anyone = await ctx.d.permissions.create({ fileId: f.id, requestBody: { type: 'anyone', role: 'reader' } });
  assert.equal(anyone.data.id, 'anyoneWithLink');
  const l = await ctx.d.permissions.list({ fileId: f.id, fields: '*' });
  assertSchema('GET', '/drive/v3/files/{fileId}/permissions', l.data);
  assert.deepEqual(l.data.permissions.map((x) => x.role), ['owner', 'writer', 'reader']);
  const file = await ctx.d.files.get({ fileId: f.id, fields: 'shared,permissionIds' });
  assert.equal(file.data.shared, true);
  assert.equal(file.data.permissionIds.length, 3);
  const u = await ctx.d.permissions.update({ fileId: f.id, permissionId: p.data.id, requestBody: { role: 'commenter' } });
  assert.equal(u.data.role, 'commenter');
  assert.equal((await ctx.d.permissions.get({ fileId: f.id, permissionId: p.data.id })).data.role, 'commenter');
  const writers = await ctx.d.files.list({ q: "'ana@example.com' in readers" });
  assert.equal(writers.data.files.length, 1);
  await ctx.d.permissions.delete({ fileId: f.id, permissionId: p.data.id });
  assert.equal(gerr(await rejects(() => ctx.d.permissions.get({ fileId: f.id, permissionId: p.data.id }))).status, 404);
  const owner = l.data.permissions[0];
  const e1 = gerr(await rejects(() => ctx.d.permissions.delete({ fileId: f.id, permissionId: owner.id })));
  assert.equal(e1.status, 403);
  const e2 = gerr(await rejects(() => ctx.d.permissions.create({ fileId: f.id, requestBody: { type: 'user' } })));
  assert.equal(e2.status, 400);
  assert.equal(e2.body.error.errors[0].reason, 'required');
});

test('permissions.list: pageSize and pageToken page like the other lists', async () => {
  const ctx = await newRun();
  const f = await upload(ctx, 'team.txt', 't');
  for (const who of ['a', 'b', 'c', 'd']) {
    await ctx.d.permissions.create({ fileId: f.id, requestBody: { type: 'user', role: 'reader', emailAddress: `${who}@example.com` } });
  }
  const whole = await ctx.d.permissions.list({ fileId: f.id, fields: '*' });
  assert.equal(whole.data.permissions.length, 5);
  assert.equal(whole.data.nextPageToken, undefined);
  const seen = [];
  let pageToken;
  let pages = 0;
  do {
    const r = await ctx.d.permissions.list({ fileId: f.id, pageSize: 2, pageToken, fields: 'nextPageToken,permissions(id)' });
    assertSchema('GET', '/drive/v3/files/{fileId}/permissions', r.data);
    assert.ok(r.data.permissions.length <= 2);
    seen.push(...r.data.permissions.map((p) => p.id));
    pageToken = r.data.nextPageToken;
    pages++;
  } while (pageToken);
  assert.equal(pages, 3);
  assert.deepEqual(seen, whole.data.permissions.map((p) => p.id));
  const tooBig = gerr(await rejects(() => ctx.d.permissions.list({ fileId: f.id, pageSize: 101 })));
  assert.equal(tooBig.status, 400);
  assert.equal(tooBig.body.error.errors[0].location, 'pageSize');
  const badTok = gerr(await rejects(() => ctx.d.permissions.list({ fileId: f.id, pageToken: 'garbage!' })));
  assert.equal(badTok.status, 400);
  assert.equal(badTok.body.error.errors[0].location, 'pageToken');
});

test('comments and replies: CRUD, resolve, deleted comments hidden', async () => {
  const ctx = await newRun();
  const f = await upload(ctx, 'review.txt', 'text');
  const missing = gerr(await rejects(() => ctx.d.comments.create({ fileId: f.id, requestBody: { content: 'x' } })));
  assert.equal(missing.status, 400);
  assert.match(missing.body.error.message, /'fields' parameter is required/);
  const c = await ctx.d.comments.create({ fileId: f.id, fields: '*', requestBody: { content: 'Looks <good>' } });
  assertSchema('POST', '/drive/v3/files/{fileId}/comments', c.data);
  assert.equal(c.data.htmlContent, 'Looks &lt;good&gt;');
  assert.equal(c.data.author.me, true);
  const r = await ctx.d.replies.create({ fileId: f.id, commentId: c.data.id, fields: '*', requestBody: { content: 'Agreed', action: 'resolve' } });
  assertSchema('POST', '/drive/v3/files/{fileId}/comments/{commentId}/replies', r.data);
  assert.equal(r.data.action, 'resolve');
  const got = await ctx.d.comments.get({ fileId: f.id, commentId: c.data.id, fields: 'resolved,replies(content)' });
  assert.deepEqual(got.data, { resolved: true, replies: [{ content: 'Agreed' }] });
  await ctx.d.replies.update({ fileId: f.id, commentId: c.data.id, replyId: r.data.id, fields: 'content', requestBody: { content: 'Agreed!' } });
  const rl = await ctx.d.replies.list({ fileId: f.id, commentId: c.data.id, fields: '*' });
  assert.deepEqual(rl.data.replies.map((x) => x.content), ['Agreed!']);
  await ctx.d.replies.delete({ fileId: f.id, commentId: c.data.id, replyId: r.data.id });
  assert.equal((await ctx.d.replies.list({ fileId: f.id, commentId: c.data.id, fields: '*' })).data.replies.length, 0);
  const up = await ctx.d.comments.update({ fileId: f.id, commentId: c.data.id, fields: 'content', requestBody: { content: 'Edited' } });
  assert.equal(up.data.content, 'Edited');
  const list = await ctx.d.comments.list({ fileId: f.id, fields: '*' });
  assertSchema('GET', '/drive/v3/files/{fileId}/comments', list.data);
  assert.equal(list.data.comments.length, 1);
  // pages: pageSize 1 walks both comments through an opaque token; junk sizes and tokens are 400
  const c2 = await ctx.d.comments.create({ fileId: f.id, fields: 'id', requestBody: { content: 'Second' } });
  const p1 = await ctx.d.comments.list({ fileId: f.id, pageSize: 1, fields: 'nextPageToken,comments(id)' });
  assert.deepEqual(p1.data.comments, [{ id: c.data.id }]);
  const p2 = await ctx.d.comments.list({ fileId: f.id, pageSize: 1, pageToken: p1.data.nextPageToken, fields: 'nextPageToken,comments(id)' });
  assert.deepEqual(p2.data, { comments: [{ id: c2.data.id }] });
  assert.equal(gerr(await rejects(() => ctx.d.comments.list({ fileId: f.id, pageSize: 0, fields: '*' }))).status, 400);
  assert.equal(gerr(await rejects(() => ctx.d.comments.list({ fileId: f.id, pageToken: 'nope', fields: '*' }))).status, 400);
  await ctx.d.comments.delete({ fileId: f.id, commentId: c2.data.id });
  await ctx.d.comments.delete({ fileId: f.id, commentId: c.data.id });
  assert.equal(gerr(await rejects(() => ctx.d.comments.get({ fileId: f.id, commentId: c.data.id, fields: '*' }))).status, 404);
  const withDeleted = await ctx.d.comments.get({ fileId: f.id, commentId: c.data.id, fields: 'deleted,content', includeDeleted: true });
  assert.deepEqual(withDeleted.data, { deleted: true });
  assert.equal((await ctx.d.comments.list({ fileId: f.id, fields: '*' })).data.comments.length, 0);
});

test('comments and replies: empty content is 400 required; deleted ones keep their id without text', async () => {
  const ctx = await newRun();
  const f = await upload(ctx, 'thread.txt', 'text');
  const c = await ctx.d.comments.create({ fileId: f.id, fields: '*', requestBody: { content: 'a & b' } });
  const r = await ctx.d.replies.create({ fileId: f.id, commentId: c.data.id, fields: '*', requestBody: { content: '<ok>' } });
  assert.equal(r.data.htmlContent, '&lt;ok&gt;');
  assert.equal(r.data.deleted, false);
  for (const call of [
    () => ctx.d.comments.create({ fileId: f.id, fields: 'id', requestBody: { content: '' } }),
    () => ctx.d.comments.update({ fileId: f.id, commentId: c.data.id, fields: 'id', requestBody: {} }),
    () => ctx.d.replies.update({ fileId: f.id, commentId: c.data.id, replyId: r.data.id, fields: 'id', requestBody: { content: '' } }),
  ]) {
    const { status, body } = gerr(await rejects(call));
    assert.equal(status, 400);
    assert.equal(body.error.errors[0].reason, 'required');
    assert.equal(body.error.errors[0].location, 'content');
  }
  const missing = gerr(await rejects(() => ctx.d.replies.update({ fileId: f.id, commentId: c.data.id, replyId: 'nope', fields: 'id', requestBody: { content: 'x' } })));
  assert.equal(missing.status, 404);
  assert.equal(missing.body.error.errors[0].reason, 'notFound');
  await ctx.d.replies.delete({ fileId: f.id, commentId: c.data.id, replyId: r.data.id });
  const gone = await ctx.d.replies.get({ fileId: f.id, commentId: c.data.id, replyId: r.data.id, includeDeleted: true, fields: '*' });
  assertSchema('GET', '/drive/v3/files/{fileId}/comments/{commentId}/replies/{replyId}', gone.data);
  assert.equal(gone.data.deleted, true);
  assert.equal(gone.data.content, undefined);
  assert.equal(gone.data.htmlContent, undefined);
  await ctx.d.comments.delete({ fileId: f.id, commentId: c.data.id });
  const dead = await ctx.d.comments.get({ fileId: f.id, commentId: c.data.id, includeDeleted: true, fields: 'id,deleted,content' });
  assert.deepEqual(dead.data, { id: c.data.id, deleted: true });
});

test('changes: start token, changes since it (latest per file, removals), then an empty feed', async () => {
  const ctx = await newRun();
  const before = await upload(ctx, 'before.txt', 'b');
  const start = await ctx.d.changes.getStartPageToken({});
  assert.equal(start.data.kind, 'drive#startPageToken');
  const a = await upload(ctx, 'a.txt', 'a');
  await ctx.d.files.update({ fileId: a.id, requestBody: { name: 'a2.txt' } });
  await ctx.d.files.delete({ fileId: before.id });
  const ch = await ctx.d.changes.list({ pageToken: start.data.startPageToken, fields: '*' });
  assertSchema('GET', '/drive/v3/changes', ch.data);
  assert.deepEqual(ch.data.changes.map((c) => [c.fileId, c.removed, c.file?.name]),
    [[a.id, false, 'a2.txt'], [before.id, true, undefined]]);
  assert.ok(ch.data.newStartPageToken);
  const paged = await ctx.d.changes.list({ pageToken: start.data.startPageToken, pageSize: 1 });
  assert.equal(paged.data.changes.length, 1);
  assert.ok(paged.data.nextPageToken);
  const next = await ctx.d.changes.list({ pageToken: paged.data.nextPageToken });
  assert.equal(next.data.changes[0].fileId, before.id);
  const empty = await ctx.d.changes.list({ pageToken: ch.data.newStartPageToken });
  assert.equal(empty.data.changes.length, 0);
  assert.equal((await raw(ctx, 'GET', '/drive/v3/changes')).json.error.errors[0].location, 'pageToken');
});

test('seeding: the document-collaboration preset seeds folders, files and sharing; ids are deterministic', async () => {
  const one = await newRun({ scenario_id: 'preset-document-collaboration' });
  const two = await newRun({ scenario_id: 'preset-document-collaboration' });
  const res = one.run.seed_results.google_drive;
  assert.equal(res.status, 'seeded');
  assert.equal(res.folders, 2);
  assert.equal(res.files, 4);
  const list = async (ctx) => (await ctx.d.files.list({ orderBy: 'name', fields: 'files(id,name,mimeType,parents,size)' })).data.files;
  const [l1, l2] = [await list(one), await list(two)];
  assert.deepEqual(l1, l2);
  const q3 = l1.find((f) => f.name === 'Q3 Planning');
  assert.equal(q3.mimeType, FOLDER);
  const inside = await one.d.files.list({ q: `'${q3.id}' in parents`, orderBy: 'name', fields: 'files(id,name,owners(emailAddress))' });
  assert.deepEqual(inside.data.files.map((f) => f.name), ['Budget.csv', 'Offline mode spec.txt', 'Q3 Roadmap.md']);
  assert.equal(inside.data.files[2].owners[0].emailAddress, 'nadia@team.example');
  const budget = inside.data.files[0];
  const csv = await one.d.files.get({ fileId: budget.id, alt: 'media' }, { responseType: 'text' });
  assert.match(csv.data, /^item,amount_usd\n/);
  const perms = await one.d.permissions.list({ fileId: q3.id, fields: 'permissions(emailAddress,role)' });
  assert.deepEqual(perms.data.permissions.map((p) => p.emailAddress).sort(),
    ['nadia@team.example', 'omar@team.example', 'twin.user@example.com']);
  const shared = await one.d.files.list({ q: 'sharedWithMe = true', fields: 'files(name)' });
  assert.equal(shared.data.files.length, 3);
});

test('seeding: a scenario seed_config, reset to the baseline, and a rejected seed shape', async () => {
  const ctx0 = await newRun();
  const mk = await fetch(`${ctx0.controlUrl}/scenarios`, { method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'drive seed', twins: ['google_drive'], seed_config: { google_drive: {
      folders: [{ name: 'Inbox', files: [{ name: 'a.md', content: '# A', mime_type: 'text/markdown' }, { name: 'Notes', content: 'doc text', mime_type: DOC }] }],
      files: [{ name: 'top.txt', content: 'top' }] } } }) });
  const sc = await mk.json();
  assert.equal(mk.status, 201, JSON.stringify(sc));
  const ctx = await newRun({ scenario_id: sc.id });
  assert.deepEqual(ctx.run.seed_results.google_drive, { status: 'seeded', drives: 0, folders: 1, files: 3, permissions: 0, bytes: 6 });
  const notes = (await ctx.d.files.list({ q: "name = 'Notes'", fields: 'files(id,mimeType)' })).data.files[0];
  assert.equal(notes.mimeType, DOC);
  const txt = await ctx.d.files.export({ fileId: notes.id, mimeType: 'text/plain' }, { responseType: 'text' });
  assert.equal(txt.data, 'doc text');
  await ctx.d.files.create({ requestBody: { name: 'extra' } });
  const reset = await fetch(`${ctx.controlUrl}/twin-runs/${ctx.run.run_id}/reset`, { method: 'POST' });
  assert.equal(reset.status, 200);
  const after = await ctx.d.files.list({ fields: 'files(name)' });
  assert.deepEqual(after.data.files.map((f) => f.name).sort(), ['Inbox', 'Notes', 'a.md', 'top.txt']);
  const bad = await fetch(`${ctx0.controlUrl}/scenarios`, { method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'bad', twins: ['google_drive'], seed_config: { google_drive: { folders: [{ files: [] }] } } }) });
  assert.equal(bad.status, 400);
  assert.match((await bad.json()).detail, /google_drive\.folders\[0\]/);
});

test('stateful routes are reported as such; other Drive methods stay stubs', async () => {
  const ctx = await newRun();
  const o = await admin(ctx, 'GET', '/admin/openapi');
  assert.equal(o.status, 200);
  const text = JSON.stringify(o.json);
  assert.match(text, /stateful/);
  const drives = await raw(ctx, 'GET', '/drive/v3/drives');
  assert.equal(drives.status, 200);
  assert.equal(drives.headers.get('x-twin-stub'), null);
  const apps = await raw(ctx, 'GET', '/drive/v3/apps');
  assert.equal(apps.status, 200);
  assert.equal(apps.headers.get('x-twin-stub'), 'true');
  const gen = await ctx.d.files.generateIds({ count: 3 });
  assert.equal(gen.data.ids.length, 3);
});

test('files.generateIds: count 1-1000, space and type checked; a generated id names a new file', async () => {
  const ctx = await newRun();
  const g = await ctx.d.files.generateIds({ count: 2, space: 'drive', type: 'files' });
  assert.deepEqual(Object.keys(g.data).sort(), ['ids', 'kind', 'space']);
  assert.equal(new Set(g.data.ids).size, 2);
  const f = await ctx.d.files.create({ requestBody: { id: g.data.ids[0], name: 'pre-named' }, fields: 'id' });
  assert.equal(f.data.id, g.data.ids[0]);
  for (const bad of [{ count: 0 }, { count: 1001 }, { count: '5x' }, { space: 'photos2' }, { type: 'folders' }]) {
    const e = gerr(await rejects(() => ctx.d.files.generateIds(bad)));
    assert.equal(e.status, 400, JSON.stringify(bad));
    assert.equal(e.body.error.errors[0].reason, 'invalid', JSON.stringify(bad));
  }
});

// A reset restarts the change log: a token handed out before it names a
// position in a history that is gone, so it is refused (Drive's 400 Invalid
// Value for a page token it does not know) instead of silently listing
// nothing until the new log passes it; tokens handed out after it work.
test('changes: tokens from before a run reset are refused; fresh ones see later changes', async () => {
  const ctx = await newRun();
  const before = [];
  for (let i = 0; i < 3; i++) before.push(await upload(ctx, `old${i}.txt`, `${i}`));
  const stale = (await ctx.d.changes.getStartPageToken({})).data.startPageToken;
  await ctx.d.files.update({ fileId: before[0].id, requestBody: { name: 'renamed.txt' } });
  const page = await ctx.d.changes.list({ pageToken: '1', pageSize: 1 });
  const staleNext = page.data.nextPageToken;
  assert.ok(staleNext);
  const reset = await fetch(`${ctx.controlUrl}/twin-runs/${ctx.run.run_id}/reset`, { method: 'POST' });
  assert.equal(reset.status, 200);
  for (const pageToken of [stale, staleNext, '1']) {
    const err = gerr(await rejects(() => ctx.d.changes.list({ pageToken })));
    assert.equal(err.status, 400, pageToken);
    assert.deepEqual(err.body.error.errors[0], { domain: 'global', reason: 'invalid', message: 'Invalid Value',
      location: 'pageToken', locationType: 'parameter' });
  }
  const fresh = (await ctx.d.changes.getStartPageToken({})).data.startPageToken;
  assert.notEqual(fresh, stale);
  const made = await upload(ctx, 'new.txt', 'n');
  const r = await ctx.d.changes.list({ pageToken: fresh, fields: 'newStartPageToken,changes(fileId,file/name)' });
  assert.deepEqual(r.data.changes.map((c) => [c.fileId, c.file.name]), [[made.id, 'new.txt']]);
  const paged = await ctx.d.changes.list({ pageToken: fresh, pageSize: 1 });
  assert.equal(paged.data.changes[0].fileId, made.id);
  assert.equal((await ctx.d.changes.list({ pageToken: r.data.newStartPageToken })).data.changes.length, 0);
  // the per-twin admin reset starts the history over too
  assert.equal((await admin(ctx, 'POST', '/admin/reset')).status, 200);
  const gone = gerr(await rejects(() => ctx.d.changes.list({ pageToken: r.data.newStartPageToken })));
  assert.equal(gone.status, 400);
});

// A page token of files.list (or drives.list, permissions.list, ...) is an
// offset into the listing: after a reset the same offset names another page,
// so a token from before it is refused the way Drive refuses a page token it
// does not know (400 invalid "Invalid Value" on pageToken) instead of quietly
// paging a different list.  Tokens handed out after the reset page on.
test('files.list: page tokens from before a run reset are 400 invalid; fresh ones page on', async () => {
  const ctx = await newRun();
  for (let i = 0; i < 4; i++) await upload(ctx, `p${i}.txt`, `${i}`);
  const listing = { pageSize: 2, orderBy: 'name', q: "name contains 'p'", fields: 'nextPageToken,files(name)' };
  const first = await ctx.d.files.list(listing);
  assert.deepEqual(first.data.files.map((f) => f.name), ['p0.txt', 'p1.txt']);
  const stale = first.data.nextPageToken;
  assert.ok(stale);
  const second = await ctx.d.files.list({ ...listing, pageToken: stale });
  assert.deepEqual(second.data.files.map((f) => f.name), ['p2.txt', 'p3.txt']);
  const refused = async (pageToken) => {
    const e = gerr(await rejects(() => ctx.d.files.list({ ...listing, pageToken })));
    assert.equal(e.status, 400, pageToken);
    assert.deepEqual(e.body.error.errors[0], { domain: 'global', reason: 'invalid', message: 'Invalid Value',
      location: 'pageToken', locationType: 'parameter' });
  };
  const reset = await fetch(`${ctx.controlUrl}/twin-runs/${ctx.run.run_id}/reset`, { method: 'POST' });
  assert.equal(reset.status, 200);
  for (let i = 0; i < 3; i++) await upload(ctx, `q${i}.txt`, `${i}`);
  await refused(stale);
  const fresh = await ctx.d.files.list({ ...listing, q: "name contains 'q'" });
  assert.deepEqual(fresh.data.files.map((f) => f.name), ['q0.txt', 'q1.txt']);
  assert.notEqual(fresh.data.nextPageToken, stale);
  const rest = await ctx.d.files.list({ ...listing, q: "name contains 'q'", pageToken: fresh.data.nextPageToken });
  assert.deepEqual(rest.data.files.map((f) => f.name), ['q2.txt']);
  assert.equal(rest.data.nextPageToken, undefined);
  // the per-twin admin reset starts the listing over too
  assert.equal((await admin(ctx, 'POST', '/admin/reset')).status, 200);
  await refused(fresh.data.nextPageToken);
});
