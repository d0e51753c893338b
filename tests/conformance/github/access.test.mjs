// GitHub twin conformance: repository access (collaborators, invitations,
// roles) with several users, each holding its own token, through @octokit/rest.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createScenario } from '../../lib/fixture.mjs';
import { startReceiver } from '../../lib/receiver.mjs';
import { newRun, client, admin, raw, assertSchema, assertPayload, rejects, stopServer, b64 } from './helpers.mjs';

after(stopServer);

const seed = {
  github: {
    users: [
      { login: 'alice', token: 'ghp_alice_token' },
      { login: 'bob', token: 'ghp_bob_token' },
      { login: 'carol', token: 'ghp_carol_token' },
      { login: 'dave', token: 'ghp_dave_token' },
    ],
    orgs: [{ login: 'acme', owners: ['alice'], members: ['bob'], default_repository_permission: 'read' }],
    repos: [
      { owner: 'alice', name: 'secret', private: true },
      { owner: 'alice', name: 'open', private: false },
      { owner: 'acme', name: 'tool', private: true, collaborators: [{ login: 'carol', permission: 'triage' }] },
    ],
  },
};

const sc = await createScenario('github', seed);
assert.equal(sc.status, 201, JSON.stringify(sc.body));
const ctx = await newRun({ scenario_id: sc.body.id });
const as = (login) => client(ctx.base, `ghp_${login}_token`);
const alice = as('alice'), bob = as('bob'), carol = as('carol'), dave = as('dave');

const status = async (fn) => (await rejects(fn)).status;
const failure = async (fn) => { const e = await rejects(fn); return { status: e.status, message: e.response.data.message }; };

test('each seeded token acts as its own user; config tokens name users too', async () => {
  assert.equal((await alice.rest.users.getAuthenticated()).data.login, 'alice');
  assert.equal((await bob.rest.users.getAuthenticated()).data.login, 'bob');
  // any other token is the run's viewer, the first seeded user
  assert.equal((await client(ctx.base, ctx.token).rest.users.getAuthenticated()).data.login, 'alice');
  const run = await newRun();
  const c = await admin(run, 'PATCH', '/admin/config',
    { tokens: [{ token: 'ghp_zed', login: 'zed' }, { token: 'ghp_narrow', login: 'nan', scopes: ['read:user'] }] });
  assert.equal(c.status, 200, JSON.stringify(c.json));
  assert.equal((await client(run.base, 'ghp_zed').rest.users.getAuthenticated()).data.login, 'zed');
  // a token's own scopes replace the default ones
  const narrow = client(run.base, 'ghp_narrow');
  const me = await narrow.rest.users.getAuthenticated();
  assert.equal(me.data.login, 'nan');
  assert.equal(me.headers['x-oauth-scopes'], 'read:user');
  assert.equal(await status(() => narrow.rest.repos.createForAuthenticatedUser({ name: 'n' })), 403);
  assert.equal((await client(run.base, 'ghp_zed').rest.repos.createForAuthenticatedUser({ name: 'z' })).data.full_name, 'zed/z');
});

test('a private repository is 404 to users without access and to anonymous callers', async () => {
  const own = await alice.rest.repos.get({ owner: 'alice', repo: 'secret' });
  assert.equal(own.data.permissions.admin, true);
  assert.equal(await status(() => bob.rest.repos.get({ owner: 'alice', repo: 'secret' })), 404);
  assert.equal(await status(() => bob.rest.issues.listForRepo({ owner: 'alice', repo: 'secret' })), 404);
  assert.equal(await status(() => bob.rest.issues.create({ owner: 'alice', repo: 'secret', title: 'x' })), 404);
  assert.equal((await raw(ctx, 'GET', '/repos/alice/secret', { auth: false })).status, 404);
  const listed = (await bob.rest.repos.listForUser({ username: 'alice' })).data.map((r) => r.name);
  assert.deepEqual(listed, ['open']);
});

test('inviting to a personal repository: pending until accepted, then write access, not admin', async () => {
  const inv = await alice.rest.repos.addCollaborator({ owner: 'alice', repo: 'secret', username: 'bob', permission: 'admin' });
  assert.equal(inv.status, 201);
  assertSchema('PUT', '/repos/{owner}/{repo}/collaborators/{username}', inv.data);
  assert.equal(inv.data.invitee.login, 'bob');
  assert.equal(inv.data.inviter.login, 'alice');
  assert.equal(inv.data.permissions, 'write');   // `permission` applies to org repositories only
  // not a collaborator yet
  assert.equal(await status(() => bob.rest.repos.get({ owner: 'alice', repo: 'secret' })), 404);
  assert.equal(await status(() => alice.rest.repos.checkCollaborator({ owner: 'alice', repo: 'secret', username: 'bob' })), 404);
  const repoInv = await alice.rest.repos.listInvitations({ owner: 'alice', repo: 'secret' });
  assertSchema('GET', '/repos/{owner}/{repo}/invitations', repoInv.data);
  assert.deepEqual(repoInv.data.map((i) => i.id), [inv.data.id]);
  const mine = await bob.rest.repos.listInvitationsForAuthenticatedUser();
  assertSchema('GET', '/user/repository_invitations', mine.data);
  assert.deepEqual(mine.data.map((i) => i.repository.full_name), ['alice/secret']);
  // somebody else cannot accept bob's invitation
  assert.equal(await status(() => carol.rest.repos.acceptInvitationForAuthenticatedUser({ invitation_id: inv.data.id })), 404);
  const acc = await bob.rest.repos.acceptInvitationForAuthenticatedUser({ invitation_id: inv.data.id });
  assert.equal(acc.status, 204);
  assert.deepEqual((await bob.rest.repos.listInvitationsForAuthenticatedUser()).data, []);

  const got = await bob.rest.repos.get({ owner: 'alice', repo: 'secret' });
  assert.deepEqual(got.data.permissions, { admin: false, maintain: false, push: true, triage: true, pull: true });
  assert.equal((await alice.rest.repos.checkCollaborator({ owner: 'alice', repo: 'secret', username: 'bob' })).status, 204);
  const perm = await alice.rest.repos.getCollaboratorPermissionLevel({ owner: 'alice', repo: 'secret', username: 'bob' });
  assertSchema('GET', '/repos/{owner}/{repo}/collaborators/{username}/permission', perm.data);
  assert.equal(perm.data.permission, 'write');
  assert.equal(perm.data.role_name, 'write');
  assert.equal(perm.data.user.login, 'bob');
  const list = await bob.rest.repos.listCollaborators({ owner: 'alice', repo: 'secret' });
  assertSchema('GET', '/repos/{owner}/{repo}/collaborators', list.data);
  assert.deepEqual(list.data.map((c) => [c.login, c.role_name]), [['alice', 'admin'], ['bob', 'write']]);
  assert.ok((await bob.rest.repos.listForAuthenticatedUser()).data.some((r) => r.full_name === 'alice/secret'));
  const byAff = async (affiliation) => (await bob.rest.repos.listForAuthenticatedUser({ affiliation })).data.map((r) => r.full_name);
  assert.deepEqual(await byAff('collaborator'), ['alice/secret']);
  assert.deepEqual(await byAff('organization_member'), ['acme/tool']);
  assert.deepEqual(await byAff('owner'), []);

  // write: pushes and releases work; admin things do not
  const put = await bob.rest.repos.createOrUpdateFileContents({ owner: 'alice', repo: 'secret', path: 'b.txt', message: 'b', content: b64('b') });
  assert.equal(put.status, 201);
  assert.equal((await bob.rest.repos.createRelease({ owner: 'alice', repo: 'secret', tag_name: 'v1' })).status, 201);
  assert.equal((await bob.rest.issues.createLabel({ owner: 'alice', repo: 'secret', name: 'bug', color: 'ff0000' })).status, 201);
  assert.deepEqual(await failure(() => bob.rest.repos.delete({ owner: 'alice', repo: 'secret' })),
    { status: 403, message: 'Must have admin rights to Repository.' });
  assert.deepEqual(await failure(() => bob.rest.repos.update({ owner: 'alice', repo: 'secret', private: false })),
    { status: 403, message: 'Must have admin rights to Repository.' });
  assert.equal(await status(() => bob.rest.repos.listWebhooks({ owner: 'alice', repo: 'secret' })), 404);
  assert.equal(await status(() => bob.rest.repos.createWebhook({ owner: 'alice', repo: 'secret', config: { url: 'http://127.0.0.1:9/h' } })), 404);
  assert.deepEqual(await failure(() => bob.rest.repos.addCollaborator({ owner: 'alice', repo: 'secret', username: 'carol' })),
    { status: 403, message: 'Must have admin rights to Repository.' });
  // adding an existing collaborator again is a 204
  assert.equal((await alice.rest.repos.addCollaborator({ owner: 'alice', repo: 'secret', username: 'bob' })).status, 204);

  // a collaborator may leave; afterwards the repository is hidden again
  assert.equal((await bob.rest.repos.removeCollaborator({ owner: 'alice', repo: 'secret', username: 'bob' })).status, 204);
  assert.equal(await status(() => bob.rest.repos.get({ owner: 'alice', repo: 'secret' })), 404);
});

test('declining and withdrawing invitations; bad input', async () => {
  const inv = (await alice.rest.repos.addCollaborator({ owner: 'alice', repo: 'secret', username: 'carol' })).data;
  assert.equal((await carol.rest.repos.declineInvitationForAuthenticatedUser({ invitation_id: inv.id })).status, 204);
  assert.equal(await status(() => carol.rest.repos.get({ owner: 'alice', repo: 'secret' })), 404);
  assert.deepEqual((await alice.rest.repos.listInvitations({ owner: 'alice', repo: 'secret' })).data, []);

  const inv2 = (await alice.rest.repos.addCollaborator({ owner: 'alice', repo: 'secret', username: 'dave' })).data;
  const upd = await alice.rest.repos.updateInvitation({ owner: 'alice', repo: 'secret', invitation_id: inv2.id, permissions: 'read' });
  assertSchema('PATCH', '/repos/{owner}/{repo}/invitations/{invitation_id}', upd.data);
  assert.equal(upd.data.permissions, 'write');   // personal repositories only have write collaborators
  assert.equal((await alice.rest.repos.deleteInvitation({ owner: 'alice', repo: 'secret', invitation_id: inv2.id })).status, 204);
  assert.deepEqual((await dave.rest.repos.listInvitationsForAuthenticatedUser()).data, []);
  assert.equal(await status(() => dave.rest.repos.acceptInvitationForAuthenticatedUser({ invitation_id: inv2.id })), 404);

  assert.equal(await status(() => alice.rest.repos.addCollaborator({ owner: 'alice', repo: 'secret', username: 'bob', permission: 'owner' })), 422);
  assert.equal(await status(() => alice.rest.repos.addCollaborator({ owner: 'alice', repo: 'secret', username: 'nobody-here' })), 404);
  assert.equal(await status(() => alice.rest.repos.addCollaborator({ owner: 'alice', repo: 'secret', username: 'alice' })), 422);
  assert.equal(await status(() => alice.rest.repos.getCollaboratorPermissionLevel({ owner: 'alice', repo: 'secret', username: 'nobody-here' })), 404);
});

test('a public repository: everyone reads and opens issues; labels, pushes and collaborators need a role', async () => {
  const r = await bob.rest.repos.get({ owner: 'alice', repo: 'open' });
  assert.deepEqual(r.data.permissions, { admin: false, maintain: false, push: false, triage: false, pull: true });
  await alice.rest.issues.createLabel({ owner: 'alice', repo: 'open', name: 'bug', color: 'ff0000' });
  const issue = await bob.rest.issues.create({ owner: 'alice', repo: 'open', title: 'from bob', labels: ['bug'], assignees: ['alice'] });
  assert.equal(issue.status, 201);
  assert.deepEqual(issue.data.labels, []);        // dropped silently without push access
  assert.deepEqual(issue.data.assignees, []);
  const n = issue.data.number;
  assert.equal(await status(() => bob.rest.issues.addLabels({ owner: 'alice', repo: 'open', issue_number: n, labels: ['bug'] })), 404);
  assert.equal(await status(() => bob.rest.issues.createLabel({ owner: 'alice', repo: 'open', name: 'x', color: '000000' })), 404);
  assert.equal(await status(() => bob.rest.repos.createOrUpdateFileContents({ owner: 'alice', repo: 'open', path: 'x', message: 'x', content: b64('x') })), 404);
  assert.equal(await status(() => bob.rest.git.createRef({ owner: 'alice', repo: 'open', ref: 'refs/heads/x', sha: 'a'.repeat(40) })), 404);
  assert.equal(await status(() => bob.rest.repos.createRelease({ owner: 'alice', repo: 'open', tag_name: 'v9' })), 404);
  assert.deepEqual(await failure(() => bob.rest.repos.listCollaborators({ owner: 'alice', repo: 'open' })),
    { status: 403, message: 'Must have push access to view repository collaborators.' });
  // the author edits their own issue; another reader may not; the owner may
  assert.equal((await bob.rest.issues.update({ owner: 'alice', repo: 'open', issue_number: n, title: 'edited' })).data.title, 'edited');
  assert.equal(await status(() => carol.rest.issues.update({ owner: 'alice', repo: 'open', issue_number: n, state: 'closed' })), 403);
  const c = await carol.rest.issues.createComment({ owner: 'alice', repo: 'open', issue_number: n, body: 'hi' });
  assert.equal(await status(() => bob.rest.issues.updateComment({ owner: 'alice', repo: 'open', comment_id: c.data.id, body: 'no' })), 404);
  assert.equal(await status(() => bob.rest.issues.deleteComment({ owner: 'alice', repo: 'open', comment_id: c.data.id })), 404);
  assert.equal((await carol.rest.issues.updateComment({ owner: 'alice', repo: 'open', comment_id: c.data.id, body: 'edited' })).data.body, 'edited');
  assert.equal((await alice.rest.issues.update({ owner: 'alice', repo: 'open', issue_number: n, state: 'closed' })).data.state, 'closed');
  const p = await alice.rest.repos.getCollaboratorPermissionLevel({ owner: 'alice', repo: 'open', username: 'dave' });
  assert.equal(p.data.permission, 'read');
  assert.equal(await status(() => alice.rest.repos.checkCollaborator({ owner: 'alice', repo: 'open', username: 'dave' })), 404);
});

test('organization repositories: owners admin, members the base role, direct roles by level', async () => {
  const o = { owner: 'acme', repo: 'tool' };
  assert.equal(await status(() => dave.rest.repos.get(o)), 404);
  // bob: member with the base role read
  assert.equal((await bob.rest.repos.get(o)).data.permissions.pull, true);
  assert.equal((await bob.rest.issues.create({ ...o, title: 'bug report' })).status, 201);
  assert.equal(await status(() => bob.rest.repos.createOrUpdateFileContents({ ...o, path: 'x', message: 'x', content: b64('x') })), 404);
  // carol: triage applies labels, cannot create them or push
  await alice.rest.issues.createLabel({ ...o, name: 'triaged', color: '00ff00' });
  const issue = (await alice.rest.issues.create({ ...o, title: 'needs triage' })).data;
  const l = await carol.rest.issues.addLabels({ ...o, issue_number: issue.number, labels: ['triaged'] });
  assert.deepEqual(l.data.map((x) => x.name), ['triaged']);
  assert.equal((await carol.rest.issues.update({ ...o, issue_number: issue.number, state: 'closed' })).data.state, 'closed');
  assert.equal(await status(() => carol.rest.issues.createLabel({ ...o, name: 'new', color: '000000' })), 404);
  assert.equal(await status(() => carol.rest.repos.createOrUpdateFileContents({ ...o, path: 'x', message: 'x', content: b64('x') })), 404);
  assert.deepEqual(await failure(() => carol.rest.repos.listCollaborators(o)),
    { status: 403, message: 'Must have push access to view repository collaborators.' });
  // alice owns the org: admin
  const ap = await alice.rest.repos.getCollaboratorPermissionLevel({ ...o, username: 'alice' });
  assert.deepEqual([ap.data.permission, ap.data.role_name], ['admin', 'admin']);
  // a member gets a direct role at once (204); maintain is write in the legacy field
  assert.equal((await alice.rest.repos.addCollaborator({ ...o, username: 'bob', permission: 'maintain' })).status, 204);
  const bp = await alice.rest.repos.getCollaboratorPermissionLevel({ ...o, username: 'bob' });
  assert.deepEqual([bp.data.permission, bp.data.role_name], ['write', 'maintain']);
  assert.equal((await bob.rest.repos.createOrUpdateFileContents({ ...o, path: 'x', message: 'x', content: b64('x') })).status, 201);
  assert.deepEqual(await failure(() => bob.rest.repos.delete(o)), { status: 403, message: 'Must have admin rights to Repository.' });
  // an existing collaborator changes role with 204; an outsider is invited with the role asked for
  assert.equal((await alice.rest.repos.addCollaborator({ ...o, username: 'carol', permission: 'push' })).status, 204);
  const dinv = await alice.rest.repos.addCollaborator({ ...o, username: 'dave', permission: 'triage' });
  assert.equal(dinv.status, 201);
  assert.equal(dinv.data.permissions, 'triage');
  await dave.rest.repos.acceptInvitationForAuthenticatedUser({ invitation_id: dinv.data.id });
  assert.equal((await dave.rest.repos.get(o)).data.permissions.triage, true);
  assert.equal((await dave.rest.repos.get(o)).data.permissions.push, false);
  // listing with affiliation and permission filters
  const all = await bob.rest.repos.listCollaborators(o);
  assertSchema('GET', '/repos/{owner}/{repo}/collaborators', all.data);
  assert.deepEqual(all.data.map((c) => [c.login, c.role_name]),
    [['alice', 'admin'], ['bob', 'maintain'], ['carol', 'write'], ['dave', 'triage']]);
  const outside = await bob.rest.repos.listCollaborators({ ...o, affiliation: 'outside' });
  assert.deepEqual(outside.data.map((c) => c.login), ['carol', 'dave']);
  const pushers = await bob.rest.repos.listCollaborators({ ...o, permission: 'push' });
  assert.deepEqual(pushers.data.map((c) => c.login), ['alice', 'bob', 'carol']);
  const paged = await bob.rest.repos.listCollaborators({ ...o, per_page: 2, page: 2 });
  assert.deepEqual(paged.data.map((c) => c.login), ['carol', 'dave']);
  assert.match(paged.headers.link, /rel="prev"/);
  // an admin removes a collaborator; the member keeps the base role
  assert.equal((await alice.rest.repos.removeCollaborator({ ...o, username: 'bob' })).status, 204);
  const after = await alice.rest.repos.getCollaboratorPermissionLevel({ ...o, username: 'bob' });
  assert.equal(after.data.role_name, 'read');
  assert.deepEqual(await failure(() => carol.rest.repos.removeCollaborator({ ...o, username: 'dave' })),
    { status: 403, message: 'Must have admin rights to Repository.' });
});

test('an org member who creates a repository administers it', async () => {
  const run = await newRun({ scenario_id: sc.body.id });
  const b = client(run.base, 'ghp_bob_token');
  await b.rest.repos.createInOrg({ org: 'acme', name: 'bobs', private: true });
  const p = await b.rest.repos.getCollaboratorPermissionLevel({ owner: 'acme', repo: 'bobs', username: 'bob' });
  assert.equal(p.data.role_name, 'admin');
  assert.equal((await b.rest.repos.delete({ owner: 'acme', repo: 'bobs' })).status, 204);
});

test('seed collaborators and org roles are validated', async () => {
  const bad = await createScenario('github', { github: { repos: [{ owner: 'a', name: 'r', collaborators: [{ login: 'b', permission: 'owner' }] }] } });
  assert.equal(bad.status, 400);
  const bad2 = await createScenario('github', { github: { orgs: [{ login: 'o', default_repository_permission: 'push' }] } });
  assert.equal(bad2.status, 400);
});

test('accepting an invitation sends the member webhook; a pull request is edited by its author or triage', async () => {
  const run = await newRun({ scenario_id: sc.body.id });
  const a = client(run.base, 'ghp_alice_token'), c = client(run.base, 'ghp_carol_token'), d = client(run.base, 'ghp_dave_token');
  const rx = await startReceiver();
  try {
    await a.rest.repos.createWebhook({ owner: 'alice', repo: 'open', config: { url: rx.url, content_type: 'json' }, events: ['member'] });
    const inv = (await a.rest.repos.addCollaborator({ owner: 'alice', repo: 'open', username: 'carol' })).data;
    await c.rest.repos.acceptInvitationForAuthenticatedUser({ invitation_id: inv.id });
    const m = await rx.waitFor((x) => x.headers['x-github-event'] === 'member');
    const body = JSON.parse(m.body);
    assertPayload('webhook-member-added', body);
    assert.equal(body.member.login, 'carol');
    assert.equal(body.changes.permission.to, 'write');
  } finally {
    await rx.close();
  }
  // carol (write) opens a pull request; dave (reader) cannot edit it, carol can
  await a.rest.repos.createOrUpdateFileContents({ owner: 'alice', repo: 'open', path: 'a', message: 'a', content: b64('a') });
  const main = (await a.rest.git.getRef({ owner: 'alice', repo: 'open', ref: 'heads/main' })).data.object.sha;
  await c.rest.git.createRef({ owner: 'alice', repo: 'open', ref: 'refs/heads/feat', sha: main });
  await c.rest.repos.createOrUpdateFileContents({ owner: 'alice', repo: 'open', path: 'f', message: 'f', content: b64('f'), branch: 'feat' });
  const pr = (await c.rest.pulls.create({ owner: 'alice', repo: 'open', title: 'feat', head: 'feat', base: 'main' })).data;
  assert.equal(await status(() => d.rest.pulls.update({ owner: 'alice', repo: 'open', pull_number: pr.number, title: 'mine' })), 403);
  assert.equal((await c.rest.pulls.update({ owner: 'alice', repo: 'open', pull_number: pr.number, title: 'better' })).data.title, 'better');
  assert.equal(await status(() => d.rest.pulls.merge({ owner: 'alice', repo: 'open', pull_number: pr.number })), 404);
  assert.equal((await c.rest.pulls.merge({ owner: 'alice', repo: 'open', pull_number: pr.number })).data.merged, true);
});

test('draft releases are seen by people with push access only', async () => {
  const run = await newRun({ scenario_id: sc.body.id });
  const a = client(run.base, 'ghp_alice_token'), b = client(run.base, 'ghp_bob_token');
  const draft = (await a.rest.repos.createRelease({ owner: 'alice', repo: 'open', tag_name: 'v2', draft: true })).data;
  await a.rest.repos.createRelease({ owner: 'alice', repo: 'open', tag_name: 'v1' });
  assert.deepEqual((await a.rest.repos.listReleases({ owner: 'alice', repo: 'open' })).data.map((r) => r.tag_name), ['v1', 'v2']);
  assert.deepEqual((await b.rest.repos.listReleases({ owner: 'alice', repo: 'open' })).data.map((r) => r.tag_name), ['v1']);
  assert.equal(await status(() => b.rest.repos.getRelease({ owner: 'alice', repo: 'open', release_id: draft.id })), 404);
});
