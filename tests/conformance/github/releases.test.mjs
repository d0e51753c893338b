// GitHub twin conformance: releases and release assets with the official @octokit/rest client.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { startReceiver } from '../../lib/receiver.mjs';
import { newRun, raw, assertSchema, assertPayload, rejects, stopServer, b64 } from './helpers.mjs';

after(stopServer);
const ctx = await newRun();
const { gh } = ctx;
const me = (await gh.rest.users.getAuthenticated()).data.login;
const sign = (secret, body) => 'sha256=' + createHmac('sha256', secret).update(body).digest('hex');

async function repoWithInit(name, opts = {}) {
  return (await gh.rest.repos.createForAuthenticatedUser({ name, auto_init: true, ...opts })).data;
}

// Octokit's uploadReleaseAsset defaults to https://uploads.github.com; a twin user passes baseUrl per call.
function upload(release, name, data, extra = {}) {
  return gh.rest.repos.uploadReleaseAsset({ baseUrl: ctx.base, owner: me, repo: extra.repo, release_id: release.id,
    name, data, headers: { 'content-type': extra.type || 'application/octet-stream' }, ...(extra.label ? { label: extra.label } : {}) });
}

test('create, get, get by tag, list, update and delete a release; the tag is created', async () => {
  await repoWithInit('rel');
  const c = await gh.rest.repos.createRelease({ owner: me, repo: 'rel', tag_name: 'v1.0.0', name: 'One', body: 'first' });
  assert.equal(c.status, 201);
  assertSchema('POST', '/repos/{owner}/{repo}/releases', c.data);
  const r = c.data;
  assert.equal(r.tag_name, 'v1.0.0');
  assert.equal(r.target_commitish, 'main');
  assert.equal(r.draft, false);
  assert.equal(r.prerelease, false);
  assert.ok(r.published_at);
  assert.equal(r.author.login, me);
  assert.equal(r.url, `${ctx.base}/repos/${me}/rel/releases/${r.id}`);
  assert.equal(r.upload_url, `${ctx.base}/repos/${me}/rel/releases/${r.id}/assets{?name,label}`);
  assert.deepEqual(r.assets, []);
  const main = (await gh.rest.git.getRef({ owner: me, repo: 'rel', ref: 'heads/main' })).data.object.sha;
  const tag = await gh.rest.git.getRef({ owner: me, repo: 'rel', ref: 'tags/v1.0.0' });
  assert.equal(tag.data.object.sha, main);

  const g = await gh.rest.repos.getRelease({ owner: me, repo: 'rel', release_id: r.id });
  assertSchema('GET', '/repos/{owner}/{repo}/releases/{release_id}', g.data);
  assert.equal(g.data.name, 'One');
  const t = await gh.rest.repos.getReleaseByTag({ owner: me, repo: 'rel', tag: 'v1.0.0' });
  assertSchema('GET', '/repos/{owner}/{repo}/releases/tags/{tag}', t.data);
  assert.equal(t.data.id, r.id);

  const r2 = (await gh.rest.repos.createRelease({ owner: me, repo: 'rel', tag_name: 'v1.1.0' })).data;
  assert.equal(r2.name, null);
  const l = await gh.rest.repos.listReleases({ owner: me, repo: 'rel' });
  assertSchema('GET', '/repos/{owner}/{repo}/releases', l.data);
  assert.deepEqual(l.data.map((x) => x.tag_name), ['v1.1.0', 'v1.0.0'], 'newest first');

  const u = await gh.rest.repos.updateRelease({ owner: me, repo: 'rel', release_id: r.id, name: 'One!', body: 'changed', prerelease: true });
  assertSchema('PATCH', '/repos/{owner}/{repo}/releases/{release_id}', u.data);
  assert.deepEqual([u.data.name, u.data.body, u.data.prerelease], ['One!', 'changed', true]);
  assert.equal((await gh.rest.repos.getRelease({ owner: me, repo: 'rel', release_id: r.id })).data.body, 'changed');

  assert.equal((await gh.rest.repos.deleteRelease({ owner: me, repo: 'rel', release_id: r.id })).status, 204);
  assert.equal((await rejects(() => gh.rest.repos.getRelease({ owner: me, repo: 'rel', release_id: r.id }))).status, 404);
  assert.deepEqual((await gh.rest.repos.listReleases({ owner: me, repo: 'rel' })).data.map((x) => x.id), [r2.id]);
  // deleting a release keeps its tag, as on GitHub
  assert.equal((await gh.rest.git.getRef({ owner: me, repo: 'rel', ref: 'tags/v1.0.0' })).status, 200);
});

test('a duplicate tag_name is 422 already_exists; missing tag_name and bad targets are 422 too', async () => {
  await repoWithInit('reldup');
  await gh.rest.repos.createRelease({ owner: me, repo: 'reldup', tag_name: 'v1' });
  const e = await rejects(() => gh.rest.repos.createRelease({ owner: me, repo: 'reldup', tag_name: 'v1' }));
  assert.equal(e.status, 422);
  assert.equal(e.response.data.message, 'Validation Failed');
  assert.deepEqual(e.response.data.errors, [{ resource: 'Release', code: 'already_exists', field: 'tag_name' }]);
  const other = (await gh.rest.repos.createRelease({ owner: me, repo: 'reldup', tag_name: 'v2', draft: true })).data;
  const e2 = await rejects(() => gh.rest.repos.updateRelease({ owner: me, repo: 'reldup', release_id: other.id, tag_name: 'v1' }));
  assert.equal(e2.status, 422);
  assert.equal(e2.response.data.errors[0].code, 'already_exists');
  const e3 = await rejects(() => gh.request('POST /repos/{owner}/{repo}/releases', { owner: me, repo: 'reldup', name: 'x' }));
  assert.equal(e3.status, 422);
  assert.deepEqual(e3.response.data.errors, [{ resource: 'Release', code: 'missing_field', field: 'tag_name' }]);
  const e4 = await rejects(() => gh.rest.repos.createRelease({ owner: me, repo: 'reldup', tag_name: 'v3', target_commitish: 'no-such-branch' }));
  assert.equal(e4.status, 422);
  assert.equal(e4.response.data.errors[0].field, 'target_commitish');
  const e5 = await rejects(() => gh.rest.repos.createRelease({ owner: me, repo: 'reldup', tag_name: 'v4', make_latest: 'sometimes' }));
  assert.equal(e5.status, 422);
});

test('releases 404 for unknown ids, other repositories, unknown tags and repos without a latest release', async () => {
  await repoWithInit('rel404a');
  await repoWithInit('rel404b');
  const r = (await gh.rest.repos.createRelease({ owner: me, repo: 'rel404a', tag_name: 'v1' })).data;
  const st = async (fn) => (await rejects(fn)).status;
  assert.equal(await st(() => gh.rest.repos.getRelease({ owner: me, repo: 'rel404a', release_id: 1 })), 404);
  assert.equal(await st(() => gh.rest.repos.getRelease({ owner: me, repo: 'rel404b', release_id: r.id })), 404);
  assert.equal(await st(() => gh.rest.repos.deleteRelease({ owner: me, repo: 'rel404b', release_id: r.id })), 404);
  assert.equal(await st(() => gh.rest.repos.getReleaseByTag({ owner: me, repo: 'rel404a', tag: 'v9' })), 404);
  assert.equal(await st(() => gh.rest.repos.getLatestRelease({ owner: me, repo: 'rel404b' })), 404);
  assert.equal(await st(() => gh.rest.repos.listReleases({ owner: me, repo: 'nope' })), 404);
  const e = await rejects(() => gh.rest.repos.getReleaseAsset({ owner: me, repo: 'rel404a', asset_id: 7 }));
  assert.equal(e.status, 404);
  assert.equal(e.response.data.message, 'Not Found');
});

test('drafts: hidden from tag lookups, latest and anonymous callers; publishing creates the tag', async () => {
  await repoWithInit('reldraft');
  const d = (await gh.rest.repos.createRelease({ owner: me, repo: 'reldraft', tag_name: 'v0.1', draft: true })).data;
  assert.equal(d.draft, true);
  assert.equal(d.published_at, null);
  assert.equal((await rejects(() => gh.rest.git.getRef({ owner: me, repo: 'reldraft', ref: 'tags/v0.1' }))).status, 404, 'drafts create no tag');
  assert.equal((await rejects(() => gh.rest.repos.getReleaseByTag({ owner: me, repo: 'reldraft', tag: 'v0.1' }))).status, 404);
  assert.equal((await rejects(() => gh.rest.repos.getLatestRelease({ owner: me, repo: 'reldraft' }))).status, 404);
  assert.equal((await gh.rest.repos.listReleases({ owner: me, repo: 'reldraft' })).data.length, 1, 'the owner sees drafts');
  const anon = await raw(ctx, 'GET', `/repos/${me}/reldraft/releases`, { auth: false });
  assert.equal(anon.status, 200);
  assert.deepEqual(anon.json, []);
  assert.equal((await raw(ctx, 'GET', `/repos/${me}/reldraft/releases/${d.id}`, { auth: false })).status, 404);
  const p = (await gh.rest.repos.updateRelease({ owner: me, repo: 'reldraft', release_id: d.id, draft: false })).data;
  assert.equal(p.draft, false);
  assert.ok(p.published_at);
  assert.equal((await gh.rest.git.getRef({ owner: me, repo: 'reldraft', ref: 'tags/v0.1' })).status, 200);
  assert.equal((await gh.rest.repos.getLatestRelease({ owner: me, repo: 'reldraft' })).data.id, d.id);
  assert.equal((await raw(ctx, 'GET', `/repos/${me}/reldraft/releases`, { auth: false })).json.length, 1);
});

test('latest release: prereleases never, make_latest false keeps the previous one, true and legacy move it', async () => {
  await repoWithInit('rellatest');
  const R = (args) => gh.rest.repos.createRelease({ owner: me, repo: 'rellatest', ...args }).then((x) => x.data);
  const latest = async () => (await gh.rest.repos.getLatestRelease({ owner: me, repo: 'rellatest' })).data;
  const v1 = await R({ tag_name: 'v1' });
  const l1 = await latest();
  assertSchema('GET', '/repos/{owner}/{repo}/releases/latest', l1);
  assert.equal(l1.id, v1.id);
  await R({ tag_name: 'v2-rc', prerelease: true });
  assert.equal((await latest()).id, v1.id);
  const v3 = await R({ tag_name: 'v3', make_latest: 'false' });
  assert.equal((await latest()).id, v1.id);
  await gh.rest.repos.updateRelease({ owner: me, repo: 'rellatest', release_id: v3.id, make_latest: 'true' });
  assert.equal((await latest()).id, v3.id);
  await gh.rest.repos.updateRelease({ owner: me, repo: 'rellatest', release_id: v1.id, make_latest: 'true' });
  assert.equal((await latest()).id, v1.id);
  // legacy: the newest full release by creation
  await gh.rest.repos.updateRelease({ owner: me, repo: 'rellatest', release_id: v1.id, make_latest: 'legacy' });
  assert.equal((await latest()).id, v3.id);
  await gh.rest.repos.deleteRelease({ owner: me, repo: 'rellatest', release_id: v3.id });
  assert.equal((await latest()).id, v1.id);
});

test('generate_release_notes lists merged pull requests and the full changelog', async () => {
  await repoWithInit('relnotes');
  await gh.rest.repos.createRelease({ owner: me, repo: 'relnotes', tag_name: 'v1' });
  const main = (await gh.rest.git.getRef({ owner: me, repo: 'relnotes', ref: 'heads/main' })).data.object.sha;
  await gh.rest.git.createRef({ owner: me, repo: 'relnotes', ref: 'refs/heads/feat', sha: main });
  await gh.rest.repos.createOrUpdateFileContents({ owner: me, repo: 'relnotes', path: 'f.txt', message: 'feat', content: b64('f'), branch: 'feat' });
  const pr = (await gh.rest.pulls.create({ owner: me, repo: 'relnotes', title: 'Add the feature', head: 'feat', base: 'main' })).data;
  await gh.rest.pulls.merge({ owner: me, repo: 'relnotes', pull_number: pr.number });
  const notes = await gh.rest.repos.generateReleaseNotes({ owner: me, repo: 'relnotes', tag_name: 'v2' });
  assertSchema('POST', '/repos/{owner}/{repo}/releases/generate-notes', notes.data);
  assert.equal(notes.data.name, 'v2');
  const html = `${ctx.base}/${me}/relnotes`;
  assert.equal(notes.data.body, `## What's Changed\n* Add the feature by @${me} in ${html}/pull/${pr.number}\n\n**Full Changelog**: ${html}/compare/v1...v2`);
  const r = (await gh.rest.repos.createRelease({ owner: me, repo: 'relnotes', tag_name: 'v2', body: 'Highlights.', generate_release_notes: true })).data;
  assert.equal(r.name, 'v2');
  assert.equal(r.body, `Highlights.\n\n${notes.data.body}`);
  // the first release of a repository links the commits of its tag
  await repoWithInit('relnotes0');
  const first = (await gh.rest.repos.createRelease({ owner: me, repo: 'relnotes0', tag_name: 'v0.1', generate_release_notes: true })).data;
  assert.equal(first.body, `**Full Changelog**: ${ctx.base}/${me}/relnotes0/commits/v0.1`);
});

test('assets: upload (uploadReleaseAsset with baseUrl, or upload_url), list, get, update, delete', async () => {
  await repoWithInit('relassets');
  const rel = (await gh.rest.repos.createRelease({ owner: me, repo: 'relassets', tag_name: 'v1' })).data;
  const bytes = Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0xff, 0x10, 0x7b]);
  const up = await upload(rel, 'app.zip', bytes, { repo: 'relassets', type: 'application/zip', label: 'The app' });
  assert.equal(up.status, 201);
  assertSchema('POST', '/repos/{owner}/{repo}/releases/{release_id}/assets', up.data);
  const a = up.data;
  assert.deepEqual([a.name, a.label, a.size, a.content_type, a.state, a.download_count], ['app.zip', 'The app', 8, 'application/zip', 'uploaded', 0]);
  assert.equal(a.uploader.login, me);
  assert.equal(a.url, `${ctx.base}/repos/${me}/relassets/releases/assets/${a.id}`);
  assert.match(a.digest, /^sha256:[0-9a-f]{64}$/);

  // the hypermedia way: POST to the release's upload_url (an RFC 6570 template)
  const viaUrl = await gh.request({ method: 'POST', url: rel.upload_url, name: 'notes.txt', data: 'hello notes', headers: { 'content-type': 'text/plain' } });
  assert.equal(viaUrl.status, 201);
  assert.equal(viaUrl.data.size, 11);
  assert.equal(viaUrl.data.label, null);

  const l = await gh.rest.repos.listReleaseAssets({ owner: me, repo: 'relassets', release_id: rel.id });
  assertSchema('GET', '/repos/{owner}/{repo}/releases/{release_id}/assets', l.data);
  assert.deepEqual(l.data.map((x) => x.name), ['app.zip', 'notes.txt']);
  const withAssets = (await gh.rest.repos.getRelease({ owner: me, repo: 'relassets', release_id: rel.id })).data;
  assert.deepEqual(withAssets.assets.map((x) => x.id), [a.id, viaUrl.data.id]);

  const g = await gh.rest.repos.getReleaseAsset({ owner: me, repo: 'relassets', asset_id: a.id });
  assertSchema('GET', '/repos/{owner}/{repo}/releases/assets/{asset_id}', g.data);
  assert.equal(g.data.name, 'app.zip');
  const u = await gh.rest.repos.updateReleaseAsset({ owner: me, repo: 'relassets', asset_id: a.id, name: 'app-1.0.zip', label: 'App 1.0' });
  assertSchema('PATCH', '/repos/{owner}/{repo}/releases/assets/{asset_id}', u.data);
  assert.deepEqual([u.data.name, u.data.label], ['app-1.0.zip', 'App 1.0']);

  // one name per release: 422 ReleaseAsset already_exists
  const dup = await rejects(() => upload(rel, 'notes.txt', 'again', { repo: 'relassets' }));
  assert.equal(dup.status, 422);
  assert.deepEqual(dup.response.data.errors, [{ resource: 'ReleaseAsset', code: 'already_exists', field: 'name' }]);
  const dup2 = await rejects(() => gh.rest.repos.updateReleaseAsset({ owner: me, repo: 'relassets', asset_id: a.id, name: 'notes.txt' }));
  assert.equal(dup2.status, 422);
  // special characters are renamed the way GitHub does
  const odd = (await upload(rel, '.my file (1).tar.gz', 'x', { repo: 'relassets' })).data;
  assert.equal(odd.name, 'my.file.1.tar.gz');

  assert.equal((await gh.rest.repos.deleteReleaseAsset({ owner: me, repo: 'relassets', asset_id: viaUrl.data.id })).status, 204);
  assert.equal((await rejects(() => gh.rest.repos.getReleaseAsset({ owner: me, repo: 'relassets', asset_id: viaUrl.data.id }))).status, 404);
  assert.deepEqual((await gh.rest.repos.listReleaseAssets({ owner: me, repo: 'relassets', release_id: rel.id })).data.map((x) => x.name), ['app-1.0.zip', 'my.file.1.tar.gz']);

  // uploads to a release of another repository or an unknown release are 404
  await repoWithInit('relassets2');
  assert.equal((await rejects(() => upload(rel, 'z.bin', 'z', { repo: 'relassets2' }))).status, 404);
  assert.equal((await rejects(() => upload({ id: 12345 }, 'z.bin', 'z', { repo: 'relassets' }))).status, 404);
  // deleting the release deletes its assets
  await gh.rest.repos.deleteRelease({ owner: me, repo: 'relassets', release_id: rel.id });
  assert.equal((await rejects(() => gh.rest.repos.getReleaseAsset({ owner: me, repo: 'relassets', asset_id: a.id }))).status, 404);
});

test('downloads: Accept octet-stream redirects 302 to signed storage on the twin; browser_download_url works', async () => {
  await repoWithInit('reldl');
  const rel = (await gh.rest.repos.createRelease({ owner: me, repo: 'reldl', tag_name: 'v1.0' })).data;
  const bytes = Buffer.from(Array.from({ length: 300 }, (_, i) => i % 256));
  const a = (await upload(rel, 'blob.bin', bytes, { repo: 'reldl' })).data;
  // Octokit follows the redirect and hands back the bytes
  const dl = await gh.rest.repos.getReleaseAsset({ owner: me, repo: 'reldl', asset_id: a.id, headers: { accept: 'application/octet-stream' } });
  assert.equal(dl.status, 200);
  assert.deepEqual(Buffer.from(dl.data), bytes);
  // the redirect itself
  const res = await fetch(`${ctx.base}/repos/${me}/reldl/releases/assets/${a.id}`, { redirect: 'manual', headers: { authorization: `token ${ctx.token}`, accept: 'application/octet-stream' } });
  assert.equal(res.status, 302);
  const loc = res.headers.get('location');
  assert.ok(loc.startsWith(ctx.base + '/'), loc);
  const stored = await fetch(loc);
  assert.equal(stored.status, 200);
  assert.deepEqual(Buffer.from(await stored.arrayBuffer()), bytes);
  assert.equal((await fetch(loc.replace(/[^/]+$/, 'forged'))).status, 404, 'the signature is checked');
  // github.com's download link (public repository, no token)
  const b = await fetch(a.browser_download_url, { redirect: 'manual' });
  assert.equal(b.status, 302);
  assert.deepEqual(Buffer.from(await (await fetch(b.headers.get('location'))).arrayBuffer()), bytes);
  const count = (await gh.rest.repos.getReleaseAsset({ owner: me, repo: 'reldl', asset_id: a.id })).data.download_count;
  assert.equal(count, 3);
});

test('release webhooks: created, published, released, edited, deleted, signed and schema-valid', async () => {
  const rx = await startReceiver();
  try {
    await repoWithInit('relhook');
    const secret = 'rel-secret';
    await gh.rest.repos.createWebhook({ owner: me, repo: 'relhook', config: { url: rx.url, content_type: 'json', secret }, events: ['release'] });
    const of = (action, id) => (d) => d.headers['x-github-event'] === 'release' && JSON.parse(d.body).action === action && (!id || JSON.parse(d.body).release.id === id);
    const r = (await gh.rest.repos.createRelease({ owner: me, repo: 'relhook', tag_name: 'v1', name: 'V1' })).data;
    for (const action of ['created', 'published', 'released']) {
      const d = await rx.waitFor(of(action, r.id));
      assert.equal(d.headers['x-hub-signature-256'], sign(secret, d.raw));
      const p = JSON.parse(d.body);
      assertPayload(`webhook-release-${action}`, p);
      assert.equal(p.release.tag_name, 'v1');
      assert.equal(p.repository.full_name, `${me}/relhook`);
      assert.equal(p.sender.login, me);
    }
    const draft = (await gh.rest.repos.createRelease({ owner: me, repo: 'relhook', tag_name: 'v2', draft: true })).data;
    assert.equal(JSON.parse((await rx.waitFor(of('created', draft.id))).body).release.draft, true);
    await gh.rest.repos.updateRelease({ owner: me, repo: 'relhook', release_id: draft.id, draft: false, prerelease: true });
    assertPayload('webhook-release-published', JSON.parse((await rx.waitFor(of('published', draft.id))).body));
    assertPayload('webhook-release-prereleased', JSON.parse((await rx.waitFor(of('prereleased', draft.id))).body));
    await gh.rest.repos.updateRelease({ owner: me, repo: 'relhook', release_id: r.id, name: 'Version 1' });
    const ed = JSON.parse((await rx.waitFor(of('edited', r.id))).body);
    assertPayload('webhook-release-edited', ed);
    assert.deepEqual(ed.changes, { name: { from: 'V1' } });
    await gh.rest.repos.deleteRelease({ owner: me, repo: 'relhook', release_id: r.id });
    const del = JSON.parse((await rx.waitFor(of('deleted', r.id))).body);
    assertPayload('webhook-release-deleted', del);
    assert.equal(del.release.name, 'Version 1');
  } finally {
    await rx.close();
  }
});
