// files.download (a long-running operation the twin finishes at once) and
// operations.get, through the official SDK; the downloadUri serves the bytes.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { newRun, assertSchema, rejects, gerr, stopServer } from './helpers.mjs';

after(stopServer);

const DOC = 'application/vnd.google-apps.document';

async function fetchWith(ctx, uri) {
  const r = await fetch(uri, { headers: { authorization: `Bearer ${ctx.token}` } });
  return { status: r.status, type: r.headers.get('content-type'), text: await r.text() };
}

test('files.download: a done operation whose downloadUri serves the file, a revision, or a Doc export', async () => {
  const ctx = await newRun();
  const up = await ctx.d.files.create({ requestBody: { name: 'notes.txt' }, media: { mimeType: 'text/plain', body: 'v1' },
    fields: 'id,headRevisionId' }, { rootUrl: ctx.base + '/' });
  const first = up.data.headRevisionId;
  await ctx.d.files.update({ fileId: up.data.id, media: { mimeType: 'text/plain', body: 'v2' } }, { rootUrl: ctx.base + '/' });
  const op = await ctx.d.files.download({ fileId: up.data.id });
  assertSchema('POST', '/drive/v3/files/{fileId}/download', op.data);
  assert.equal(op.data.done, true);
  assert.equal(op.data.response['@type'], 'type.googleapis.com/google.apps.drive.v3.DownloadFileResponse');
  assert.equal((await fetchWith(ctx, op.data.response.downloadUri)).text, 'v2');
  const again = await ctx.d.operations.get({ name: op.data.name });
  assert.deepEqual(again.data, op.data);
  const old = await ctx.d.files.download({ fileId: up.data.id, revisionId: first });
  assert.equal((await fetchWith(ctx, old.data.response.downloadUri)).text, 'v1');
  const doc = await ctx.d.files.create({ requestBody: { name: 'Doc', mimeType: DOC },
    media: { mimeType: 'text/plain', body: 'hello doc' }, fields: 'id' }, { rootUrl: ctx.base + '/' });
  const html = await ctx.d.files.download({ fileId: doc.data.id, mimeType: 'text/html' });
  const got = await fetchWith(ctx, html.data.response.downloadUri);
  assert.equal(got.status, 200);
  assert.match(got.text, /<p>hello doc<\/p>/);
  const plain = await ctx.d.files.download({ fileId: doc.data.id });
  assert.equal((await fetchWith(ctx, plain.data.response.downloadUri)).text, 'hello doc');
});

test('files.download: folders, mimeType on a blob, unknown revisions and operations are refused', async () => {
  const ctx = await newRun();
  const dir = await ctx.d.files.create({ requestBody: { name: 'd', mimeType: 'application/vnd.google-apps.folder' } });
  const folder = gerr(await rejects(() => ctx.d.files.download({ fileId: dir.data.id })));
  assert.equal(folder.status, 403);
  assert.equal(folder.body.error.errors[0].reason, 'fileNotDownloadable');
  const f = await ctx.d.files.create({ requestBody: { name: 'a.txt' }, media: { mimeType: 'text/plain', body: 'a' } },
    { rootUrl: ctx.base + '/' });
  const asPdf = gerr(await rejects(() => ctx.d.files.download({ fileId: f.data.id, mimeType: 'application/pdf' })));
  assert.equal(asPdf.status, 400);
  assert.equal(asPdf.body.error.errors[0].location, 'mimeType');
  const rev = gerr(await rejects(() => ctx.d.files.download({ fileId: f.data.id, revisionId: 'nope' })));
  assert.equal(rev.status, 404);
  assert.equal(gerr(await rejects(() => ctx.d.files.download({ fileId: 'missing' }))).status, 404);
  const op = gerr(await rejects(() => ctx.d.operations.get({ name: 'dlnothing' })));
  assert.equal(op.status, 404);
  assert.equal(op.body.error.errors[0].reason, 'notFound');
});
