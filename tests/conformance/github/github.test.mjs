// GitHub twin conformance: the official @octokit/rest client against the twin.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startReceiver } from '../../lib/receiver.mjs';
import { createHmac } from 'node:crypto';
import { newRun, client, admin, raw, assertSchema, rejects, stopServer, b64 } from './helpers.mjs';

after(stopServer);
const ctx = await newRun();
const { gh } = ctx;
const me = (await gh.rest.users.getAuthenticated()).data.login;

async function repoWithInit(name, opts = {}) {
  return (await gh.rest.repos.createForAuthenticatedUser({ name, auto_init: true, ...opts })).data;
}

// ---- auth ----
test('missing token on an auth-only route answers 401 Requires authentication', async () => {
  const r = await raw(ctx, 'GET', '/user', { auth: false });
  assert.equal(r.status, 401);
  assert.equal(r.json.message, 'Requires authentication');
  assert.equal(r.json.documentation_url, 'https://docs.github.com/rest');
});

test('a malformed token answers 401 Bad credentials', async () => {
  const err = await rejects(() => client(ctx.base, 'nope').rest.users.getAuthenticated());
  assert.equal(err.status, 401);
  assert.equal(err.response.data.message, 'Bad credentials');
});

test('any ghp_/github_pat_ token and the run token are accepted; Bearer works too', async () => {
  for (const t of ['ghp_abcdef123', 'github_pat_11ABC', ctx.token]) {
    const { data } = await client(ctx.base, t).rest.users.getAuthenticated();
    assert.equal(data.login, me);
  }
  const r = await raw(ctx, 'GET', '/user', { auth: false, headers: { authorization: `Bearer ${ctx.token}` } });
  assert.equal(r.status, 200);
});

test('GET /user is schema-valid and carries scope and rate-limit headers', async () => {
  const r = await gh.rest.users.getAuthenticated();
  assertSchema('GET', '/user', r.data);
  assert.match(r.headers['x-oauth-scopes'], /repo/);
  assert.equal(r.headers['x-accepted-oauth-scopes'], 'read:user, user');
  for (const h of ['x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset', 'x-ratelimit-used', 'x-ratelimit-resource'])
    assert.ok(r.headers[h] !== undefined, h);
  assert.equal(r.headers['x-ratelimit-limit'], '5000');
});

test('stub routes need auth too and still carry rate-limit headers', async () => {
  const r = await raw(ctx, 'GET', '/repos/a/b/topics', { auth: false });
  assert.equal(r.status, 401);
  assert.ok(r.headers.get('x-ratelimit-limit'));
  const s = await raw(ctx, 'GET', '/repos/a/b/topics');
  assert.equal(s.status, 200);
  assert.equal(s.headers.get('x-twin-stub'), 'true');
});

test('scope enforcement: missing scope is 403, parent scopes grant children, disabled_scopes removes', async () => {
  const run = await newRun();
  let c = await admin(run, 'PATCH', '/admin/config', { default_token_scopes: ['read:org'] });
  assert.equal(c.status, 200, JSON.stringify(c.json));
  await run.gh.rest.repos.get({ owner: 'x', repo: 'y' }).catch(() => {});
  const err = await rejects(() => run.gh.rest.repos.createForAuthenticatedUser({ name: 'r' }));
  assert.equal(err.status, 403);
  assert.equal(err.response.data.message, 'Resource not accessible by personal access token');
  assert.equal(err.response.headers['x-oauth-scopes'], 'read:org');
  // user grants read:user
  await admin(run, 'PATCH', '/admin/config', { default_token_scopes: ['user', 'admin:repo_hook', 'repo'] });
  await run.gh.rest.users.getAuthenticated();
  const repo = (await run.gh.rest.repos.createForAuthenticatedUser({ name: 'scoped', auto_init: true })).data;
  // admin:repo_hook grants read:repo_hook
  await run.gh.rest.repos.listWebhooks({ owner: repo.owner.login, repo: 'scoped' });
  // disabling a child removes it although the parent is granted
  await admin(run, 'PATCH', '/admin/config', { disabled_scopes: ['read:user'] });
  const e2 = await rejects(() => run.gh.rest.users.getAuthenticated());
  assert.equal(e2.status, 403);
  await admin(run, 'PATCH', '/admin/config', { disabled_scopes: ['repo:status'] });
  const e3 = await rejects(() => run.gh.rest.repos.createCommitStatus({ owner: repo.owner.login, repo: 'scoped', sha: 'main', state: 'success' }));
  assert.equal(e3.status, 403);
});

test('unknown repo is 404 Not Found in GitHub shape', async () => {
  const err = await rejects(() => gh.rest.repos.get({ owner: 'nobody', repo: 'nothing' }));
  assert.equal(err.status, 404);
  assert.equal(err.response.data.message, 'Not Found');
  assert.equal(err.response.data.documentation_url, 'https://docs.github.com/rest');
});

// ---- repos ----
test('create, get, update and delete a repository', async () => {
  const r = await gh.rest.repos.createForAuthenticatedUser({ name: 'alpha', description: 'first', private: true });
  assert.equal(r.status, 201);
  assertSchema('POST', '/user/repos', r.data);
  assert.equal(r.data.full_name, `${me}/alpha`);
  assert.equal(typeof r.data.id, 'number');
  assert.ok(r.data.url.startsWith(ctx.base + '/repos/'));
  const g = await gh.rest.repos.get({ owner: me, repo: 'alpha' });
  assertSchema('GET', '/repos/{owner}/{repo}', g.data);
  assert.equal(g.data.private, true);
  const u = await gh.rest.repos.update({ owner: me, repo: 'alpha', description: 'changed' });
  assert.equal(u.data.description, 'changed');
  const d = await gh.rest.repos.delete({ owner: me, repo: 'alpha' });
  assert.equal(d.status, 204);
  assert.equal((await rejects(() => gh.rest.repos.get({ owner: me, repo: 'alpha' }))).status, 404);
});

test('a repository created again after a delete starts empty', async () => {
  await repoWithInit('phoenix');
  await gh.rest.issues.create({ owner: me, repo: 'phoenix', title: 'old issue' });
  await gh.rest.issues.createLabel({ owner: me, repo: 'phoenix', name: 'old-label', color: 'ff0000' });
  await gh.rest.repos.createRelease({ owner: me, repo: 'phoenix', tag_name: 'v1' });
  const hook = await gh.rest.repos.createWebhook({ owner: me, repo: 'phoenix', config: { url: 'http://127.0.0.1:9/hook' }, active: false });
  await gh.rest.repos.delete({ owner: me, repo: 'phoenix' });
  await repoWithInit('phoenix');
  const issues = await gh.rest.issues.listForRepo({ owner: me, repo: 'phoenix', state: 'all' });
  assert.deepEqual(issues.data, []);
  const labels = (await gh.rest.issues.listLabelsForRepo({ owner: me, repo: 'phoenix' })).data.map((l) => l.name);
  assert.ok(!labels.includes('old-label'));
  assert.deepEqual((await gh.rest.repos.listReleases({ owner: me, repo: 'phoenix' })).data, []);
  assert.deepEqual((await gh.rest.repos.listWebhooks({ owner: me, repo: 'phoenix' })).data, []);
  assert.equal((await rejects(() => gh.rest.repos.getWebhook({ owner: me, repo: 'phoenix', hook_id: hook.data.id }))).status, 404);
  assert.equal((await rejects(() => gh.rest.repos.getReleaseByTag({ owner: me, repo: 'phoenix', tag: 'v1' }))).status, 404);
  // The fresh repository's own history is one initial commit.
  const commits = await gh.rest.repos.listCommits({ owner: me, repo: 'phoenix' });
  assert.equal(commits.data.length, 1);
});

test('issue and pull numbers start at #1 again in a repository re-created under the same name', async () => {
  const repo = 'renumbered';
  await repoWithInit(repo);
  const first = await gh.rest.issues.create({ owner: me, repo, title: 'old one' });
  const second = await gh.rest.issues.create({ owner: me, repo, title: 'old two' });
  assert.deepEqual([first.data.number, second.data.number], [1, 2]);
  await gh.rest.repos.delete({ owner: me, repo });
  await repoWithInit(repo);
  const fresh = await gh.rest.issues.create({ owner: me, repo, title: 'new one' });
  assert.equal(fresh.status, 201);
  assert.equal(fresh.data.number, 1);
  assert.equal(fresh.data.title, 'new one');
  assert.match(fresh.data.html_url, new RegExp(`/${repo}/issues/1$`));
  // The old issues went with the old repository: #1 is the new one, #2 does not exist.
  assert.equal((await gh.rest.issues.get({ owner: me, repo, issue_number: 1 })).data.title, 'new one');
  assert.equal((await rejects(() => gh.rest.issues.get({ owner: me, repo, issue_number: 2 }))).status, 404);
  const all = await gh.rest.issues.listForRepo({ owner: me, repo, state: 'all' });
  assert.deepEqual(all.data.map((i) => [i.number, i.title]), [[1, 'new one']]);
  // Pull requests share the numbering: the next one is #2.
  const main = (await gh.rest.git.getRef({ owner: me, repo, ref: 'heads/main' })).data.object.sha;
  await gh.rest.git.createRef({ owner: me, repo, ref: 'refs/heads/topic', sha: main });
  await gh.rest.repos.createOrUpdateFileContents({ owner: me, repo, path: 'x.txt', message: 'x', content: b64('x'), branch: 'topic' });
  const pr = await gh.rest.pulls.create({ owner: me, repo, title: 'pr', head: 'topic', base: 'main' });
  assert.equal(pr.data.number, 2);
});

test('duplicate and nameless repositories are 422 Validation Failed', async () => {
  await gh.rest.repos.createForAuthenticatedUser({ name: 'dup' });
  const err = await rejects(() => gh.rest.repos.createForAuthenticatedUser({ name: 'dup' }));
  assert.equal(err.status, 422);
  assert.equal(err.response.data.message, 'Validation Failed');
  assert.equal(err.response.data.errors[0].resource, 'Repository');
  assert.equal(err.response.data.errors[0].field, 'name');
  const e2 = await rejects(() => gh.request('POST /user/repos', {}));
  assert.equal(e2.response.data.errors[0].code, 'missing_field');
});

test('octokit.paginate follows Link headers over 35 repositories', async () => {
  const run = await newRun();
  for (let i = 0; i < 35; i++) await run.gh.rest.repos.createForAuthenticatedUser({ name: `p${String(i).padStart(2, '0')}` });
  const first = await run.gh.rest.repos.listForAuthenticatedUser({ per_page: 30 });
  assert.equal(first.data.length, 30);
  assert.match(first.headers.link, /rel="next"/);
  assert.ok(first.headers.link.includes(run.base));
  const all = await run.gh.paginate(run.gh.rest.repos.listForAuthenticatedUser, { per_page: 30 });
  assert.equal(all.length, 35);
  assert.equal(new Set(all.map((r) => r.id)).size, 35);
  assertSchema('GET', '/user/repos', first.data);
  const byUser = await run.gh.paginate(run.gh.rest.repos.listForUser, { username: (await run.gh.rest.users.getAuthenticated()).data.login, per_page: 10 });
  assert.equal(byUser.length, 35);
});

test('GET /users/{username} and 404 for unknown users', async () => {
  const u = await gh.rest.users.getByUsername({ username: me });
  assertSchema('GET', '/users/{username}', u.data);
  assert.equal((await rejects(() => gh.rest.users.getByUsername({ username: 'ghost-xyz' }))).status, 404);
});

// ---- contents, commits, branches, refs ----
test('contents: create, get (base64), update with sha, conflicts, delete', async () => {
  await repoWithInit('files');
  const c = await gh.rest.repos.createOrUpdateFileContents({ owner: me, repo: 'files', path: 'docs/a.txt', message: 'add a', content: b64('hello\n') });
  assert.equal(c.status, 201);
  assertSchema('PUT', '/repos/{owner}/{repo}/contents/{path}', c.data);
  const g = await gh.rest.repos.getContent({ owner: me, repo: 'files', path: 'docs/a.txt' });
  assert.equal(g.data.type, 'file');
  assert.equal(Buffer.from(g.data.content, 'base64').toString(), 'hello\n');
  assert.equal(g.data.sha, c.data.content.sha);
  assertSchema('GET', '/repos/{owner}/{repo}/contents/{path}', g.data);
  // update without sha -> 422, wrong sha -> 409
  const e1 = await rejects(() => gh.rest.repos.createOrUpdateFileContents({ owner: me, repo: 'files', path: 'docs/a.txt', message: 'm', content: b64('x') }));
  assert.equal(e1.status, 422);
  const e2 = await rejects(() => gh.rest.repos.createOrUpdateFileContents({ owner: me, repo: 'files', path: 'docs/a.txt', message: 'm', content: b64('x'), sha: 'f'.repeat(40) }));
  assert.equal(e2.status, 409);
  const u = await gh.rest.repos.createOrUpdateFileContents({ owner: me, repo: 'files', path: 'docs/a.txt', message: 'update a', content: b64('bye\n'), sha: g.data.sha });
  assert.equal(u.status, 200);
  assert.deepEqual(u.data.commit.parents.map((p) => p.sha), [c.data.commit.sha]);
  const dir = await gh.rest.repos.getContent({ owner: me, repo: 'files', path: 'docs' });
  assert.ok(Array.isArray(dir.data));
  assert.equal(dir.data[0].name, 'a.txt');
  const root = await gh.rest.repos.getContent({ owner: me, repo: 'files', path: '' });
  assert.deepEqual(root.data.map((e) => e.type).sort(), ['dir', 'file']);
  const d = await gh.rest.repos.deleteFile({ owner: me, repo: 'files', path: 'docs/a.txt', message: 'rm', sha: u.data.content.sha });
  assert.equal(d.data.content, null);
  assert.equal((await rejects(() => gh.rest.repos.getContent({ owner: me, repo: 'files', path: 'docs/a.txt' }))).status, 404);
  // an old ref still sees the old file
  const old = await gh.rest.repos.getContent({ owner: me, repo: 'files', path: 'docs/a.txt', ref: c.data.commit.sha });
  assert.equal(Buffer.from(old.data.content, 'base64').toString(), 'hello\n');
});

test('commits list and get, newest first', async () => {
  await repoWithInit('hist');
  await gh.rest.repos.createOrUpdateFileContents({ owner: me, repo: 'hist', path: 'x', message: 'second', content: b64('1') });
  const l = await gh.rest.repos.listCommits({ owner: me, repo: 'hist' });
  assert.deepEqual(l.data.map((c) => c.commit.message), ['second', 'Initial commit']);
  assertSchema('GET', '/repos/{owner}/{repo}/commits', l.data);
  const g = await gh.rest.repos.getCommit({ owner: me, repo: 'hist', ref: l.data[0].sha });
  assert.equal(g.data.files[0].filename, 'x');
  assertSchema('GET', '/repos/{owner}/{repo}/commits/{ref}', g.data);
});

test('branches via git refs: create, get, list, update fast-forward, delete', async () => {
  await repoWithInit('refs');
  const main = await gh.rest.git.getRef({ owner: me, repo: 'refs', ref: 'heads/main' });
  assertSchema('GET', '/repos/{owner}/{repo}/git/ref/{ref}', main.data);
  const created = await gh.rest.git.createRef({ owner: me, repo: 'refs', ref: 'refs/heads/feature', sha: main.data.object.sha });
  assert.equal(created.status, 201);
  const dup = await rejects(() => gh.rest.git.createRef({ owner: me, repo: 'refs', ref: 'refs/heads/feature', sha: main.data.object.sha }));
  assert.equal(dup.status, 422);
  assert.equal(dup.response.data.message, 'Reference already exists');
  const branches = await gh.rest.repos.listBranches({ owner: me, repo: 'refs' });
  assert.deepEqual(branches.data.map((b) => b.name).sort(), ['feature', 'main']);
  assertSchema('GET', '/repos/{owner}/{repo}/branches', branches.data);
  const b = await gh.rest.repos.getBranch({ owner: me, repo: 'refs', branch: 'feature' });
  assert.equal(b.data.commit.sha, main.data.object.sha);
  assertSchema('GET', '/repos/{owner}/{repo}/branches/{branch}', b.data);
  const put = await gh.rest.repos.createOrUpdateFileContents({ owner: me, repo: 'refs', path: 'f.txt', message: 'on feature', content: b64('f'), branch: 'feature' });
  // main moves forward to the feature commit (fast-forward)
  const upd = await gh.rest.git.updateRef({ owner: me, repo: 'refs', ref: 'heads/main', sha: put.data.commit.sha });
  assert.equal(upd.data.object.sha, put.data.commit.sha);
  const refs = await gh.rest.git.listMatchingRefs({ owner: me, repo: 'refs', ref: 'heads/' });
  assert.equal(refs.data.length, 2);
  assert.equal((await gh.rest.git.deleteRef({ owner: me, repo: 'refs', ref: 'heads/feature' })).status, 204);
  assert.equal((await rejects(() => gh.rest.git.getRef({ owner: me, repo: 'refs', ref: 'heads/feature' }))).status, 404);
});

test('non-fast-forward ref update is refused without force', async () => {
  await repoWithInit('ff');
  const main = (await gh.rest.git.getRef({ owner: me, repo: 'ff', ref: 'heads/main' })).data.object.sha;
  await gh.rest.git.createRef({ owner: me, repo: 'ff', ref: 'refs/heads/side', sha: main });
  const s = await gh.rest.repos.createOrUpdateFileContents({ owner: me, repo: 'ff', path: 's', message: 's', content: b64('s'), branch: 'side' });
  await gh.rest.repos.createOrUpdateFileContents({ owner: me, repo: 'ff', path: 'm', message: 'm', content: b64('m') });
  const err = await rejects(() => gh.rest.git.updateRef({ owner: me, repo: 'ff', ref: 'heads/main', sha: s.data.commit.sha }));
  assert.equal(err.status, 422);
  const ok = await gh.rest.git.updateRef({ owner: me, repo: 'ff', ref: 'heads/main', sha: s.data.commit.sha, force: true });
  assert.equal(ok.data.object.sha, s.data.commit.sha);
});

// ---- issues, comments, labels ----
test('issues: create, get, list with filters, close', async () => {
  await repoWithInit('iss');
  const i1 = await gh.rest.issues.create({ owner: me, repo: 'iss', title: 'Bug one', labels: ['bug'], assignees: [me] });
  assert.equal(i1.status, 201);
  assertSchema('POST', '/repos/{owner}/{repo}/issues', i1.data);
  assert.equal(i1.data.number, 1);
  await gh.rest.issues.create({ owner: me, repo: 'iss', title: 'Feature two', labels: ['enhancement'] });
  const bugs = await gh.rest.issues.listForRepo({ owner: me, repo: 'iss', labels: 'bug' });
  assert.deepEqual(bugs.data.map((i) => i.title), ['Bug one']);
  const mine = await gh.rest.issues.listForRepo({ owner: me, repo: 'iss', assignee: me });
  assert.equal(mine.data.length, 1);
  assertSchema('GET', '/repos/{owner}/{repo}/issues', bugs.data);
  const closed = await gh.rest.issues.update({ owner: me, repo: 'iss', issue_number: 1, state: 'closed' });
  assert.equal(closed.data.state, 'closed');
  assert.ok(closed.data.closed_at);
  assert.equal((await gh.rest.issues.listForRepo({ owner: me, repo: 'iss' })).data.length, 1);
  assert.equal((await gh.rest.issues.listForRepo({ owner: me, repo: 'iss', state: 'all' })).data.length, 2);
  const e = await rejects(() => gh.rest.issues.create({ owner: me, repo: 'iss', title: '' }));
  assert.equal(e.status, 422);
});

test('issue comments: create, list, update, delete; count follows', async () => {
  await repoWithInit('cmt');
  await gh.rest.issues.create({ owner: me, repo: 'cmt', title: 't' });
  const c = await gh.rest.issues.createComment({ owner: me, repo: 'cmt', issue_number: 1, body: 'first!' });
  assert.equal(c.status, 201);
  assertSchema('POST', '/repos/{owner}/{repo}/issues/{issue_number}/comments', c.data);
  const l = await gh.rest.issues.listComments({ owner: me, repo: 'cmt', issue_number: 1 });
  assert.equal(l.data.length, 1);
  assert.equal((await gh.rest.issues.get({ owner: me, repo: 'cmt', issue_number: 1 })).data.comments, 1);
  const u = await gh.rest.issues.updateComment({ owner: me, repo: 'cmt', comment_id: c.data.id, body: 'edited' });
  assert.equal(u.data.body, 'edited');
  assert.equal((await gh.rest.issues.deleteComment({ owner: me, repo: 'cmt', comment_id: c.data.id })).status, 204);
});

test('labels: repo CRUD and add/remove on issues', async () => {
  await repoWithInit('lbl');
  const l = await gh.rest.issues.createLabel({ owner: me, repo: 'lbl', name: 'p1', color: 'ff0000', description: 'urgent' });
  assert.equal(l.status, 201);
  assertSchema('POST', '/repos/{owner}/{repo}/labels', l.data);
  assert.equal((await rejects(() => gh.rest.issues.createLabel({ owner: me, repo: 'lbl', name: 'p1' }))).status, 422);
  await gh.rest.issues.create({ owner: me, repo: 'lbl', title: 't' });
  const added = await gh.rest.issues.addLabels({ owner: me, repo: 'lbl', issue_number: 1, labels: ['p1', 'new'] });
  assert.deepEqual(added.data.map((x) => x.name), ['p1', 'new']);
  const removed = await gh.rest.issues.removeLabel({ owner: me, repo: 'lbl', issue_number: 1, name: 'p1' });
  assert.deepEqual(removed.data.map((x) => x.name), ['new']);
  const upd = await gh.rest.issues.updateLabel({ owner: me, repo: 'lbl', name: 'p1', new_name: 'p0' });
  assert.equal(upd.data.name, 'p0');
  assert.equal((await gh.rest.issues.deleteLabel({ owner: me, repo: 'lbl', name: 'p0' })).status, 204);
  const all = await gh.rest.issues.listLabelsForRepo({ owner: me, repo: 'lbl' });
  assert.deepEqual(all.data.map((x) => x.name), ['new']);
});

// ---- pulls ----
async function prRepo(name) {
  await repoWithInit(name);
  const main = (await gh.rest.git.getRef({ owner: me, repo: name, ref: 'heads/main' })).data.object.sha;
  await gh.rest.git.createRef({ owner: me, repo: name, ref: 'refs/heads/topic', sha: main });
  await gh.rest.repos.createOrUpdateFileContents({ owner: me, repo: name, path: 'topic.txt', message: 'topic work', content: b64('t\n'), branch: 'topic' });
}

test('pull requests: create validates head/base, get, list, files', async () => {
  await prRepo('pr1');
  const bad = await rejects(() => gh.rest.pulls.create({ owner: me, repo: 'pr1', title: 'x', head: 'nope', base: 'main' }));
  assert.equal(bad.status, 422);
  const pr = await gh.rest.pulls.create({ owner: me, repo: 'pr1', title: 'Topic', head: 'topic', base: 'main', body: 'please' });
  assert.equal(pr.status, 201);
  assertSchema('POST', '/repos/{owner}/{repo}/pulls', pr.data);
  assert.equal(pr.data.head.ref, 'topic');
  const g = await gh.rest.pulls.get({ owner: me, repo: 'pr1', pull_number: pr.data.number });
  assertSchema('GET', '/repos/{owner}/{repo}/pulls/{pull_number}', g.data);
  assert.equal(g.data.mergeable, true);
  const l = await gh.rest.pulls.list({ owner: me, repo: 'pr1' });
  assert.equal(l.data.length, 1);
  assertSchema('GET', '/repos/{owner}/{repo}/pulls', l.data);
  const files = await gh.rest.pulls.listFiles({ owner: me, repo: 'pr1', pull_number: pr.data.number });
  assert.deepEqual(files.data.map((f) => f.filename), ['topic.txt']);
  // PRs show up in the issues list too
  const issues = await gh.rest.issues.listForRepo({ owner: me, repo: 'pr1' });
  assert.ok(issues.data[0].pull_request);
});

test('merge a pull request: merge commit on base, 405 on second merge', async () => {
  await prRepo('pr2');
  const pr = (await gh.rest.pulls.create({ owner: me, repo: 'pr2', title: 'Topic', head: 'topic', base: 'main' })).data;
  const m = await gh.rest.pulls.merge({ owner: me, repo: 'pr2', pull_number: pr.number });
  assert.equal(m.data.merged, true);
  const main = await gh.rest.repos.getBranch({ owner: me, repo: 'pr2', branch: 'main' });
  assert.equal(main.data.commit.sha, m.data.sha);
  assert.equal(main.data.commit.parents.length, 2);
  const content = await gh.rest.repos.getContent({ owner: me, repo: 'pr2', path: 'topic.txt' });
  assert.equal(Buffer.from(content.data.content, 'base64').toString(), 't\n');
  const after = await gh.rest.pulls.get({ owner: me, repo: 'pr2', pull_number: pr.number });
  assert.equal(after.data.merged, true);
  assert.equal(after.data.state, 'closed');
  assert.equal(after.data.merge_commit_sha, m.data.sha);
  assert.equal((await gh.rest.pulls.checkIfMerged({ owner: me, repo: 'pr2', pull_number: pr.number })).status, 204);
  const again = await rejects(() => gh.rest.pulls.merge({ owner: me, repo: 'pr2', pull_number: pr.number }));
  assert.equal(again.status, 405);
});

test('pull requests: close via update, requested reviewers and reviews', async () => {
  await prRepo('pr3');
  await gh.rest.users.getByUsername({ username: me });
  const pr = (await gh.rest.pulls.create({ owner: me, repo: 'pr3', title: 'Topic', head: 'topic', base: 'main' })).data;
  const rr = await gh.rest.pulls.requestReviewers({ owner: me, repo: 'pr3', pull_number: pr.number, reviewers: [me] });
  assert.equal(rr.status, 201);
  const list = await gh.rest.pulls.listRequestedReviewers({ owner: me, repo: 'pr3', pull_number: pr.number });
  assert.deepEqual(list.data.users.map((u) => u.login), [me]);
  const rv = await gh.rest.pulls.createReview({ owner: me, repo: 'pr3', pull_number: pr.number, event: 'APPROVE' });
  assert.equal(rv.data.state, 'APPROVED');
  assertSchema('POST', '/repos/{owner}/{repo}/pulls/{pull_number}/reviews', rv.data);
  assert.equal((await gh.rest.pulls.listReviews({ owner: me, repo: 'pr3', pull_number: pr.number })).data.length, 1);
  const closed = await gh.rest.pulls.update({ owner: me, repo: 'pr3', pull_number: pr.number, state: 'closed' });
  assert.equal(closed.data.state, 'closed');
  const m = await rejects(() => gh.rest.pulls.merge({ owner: me, repo: 'pr3', pull_number: pr.number }));
  assert.equal(m.status, 405);
});

// ---- statuses and checks ----
test('commit statuses and the combined status', async () => {
  await repoWithInit('st');
  const sha = (await gh.rest.repos.getBranch({ owner: me, repo: 'st', branch: 'main' })).data.commit.sha;
  const s = await gh.rest.repos.createCommitStatus({ owner: me, repo: 'st', sha, state: 'pending', context: 'ci/test' });
  assert.equal(s.status, 201);
  assertSchema('POST', '/repos/{owner}/{repo}/statuses/{sha}', s.data);
  await gh.rest.repos.createCommitStatus({ owner: me, repo: 'st', sha, state: 'success', context: 'ci/test' });
  await gh.rest.repos.createCommitStatus({ owner: me, repo: 'st', sha, state: 'success', context: 'ci/lint' });
  const comb = await gh.rest.repos.getCombinedStatusForRef({ owner: me, repo: 'st', ref: 'main' });
  assert.equal(comb.data.state, 'success');
  assert.equal(comb.data.total_count, 2);
  assertSchema('GET', '/repos/{owner}/{repo}/commits/{ref}/status', comb.data);
  await gh.rest.repos.createCommitStatus({ owner: me, repo: 'st', sha, state: 'failure', context: 'ci/lint' });
  assert.equal((await gh.rest.repos.getCombinedStatusForRef({ owner: me, repo: 'st', ref: sha })).data.state, 'failure');
  const bad = await rejects(() => gh.rest.repos.createCommitStatus({ owner: me, repo: 'st', sha, state: 'bogus' }));
  assert.equal(bad.status, 422);
});

test('check runs: create, update to completed, list for ref, suite follows', async () => {
  await repoWithInit('ck');
  const sha = (await gh.rest.repos.getBranch({ owner: me, repo: 'ck', branch: 'main' })).data.commit.sha;
  const run = await gh.rest.checks.create({ owner: me, repo: 'ck', name: 'build', head_sha: sha, status: 'in_progress' });
  assert.equal(run.status, 201);
  assertSchema('POST', '/repos/{owner}/{repo}/check-runs', run.data);
  const done = await gh.rest.checks.update({ owner: me, repo: 'ck', check_run_id: run.data.id, conclusion: 'success', output: { title: 'ok', summary: 'all good' } });
  assert.equal(done.data.status, 'completed');
  assert.ok(done.data.completed_at);
  const list = await gh.rest.checks.listForRef({ owner: me, repo: 'ck', ref: 'main' });
  assert.equal(list.data.total_count, 1);
  assertSchema('GET', '/repos/{owner}/{repo}/commits/{ref}/check-runs', list.data);
  const suites = await gh.rest.checks.listSuitesForRef({ owner: me, repo: 'ck', ref: sha });
  assert.equal(suites.data.check_suites[0].conclusion, 'success');
  const got = await gh.rest.checks.get({ owner: me, repo: 'ck', check_run_id: run.data.id });
  assert.equal(got.data.output.title, 'ok');
});

// ---- webhooks ----
const sign = (secret, body) => 'sha256=' + createHmac('sha256', secret).update(body).digest('hex');

test('webhooks: hook CRUD, ping, signed push / pull_request / issues / check_run deliveries', async () => {
  const rx = await startReceiver();
  try {
    await prRepo('wh');
    const secret = 's3cret';
    const h = await gh.rest.repos.createWebhook({ owner: me, repo: 'wh', config: { url: rx.url, content_type: 'json', secret }, events: ['push', 'pull_request', 'issues', 'check_run', 'check_suite'] });
    assert.equal(h.status, 201);
    assertSchema('POST', '/repos/{owner}/{repo}/hooks', h.data);
    assert.equal(h.data.config.url, rx.url);
    const ping = await rx.waitFor((d) => d.headers['x-github-event'] === 'ping');
    assert.equal(ping.headers['x-hub-signature-256'], sign(secret, ping.raw));
    assert.match(ping.headers['user-agent'], /^GitHub-Hookshot\//);
    assert.match(ping.headers['x-github-delivery'], /^[0-9a-f-]{36}$/);
    await gh.rest.repos.createOrUpdateFileContents({ owner: me, repo: 'wh', path: 'p.txt', message: 'push me', content: b64('p') });
    const push = await rx.waitFor((d) => d.headers['x-github-event'] === 'push');
    assert.equal(push.headers['x-hub-signature-256'], sign(secret, push.raw));
    const pp = JSON.parse(push.body);
    assert.equal(pp.ref, 'refs/heads/main');
    assert.equal(pp.head_commit.message, 'push me');
    assert.deepEqual(pp.head_commit.added, ['p.txt']);
    const pr = (await gh.rest.pulls.create({ owner: me, repo: 'wh', title: 'T', head: 'topic', base: 'main' })).data;
    const opened = await rx.waitFor((d) => d.headers['x-github-event'] === 'pull_request' && JSON.parse(d.body).action === 'opened');
    assert.equal(JSON.parse(opened.body).pull_request.number, pr.number);
    await gh.rest.pulls.merge({ owner: me, repo: 'wh', pull_number: pr.number });
    const closed = await rx.waitFor((d) => d.headers['x-github-event'] === 'pull_request' && JSON.parse(d.body).action === 'closed');
    assert.equal(JSON.parse(closed.body).pull_request.merged, true);
    await gh.rest.issues.create({ owner: me, repo: 'wh', title: 'hooked' });
    const iss = await rx.waitFor((d) => d.headers['x-github-event'] === 'issues');
    assert.equal(JSON.parse(iss.body).action, 'opened');
    const sha = (await gh.rest.repos.getBranch({ owner: me, repo: 'wh', branch: 'main' })).data.commit.sha;
    await gh.rest.checks.create({ owner: me, repo: 'wh', name: 'ci', head_sha: sha, conclusion: 'failure' });
    await rx.waitFor((d) => d.headers['x-github-event'] === 'check_run');
    const suite = await rx.waitFor((d) => d.headers['x-github-event'] === 'check_suite');
    assert.equal(JSON.parse(suite.body).check_suite.conclusion, 'failure');
    const before = rx.deliveries.length;
    assert.equal((await gh.rest.repos.pingWebhook({ owner: me, repo: 'wh', hook_id: h.data.id })).status, 204);
    await rx.waitFor((d, i) => rx.deliveries.indexOf(d) >= before && d.headers['x-github-event'] === 'ping');
    const list = await gh.rest.repos.listWebhooks({ owner: me, repo: 'wh' });
    assert.equal(list.data.length, 1);
    // A hook is found only through its own repository.
    await repoWithInit('wh-other');
    const wrong = await rejects(() => gh.rest.repos.getWebhook({ owner: me, repo: 'wh-other', hook_id: h.data.id }));
    assert.equal(wrong.status, 404);
    assert.equal((await gh.rest.repos.getWebhook({ owner: me, repo: 'wh', hook_id: h.data.id })).data.id, h.data.id);
    const upd = await gh.rest.repos.updateWebhook({ owner: me, repo: 'wh', hook_id: h.data.id, active: false });
    assert.equal(upd.data.active, false);
    assert.equal((await gh.rest.repos.deleteWebhook({ owner: me, repo: 'wh', hook_id: h.data.id })).status, 204);
  } finally {
    await rx.close();
  }
});

// ---- seeding ----
test('seeding from preset-cicd-pipeline gives repos, files, PRs and issues', async () => {
  const run = await newRun({ scenario_id: 'preset-cicd-pipeline' });
  const g = run.gh;
  const viewer = (await g.rest.users.getAuthenticated()).data.login;
  assert.equal(viewer, 'mara-dev');
  const org = await g.rest.orgs.get({ org: 'acme-eng' });
  assertSchema('GET', '/orgs/{org}', org.data);
  const repos = await g.rest.repos.listForOrg({ org: 'acme-eng' });
  assert.deepEqual(repos.data.map((r) => r.name), ['storefront-api']);
  const readme = await g.rest.repos.getContent({ owner: 'acme-eng', repo: 'storefront-api', path: 'README.md' });
  assert.match(Buffer.from(readme.data.content, 'base64').toString(), /storefront-api/);
  const prs = await g.rest.pulls.list({ owner: 'acme-eng', repo: 'storefront-api', state: 'all' });
  assert.equal(prs.data.length, 2);
  const merged = prs.data.find((p) => p.title.startsWith('Bump'));
  assert.ok(merged.merged_at);
  const open = prs.data.find((p) => p.state === 'open');
  assert.equal(open.head.ref, 'feature/webhook-retry');
  const issues = await g.rest.issues.listForRepo({ owner: 'acme-eng', repo: 'storefront-api', labels: 'bug' });
  assert.equal(issues.data.length, 1);
  const branches = await g.rest.repos.listBranches({ owner: 'acme-eng', repo: 'storefront-api' });
  assert.ok(branches.data.find((b) => b.name === 'main').protected);
  // determinism: a second run of the scenario has the same ids
  const run2 = await newRun({ scenario_id: 'preset-cicd-pipeline' });
  const r2 = await run2.gh.rest.repos.get({ owner: 'acme-eng', repo: 'storefront-api' });
  assert.equal(r2.data.id, repos.data[0].id);
});

test('seeding from preset-access-control applies token_scopes and hides private repos from narrow tokens', async () => {
  const run = await newRun({ scenario_id: 'preset-access-control' });
  const g = run.gh;
  const pub = await g.rest.repos.get({ owner: 'secure-co', repo: 'public-site' });
  assert.equal(pub.data.private, false);
  assert.equal(pub.headers['x-oauth-scopes'], 'read:org, public_repo');
  const err = await rejects(() => g.rest.issues.create({ owner: 'secure-co', repo: 'public-site', title: 'x' }));
  assert.equal(err.status, 403);
  const anon = await raw(run, 'GET', '/repos/secure-co/payments-core', { auth: false });
  assert.equal(anon.status, 404);
});

test('anonymous public reads get the 60/hour rate limit; private repos stay hidden', async () => {
  await gh.rest.repos.createForAuthenticatedUser({ name: 'pubread' });
  await gh.rest.repos.createForAuthenticatedUser({ name: 'privread', private: true });
  const r = await raw(ctx, 'GET', `/repos/${me}/pubread`, { auth: false });
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('x-ratelimit-limit'), '60');
  assert.equal((await raw(ctx, 'GET', `/repos/${me}/privread`, { auth: false })).status, 404);
});

test('contents PUT on a missing branch is 404 and without message is 422', async () => {
  await repoWithInit('nobranch');
  const e = await rejects(() => gh.rest.repos.createOrUpdateFileContents({ owner: me, repo: 'nobranch', path: 'a', message: 'm', content: b64('a'), branch: 'ghost' }));
  assert.equal(e.status, 404);
  const e2 = await rejects(() => gh.request('PUT /repos/{owner}/{repo}/contents/{path}', { owner: me, repo: 'nobranch', path: 'a', content: b64('a') }));
  assert.equal(e2.status, 422);
});

test('an empty repository gets its first commit from the contents API', async () => {
  await gh.rest.repos.createForAuthenticatedUser({ name: 'empty' });
  const e = await rejects(() => gh.rest.repos.listCommits({ owner: me, repo: 'empty' }));
  assert.equal(e.status, 409);
  const c = await gh.rest.repos.createOrUpdateFileContents({ owner: me, repo: 'empty', path: 'README.md', message: 'first', content: b64('# e') });
  assert.equal(c.data.commit.parents.length, 0);
  assert.equal((await gh.rest.repos.listBranches({ owner: me, repo: 'empty' })).data[0].name, 'main');
});

test('unknown issue and pull numbers are 404', async () => {
  await repoWithInit('nums');
  assert.equal((await rejects(() => gh.rest.issues.get({ owner: me, repo: 'nums', issue_number: 99 }))).status, 404);
  assert.equal((await rejects(() => gh.rest.pulls.get({ owner: me, repo: 'nums', pull_number: 99 }))).status, 404);
});

test('organization repositories: create in a seeded org, list and get', async () => {
  const seed = { github: { users: [{ login: 'lead' }], orgs: [{ login: 'team', name: 'Team', members: ['lead'] }] } };
  const sres = await fetch(`${ctx.controlUrl}/scenarios`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: `gh-org-${Date.now()}`, twins: ['github'], seed_config: seed }) });
  assert.ok(sres.status < 300, `scenario: ${sres.status}`);
  const run = await newRun({ scenario_id: (await sres.json()).id });
  const r = await run.gh.rest.repos.createInOrg({ org: 'team', name: 'svc', auto_init: true });
  assert.equal(r.status, 201);
  assert.equal(r.data.owner.type, 'Organization');
  assert.equal(r.data.organization.login, 'team');
  const l = await run.gh.rest.repos.listForOrg({ org: 'team' });
  assert.deepEqual(l.data.map((x) => x.full_name), ['team/svc']);
  assertSchema('GET', '/orgs/{org}/repos', l.data);
  const mine = await run.gh.rest.repos.listForAuthenticatedUser();
  assert.deepEqual(mine.data.map((x) => x.full_name), ['team/svc']);
});

test('rate-limit headers count per caller kind in the clock hour; reset starts over; a 429 says the limit is exceeded', async () => {
  const run = await newRun();
  const headers = (r) => ({ limit: Number(r.headers['x-ratelimit-limit']), remaining: Number(r.headers['x-ratelimit-remaining']),
    used: Number(r.headers['x-ratelimit-used']), reset: Number(r.headers['x-ratelimit-reset']) });
  const first = headers(await run.gh.rest.users.getAuthenticated());
  assert.deepEqual({ limit: first.limit, used: first.used, remaining: first.remaining }, { limit: 5000, used: 1, remaining: 4999 });
  assert.equal(first.reset % 3600, 0, 'resets on the hour');
  assert.ok(first.reset * 1000 > Date.now() - 5000 && first.reset * 1000 <= Date.now() + 3600_000);
  const second = headers(await run.gh.rest.users.getAuthenticated());
  // (unless the clock hour turned between the two calls)
  assert.equal(second.used, second.reset === first.reset ? 2 : 1);
  assert.equal(second.remaining, 5000 - second.used);
  // anonymous callers have their own 60/hour count, even when refused
  const anon = await raw(run, 'GET', '/user', { auth: false });
  assert.equal(anon.status, 401);
  assert.equal(anon.headers.get('x-ratelimit-limit'), '60');
  assert.equal(anon.headers.get('x-ratelimit-used'), '1');
  assert.equal(anon.headers.get('x-ratelimit-resource'), 'core');
  // a reset starts the counts over
  assert.equal((await admin(run, 'POST', '/admin/reset')).status, 200);
  assert.equal(headers(await run.gh.rest.users.getAuthenticated()).used, 1);
  // an injected 429 answers in GitHub's words, with the remaining count at 0
  assert.equal((await admin(run, 'POST', '/admin/faults', { route: 'GET /user', status: 429, retry_after: 30, count: 1 })).status, 201);
  const err = await rejects(() => run.gh.rest.users.getAuthenticated());
  assert.equal(err.status, 429);
  assert.equal(err.response.data.message, 'API rate limit exceeded for user ID 1.');
  assert.equal(err.response.headers['x-ratelimit-remaining'], '0');
  assert.equal(err.response.headers['retry-after'], '30');
  assert.equal(headers(await run.gh.rest.users.getAuthenticated()).used, 3, 'the refused request counted too');
});

test('GET /rate_limit reads the live core counters and does not count itself', async () => {
  const run = await newRun();
  const get = async () => {
    const r = await run.gh.rest.rateLimit.get();
    assertSchema('GET', '/rate_limit', r.data);
    assert.deepEqual(r.data.rate, r.data.resources.core);
    return r;
  };
  const before = await get();
  const core0 = before.data.resources.core;
  assert.deepEqual({ limit: core0.limit, used: core0.used, remaining: core0.remaining }, { limit: 5000, used: 0, remaining: 5000 });
  assert.equal(core0.reset % 3600, 0, 'resets on the hour');
  assert.ok(core0.reset * 1000 > Date.now() && core0.reset * 1000 <= Date.now() + 3600_000);
  assert.equal(before.headers['x-ratelimit-used'], '0');
  assert.equal(before.data.resources.search.limit, 30);
  for (let i = 0; i < 3; i++) await run.gh.rest.users.getAuthenticated();
  await run.gh.rest.repos.get({ owner: 'nobody', repo: 'nothing' }).catch(() => {});   // a 404 counts too
  const after1 = (await get()).data.resources.core;
  const after2 = await get();
  // (unless the clock hour turned in between)
  const expected = after1.reset === core0.reset ? 4 : after1.used;
  assert.equal(after1.used, expected);
  assert.equal(after1.remaining, 5000 - expected);
  assert.deepEqual(after2.data.resources.core, after1, 'reading the status is free');
  assert.equal(after2.headers['x-ratelimit-used'], String(after1.used));
  assert.equal(Number((await run.gh.rest.users.getAuthenticated()).headers['x-ratelimit-used']), after1.used + 1);
  // anonymous callers read their own 60/hour window
  const anon0 = await raw(run, 'GET', '/rate_limit', { auth: false });
  assert.equal(anon0.status, 200);
  assert.deepEqual([anon0.json.rate.limit, anon0.json.rate.used], [60, 0]);
  await raw(run, 'GET', '/users/octocat', { auth: false });
  const anon1 = await raw(run, 'GET', '/rate_limit', { auth: false });
  assert.deepEqual([anon1.json.rate.used, anon1.json.rate.remaining], [1, 59]);
  // a reset starts the counts over
  await admin(run, 'POST', '/admin/reset');
  assert.equal((await get()).data.resources.core.used, 0);
});
