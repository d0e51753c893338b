// GitHub twin conformance: organization teams (members, repositories, nesting,
// visibility, scopes), team review requests and repository invitations that
// expire, through @octokit/rest with one token per user.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createScenario } from '../../lib/fixture.mjs';
import { newRun, client, admin, assertSchema, rejects, stopServer, b64 } from './helpers.mjs';
import { startReceiver } from '../../lib/receiver.mjs';

after(stopServer);

const DAY = 24 * 3600 * 1000;
const daysAgo = (n) => new Date(Date.now() - n * DAY).toISOString().replace(/\.\d+Z$/, 'Z');

const seed = {
  github: {
    users: ['alice', 'bob', 'carol', 'dave', 'erin', 'frank'].map((login) => ({ login, token: `ghp_${login}_token` })),
    orgs: [{
      login: 'acme', owners: ['alice'], members: ['bob', 'carol', 'erin', 'frank'], default_repository_permission: 'none',
      teams: [
        { name: 'Core', description: 'core team', privacy: 'closed', maintainers: ['bob'], members: ['erin'],
          repos: [{ name: 'lib', permission: 'maintain' }] },
        { name: 'Core Infra', parent: 'Core', members: ['frank'] },
      ],
    }],
    repos: [
      { owner: 'acme', name: 'tool', private: true, branches: [{ name: 'feature' }],
        prs: [{ title: 'Add feature', head: 'feature', files: [{ path: 'f.txt', content: 'f' }] }] },
      { owner: 'acme', name: 'lib', private: true },
      { owner: 'alice', name: 'secret', private: true,
        invitations: [
          { login: 'dave', permission: 'push', created_at: daysAgo(10) },
          { login: 'erin', created_at: daysAgo(1) },
          { login: 'frank' },
        ] },
    ],
  },
};

const sc = await createScenario('github', seed);
assert.equal(sc.status, 201, JSON.stringify(sc.body));
const ctx = await newRun({ scenario_id: sc.body.id });
const as = (login) => client(ctx.base, `ghp_${login}_token`);
const alice = as('alice'), bob = as('bob'), carol = as('carol'), dave = as('dave'), erin = as('erin');

const failure = async (fn) => { const e = await rejects(fn); return { status: e.status, data: e.response.data }; };
const status = async (fn) => (await rejects(fn)).status;
const logins = (users) => users.map((u) => u.login);

test('creating a team: slug from the name, the creator maintains it, schema-valid answers', async () => {
  const t = await alice.rest.teams.create({
    org: 'acme', name: 'Platform Eng!', description: 'runs the platform', privacy: 'closed',
    maintainers: ['bob'], repo_names: ['acme/tool'],
  });
  assert.equal(t.status, 201);
  assertSchema('POST', '/orgs/{org}/teams', t.data);
  assert.equal(t.data.slug, 'platform-eng');
  assert.equal(t.data.privacy, 'closed');
  assert.equal(t.data.permission, 'pull');
  assert.equal(t.data.members_count, 2);
  assert.equal(t.data.repos_count, 1);
  assert.equal(t.data.parent, null);
  assert.equal(t.data.organization.login, 'acme');

  const got = await bob.rest.teams.getByName({ org: 'acme', team_slug: 'platform-eng' });
  assertSchema('GET', '/orgs/{org}/teams/{team_slug}', got.data);
  assert.equal(got.data.id, t.data.id);
  const list = await alice.rest.teams.list({ org: 'acme' });
  assertSchema('GET', '/orgs/{org}/teams', list.data);
  assert.deepEqual(list.data.map((x) => x.slug), ['core', 'core-infra', 'platform-eng']);
  assert.equal(list.data[1].parent.slug, 'core');

  const members = await alice.rest.teams.listMembersInOrg({ org: 'acme', team_slug: 'platform-eng' });
  assertSchema('GET', '/orgs/{org}/teams/{team_slug}/members', members.data);
  assert.deepEqual(logins(members.data), ['alice', 'bob']);
  const repos = await alice.rest.teams.listReposInOrg({ org: 'acme', team_slug: 'platform-eng' });
  assertSchema('GET', '/orgs/{org}/teams/{team_slug}/repos', repos.data);
  assert.deepEqual(repos.data.map((r) => [r.full_name, r.role_name]), [['acme/tool', 'read']]);
});

test('team creation errors: duplicate name, missing name, bad privacy, unknown org and team', async () => {
  const dup = await failure(() => alice.rest.teams.create({ org: 'acme', name: 'platform eng!' }));
  assert.equal(dup.status, 422);
  assert.equal(dup.data.message, 'Validation Failed');
  assert.deepEqual(dup.data.errors, [{ resource: 'Team', field: 'name', code: 'custom', message: 'Name must be unique for this org' }]);
  // another spelling of the same slug is taken too
  assert.equal((await failure(() => alice.rest.teams.create({ org: 'acme', name: 'Platform  Eng' }))).status, 422);
  const missing = await failure(() => alice.request('POST /orgs/{org}/teams', { org: 'acme', description: 'x' }));
  assert.equal(missing.status, 422);
  assert.deepEqual(missing.data.errors, [{ resource: 'Team', field: 'name', code: 'missing_field' }]);
  const privacy = await failure(() => alice.rest.teams.create({ org: 'acme', name: 'P', privacy: 'public' }));
  assert.deepEqual([privacy.status, privacy.data.errors[0].field], [422, 'privacy']);
  const repoName = await failure(() => alice.rest.teams.create({ org: 'acme', name: 'R', repo_names: ['alice/secret'] }));
  assert.deepEqual([repoName.status, repoName.data.errors[0].field], [422, 'repo_names']);
  assert.equal(await status(() => alice.rest.teams.create({ org: 'nope', name: 'x' })), 404);
  assert.equal(await status(() => alice.rest.teams.getByName({ org: 'acme', team_slug: 'nope' })), 404);
  assert.equal(await status(() => alice.rest.teams.list({ org: 'alice' })), 404);   // a user, not an org
  // outsiders neither create nor list the org's teams
  assert.equal(await status(() => dave.rest.teams.create({ org: 'acme', name: 'Mine' })), 403);
  assert.equal(await status(() => dave.rest.teams.list({ org: 'acme' })), 403);
  assert.equal(await status(() => dave.rest.teams.getByName({ org: 'acme', team_slug: 'core' })), 404);
  // no team was left behind by the failures
  assert.deepEqual((await alice.rest.teams.list({ org: 'acme' })).data.map((x) => x.slug), ['core', 'core-infra', 'platform-eng']);
});

test('memberships: roles, pending outsiders, removal', async () => {
  const put = await alice.rest.teams.addOrUpdateMembershipForUserInOrg({ org: 'acme', team_slug: 'platform-eng', username: 'carol' });
  assert.equal(put.status, 200);
  assertSchema('PUT', '/orgs/{org}/teams/{team_slug}/memberships/{username}', put.data);
  assert.deepEqual([put.data.role, put.data.state], ['member', 'active']);
  const got = await carol.rest.teams.getMembershipForUserInOrg({ org: 'acme', team_slug: 'platform-eng', username: 'carol' });
  assertSchema('GET', '/orgs/{org}/teams/{team_slug}/memberships/{username}', got.data);
  assert.deepEqual([got.data.role, got.data.state], ['member', 'active']);
  // org owners show as maintainers
  const owner = await alice.rest.teams.getMembershipForUserInOrg({ org: 'acme', team_slug: 'platform-eng', username: 'alice' });
  assert.equal(owner.data.role, 'maintainer');
  const maint = await alice.rest.teams.listMembersInOrg({ org: 'acme', team_slug: 'platform-eng', role: 'maintainer' });
  assert.deepEqual(logins(maint.data), ['alice', 'bob']);
  const plain = await alice.rest.teams.listMembersInOrg({ org: 'acme', team_slug: 'platform-eng', role: 'member' });
  assert.deepEqual(logins(plain.data), ['carol']);

  // somebody outside the org is invited: pending, not a member yet
  const outsider = await bob.rest.teams.addOrUpdateMembershipForUserInOrg({ org: 'acme', team_slug: 'platform-eng', username: 'dave', role: 'maintainer' });
  assert.deepEqual([outsider.data.role, outsider.data.state], ['maintainer', 'pending']);
  assert.deepEqual(logins((await alice.rest.teams.listMembersInOrg({ org: 'acme', team_slug: 'platform-eng' })).data), ['alice', 'bob', 'carol']);
  assert.equal(await status(() => dave.rest.repos.get({ owner: 'acme', repo: 'tool' })), 404);

  const badRole = await failure(() => alice.rest.teams.addOrUpdateMembershipForUserInOrg({ org: 'acme', team_slug: 'platform-eng', username: 'carol', role: 'owner' }));
  assert.deepEqual([badRole.status, badRole.data.errors[0].field], [422, 'role']);
  assert.equal(await status(() => alice.rest.teams.addOrUpdateMembershipForUserInOrg({ org: 'acme', team_slug: 'platform-eng', username: 'ghost-user' })), 404);
  assert.equal(await status(() => alice.rest.teams.addOrUpdateMembershipForUserInOrg({ org: 'acme', team_slug: 'platform-eng', username: 'acme' })), 422);
  // a plain member cannot change the team
  assert.equal(await status(() => carol.rest.teams.addOrUpdateMembershipForUserInOrg({ org: 'acme', team_slug: 'platform-eng', username: 'erin' })), 403);

  assert.equal((await alice.rest.teams.removeMembershipForUserInOrg({ org: 'acme', team_slug: 'platform-eng', username: 'dave' })).status, 204);
  assert.equal(await status(() => alice.rest.teams.getMembershipForUserInOrg({ org: 'acme', team_slug: 'platform-eng', username: 'dave' })), 404);
});

test("a team's repository role is its members' access to the repository", async () => {
  // carol (member of platform-eng, org base permission none) reads acme/tool through the team only
  const before = await carol.rest.repos.get({ owner: 'acme', repo: 'tool' });
  assert.deepEqual(before.data.permissions, { admin: false, maintain: false, push: false, triage: false, pull: true });
  assert.equal(await status(() => carol.rest.repos.createOrUpdateFileContents({ owner: 'acme', repo: 'tool', path: 'c.txt', message: 'c', content: b64('c') })), 404);

  const put = await alice.rest.teams.addOrUpdateRepoPermissionsInOrg({ org: 'acme', team_slug: 'platform-eng', owner: 'acme', repo: 'tool', permission: 'push' });
  assert.equal(put.status, 204);
  const check = await alice.rest.teams.checkPermissionsForRepoInOrg({ org: 'acme', team_slug: 'platform-eng', owner: 'acme', repo: 'tool' });
  assert.equal(check.status, 204);
  const full = await alice.rest.teams.checkPermissionsForRepoInOrg({ org: 'acme', team_slug: 'platform-eng', owner: 'acme', repo: 'tool', mediaType: { format: 'repository+json' } });
  assert.equal(full.status, 200);
  assertSchema('GET', '/orgs/{org}/teams/{team_slug}/repos/{owner}/{repo}', full.data);
  assert.equal(full.data.full_name, 'acme/tool');
  assert.equal(full.data.role_name, 'write');
  assert.equal(full.data.permissions.push, true);

  assert.equal((await carol.rest.repos.get({ owner: 'acme', repo: 'tool' })).data.permissions.push, true);
  const file = await carol.rest.repos.createOrUpdateFileContents({ owner: 'acme', repo: 'tool', path: 'c.txt', message: 'c', content: b64('c') });
  assert.equal(file.status, 201);
  const perm = await alice.rest.repos.getCollaboratorPermissionLevel({ owner: 'acme', repo: 'tool', username: 'carol' });
  assert.deepEqual([perm.data.permission, perm.data.role_name], ['write', 'write']);
  assert.ok(logins((await alice.rest.repos.listCollaborators({ owner: 'acme', repo: 'tool' })).data).includes('carol'));

  const repoTeams = await carol.rest.repos.listTeams({ owner: 'acme', repo: 'tool' });
  assertSchema('GET', '/repos/{owner}/{repo}/teams', repoTeams.data);
  assert.deepEqual(repoTeams.data.map((t) => [t.slug, t.permission]), [['platform-eng', 'push']]);
  const mine = await carol.rest.teams.listForAuthenticatedUser();
  assertSchema('GET', '/user/teams', mine.data);
  assert.deepEqual(mine.data.map((t) => t.slug), ['platform-eng']);

  const bad = await failure(() => alice.rest.teams.addOrUpdateRepoPermissionsInOrg({ org: 'acme', team_slug: 'platform-eng', owner: 'acme', repo: 'tool', permission: 'write' }));
  assert.deepEqual([bad.status, bad.data.errors[0].field], [422, 'permission']);
  // a repository outside the org cannot be a team's
  assert.equal(await status(() => alice.rest.teams.addOrUpdateRepoPermissionsInOrg({ org: 'acme', team_slug: 'platform-eng', owner: 'alice', repo: 'secret' })), 422);
  // bob maintains the team but does not administer acme/lib
  assert.equal(await status(() => bob.rest.teams.addOrUpdateRepoPermissionsInOrg({ org: 'acme', team_slug: 'platform-eng', owner: 'acme', repo: 'lib' })), 403);

  assert.equal((await alice.rest.teams.removeRepoInOrg({ org: 'acme', team_slug: 'platform-eng', owner: 'acme', repo: 'tool' })).status, 204);
  assert.equal(await status(() => alice.rest.teams.checkPermissionsForRepoInOrg({ org: 'acme', team_slug: 'platform-eng', owner: 'acme', repo: 'tool' })), 404);
  assert.equal(await status(() => carol.rest.repos.get({ owner: 'acme', repo: 'tool' })), 404);
  assert.deepEqual((await alice.rest.repos.listTeams({ owner: 'acme', repo: 'tool' })).data, []);
  await alice.rest.teams.addOrUpdateRepoPermissionsInOrg({ org: 'acme', team_slug: 'platform-eng', owner: 'acme', repo: 'tool' });
  assert.equal((await carol.rest.repos.get({ owner: 'acme', repo: 'tool' })).data.permissions.push, false);   // the team's own pull
});

test('seeded teams: roles, nesting gives a child team its parent repositories', async () => {
  const core = await erin.rest.repos.get({ owner: 'acme', repo: 'lib' });
  assert.equal(core.data.permissions.maintain, true);
  assert.equal(core.data.permissions.admin, false);
  // frank is in Core Infra only, a child of Core: he holds Core's repositories
  const frank = await as('frank').rest.repos.get({ owner: 'acme', repo: 'lib' });
  assert.equal(frank.data.permissions.maintain, true);
  const infra = await alice.rest.teams.getByName({ org: 'acme', team_slug: 'core-infra' });
  assert.equal(infra.data.parent.slug, 'core');
  assert.equal(infra.data.privacy, 'closed');
  assert.equal((await alice.rest.teams.checkPermissionsForRepoInOrg({ org: 'acme', team_slug: 'core-infra', owner: 'acme', repo: 'lib' })).status, 204);
  assert.deepEqual((await alice.rest.teams.listReposInOrg({ org: 'acme', team_slug: 'core-infra' })).data, []);
});

test('nested teams: privacy, cycles, deleting a parent deletes its children', async () => {
  const parent = (await alice.rest.teams.create({ org: 'acme', name: 'Parent' })).data;
  assert.equal(parent.privacy, 'secret');
  const secretChild = await failure(() => alice.rest.teams.create({ org: 'acme', name: 'Kid', parent_team_id: parent.id, privacy: 'secret' }));
  assert.deepEqual([secretChild.status, secretChild.data.errors[0].field], [422, 'privacy']);
  assert.equal((await failure(() => alice.rest.teams.create({ org: 'acme', name: 'Kid', parent_team_id: 1 }))).status, 422);
  const child = (await alice.rest.teams.create({ org: 'acme', name: 'Kid', parent_team_id: parent.id })).data;
  assert.equal(child.privacy, 'closed');
  assert.equal(child.parent.id, parent.id);
  // a parent cannot become its own child's child
  const cycle = await failure(() => alice.rest.teams.updateInOrg({ org: 'acme', team_slug: 'parent', parent_team_id: child.id }));
  assert.equal(cycle.status, 422);
  // a member of the child holds the parent's repositories
  await alice.rest.teams.addOrUpdateRepoPermissionsInOrg({ org: 'acme', team_slug: 'parent', owner: 'acme', repo: 'lib', permission: 'triage' });
  await alice.rest.teams.addOrUpdateMembershipForUserInOrg({ org: 'acme', team_slug: 'kid', username: 'carol' });
  assert.equal((await carol.rest.repos.get({ owner: 'acme', repo: 'lib' })).data.permissions.triage, true);

  assert.equal((await alice.rest.teams.deleteInOrg({ org: 'acme', team_slug: 'parent' })).status, 204);
  assert.equal(await status(() => alice.rest.teams.getByName({ org: 'acme', team_slug: 'parent' })), 404);
  assert.equal(await status(() => alice.rest.teams.getByName({ org: 'acme', team_slug: 'kid' })), 404);
  assert.equal(await status(() => carol.rest.repos.get({ owner: 'acme', repo: 'lib' })), 404);
});

test('secret teams are hidden from org members outside them; maintainers edit, members do not', async () => {
  const secret = (await alice.rest.teams.create({ org: 'acme', name: 'Hush', maintainers: ['bob'] })).data;
  assert.equal(secret.privacy, 'secret');
  assert.equal(await status(() => carol.rest.teams.getByName({ org: 'acme', team_slug: 'hush' })), 404);
  assert.ok(!(await carol.rest.teams.list({ org: 'acme' })).data.some((t) => t.slug === 'hush'));
  assert.ok((await bob.rest.teams.list({ org: 'acme' })).data.some((t) => t.slug === 'hush'));

  await alice.rest.teams.addOrUpdateMembershipForUserInOrg({ org: 'acme', team_slug: 'hush', username: 'carol' });
  assert.equal((await carol.rest.teams.getByName({ org: 'acme', team_slug: 'hush' })).status, 200);
  assert.equal(await status(() => carol.rest.teams.updateInOrg({ org: 'acme', team_slug: 'hush', description: 'x' })), 403);
  const renamed = await bob.rest.teams.updateInOrg({ org: 'acme', team_slug: 'hush', name: 'Quiet Ones', description: 'renamed' });
  assert.equal(renamed.status, 201);
  assertSchema('PATCH', '/orgs/{org}/teams/{team_slug}', renamed.data);
  assert.deepEqual([renamed.data.slug, renamed.data.description, renamed.data.id], ['quiet-ones', 'renamed', secret.id]);
  assert.equal(await status(() => bob.rest.teams.getByName({ org: 'acme', team_slug: 'hush' })), 404);
  // the members came along with the rename
  assert.deepEqual(logins((await bob.rest.teams.listMembersInOrg({ org: 'acme', team_slug: 'quiet-ones' })).data), ['alice', 'bob', 'carol']);
  // nothing to change: 200
  assert.equal((await bob.rest.teams.updateInOrg({ org: 'acme', team_slug: 'quiet-ones', description: 'renamed' })).status, 200);
  assert.equal((await failure(() => bob.rest.teams.updateInOrg({ org: 'acme', team_slug: 'quiet-ones', name: 'Core' }))).status, 422);
});

test('review requests to teams fill requested_teams and can be withdrawn', async () => {
  const pull_number = 1;
  const rx = await startReceiver();
  after(() => rx.close());
  await alice.rest.repos.createWebhook({ owner: 'acme', repo: 'tool', config: { url: rx.url, content_type: 'json' }, events: ['pull_request'] });
  const req = await alice.rest.pulls.requestReviewers({ owner: 'acme', repo: 'tool', pull_number, team_reviewers: ['platform-eng'] });
  assert.equal(req.status, 201);
  assertSchema('POST', '/repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers', req.data);
  assert.deepEqual(req.data.requested_teams.map((t) => t.slug), ['platform-eng']);
  const listed = await alice.rest.pulls.listRequestedReviewers({ owner: 'acme', repo: 'tool', pull_number });
  assertSchema('GET', '/repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers', listed.data);
  assert.deepEqual(listed.data.teams.map((t) => t.slug), ['platform-eng']);
  const pr = await alice.rest.pulls.get({ owner: 'acme', repo: 'tool', pull_number });
  assertSchema('GET', '/repos/{owner}/{repo}/pulls/{pull_number}', pr.data);
  assert.deepEqual(pr.data.requested_teams.map((t) => t.slug), ['platform-eng']);

  // a team without access to the repository, or no such team: 422
  for (const slug of ['core', 'nope']) {
    const e = await failure(() => alice.rest.pulls.requestReviewers({ owner: 'acme', repo: 'tool', pull_number, team_reviewers: [slug] }));
    assert.equal(e.status, 422);
    assert.match(e.data.message, /not a collaborator/);
  }
  const removed = await alice.rest.pulls.removeRequestedReviewers({ owner: 'acme', repo: 'tool', pull_number, reviewers: [], team_reviewers: ['platform-eng'] });
  assert.equal(removed.status, 200);
  assert.deepEqual(removed.data.requested_teams, []);
  assert.deepEqual((await alice.rest.pulls.listRequestedReviewers({ owner: 'acme', repo: 'tool', pull_number })).data.teams, []);

  // one pull_request delivery per reviewer, naming the team it is about
  const action = (name) => (d) => d.headers['x-github-event'] === 'pull_request' && JSON.parse(d.body).action === name;
  const asked = JSON.parse((await rx.waitFor(action('review_requested'), 15000)).body);
  assert.equal(asked.requested_team.slug, 'platform-eng');
  assert.equal(asked.requested_reviewer, undefined);
  assert.equal(asked.pull_request.number, pull_number);
  const withdrawn = JSON.parse((await rx.waitFor(action('review_request_removed'), 15000)).body);
  assert.equal(withdrawn.requested_team.slug, 'platform-eng');
  assert.deepEqual(withdrawn.pull_request.requested_teams, []);
  // and a user reviewer: requested_reviewer, once even when asked twice
  await alice.rest.pulls.requestReviewers({ owner: 'acme', repo: 'tool', pull_number, reviewers: ['bob'] });
  await alice.rest.pulls.requestReviewers({ owner: 'acme', repo: 'tool', pull_number, reviewers: ['bob'] });
  await rx.waitFor((d) => action('review_requested')(d) && JSON.parse(d.body).requested_reviewer, 15000);
  await alice.rest.pulls.removeRequestedReviewers({ owner: 'acme', repo: 'tool', pull_number, reviewers: ['bob'] });
  const gone = JSON.parse((await rx.waitFor((d) => action('review_request_removed')(d) && JSON.parse(d.body).requested_reviewer, 15000)).body);
  assert.equal(gone.requested_reviewer.login, 'bob');
  const forBob = rx.deliveries.filter(action('review_requested')).map((d) => JSON.parse(d.body)).filter((p) => p.requested_reviewer);
  assert.deepEqual(forBob.map((p) => [p.requested_reviewer.login, p.requested_team]), [['bob', undefined]]);
});

test('team routes need read:org to read and admin:org to change', async () => {
  const run = await newRun({ scenario_id: sc.body.id });
  const c = await admin(run, 'PATCH', '/admin/config', {
    tokens: [
      { token: 'ghp_reader', login: 'alice', scopes: ['repo', 'read:org'] },
      { token: 'ghp_repo_only', login: 'alice', scopes: ['repo'] },
    ],
  });
  assert.equal(c.status, 200, JSON.stringify(c.json));
  const reader = client(run.base, 'ghp_reader'), repoOnly = client(run.base, 'ghp_repo_only');
  assert.deepEqual((await reader.rest.teams.list({ org: 'acme' })).data.map((t) => t.slug), ['core', 'core-infra']);
  const denied = await rejects(() => reader.rest.teams.create({ org: 'acme', name: 'New' }));
  assert.equal(denied.status, 403);
  assert.equal(denied.response.data.message, 'Resource not accessible by personal access token');
  assert.equal(denied.response.headers['x-accepted-oauth-scopes'], 'admin:org');
  assert.equal(await status(() => reader.rest.teams.addOrUpdateMembershipForUserInOrg({ org: 'acme', team_slug: 'core', username: 'carol' })), 403);
  assert.equal(await status(() => repoOnly.rest.teams.list({ org: 'acme' })), 403);
  assert.equal(await status(() => repoOnly.rest.teams.getByName({ org: 'acme', team_slug: 'core' })), 403);
  // the default token can manage teams
  assert.equal((await client(run.base, run.token).rest.teams.create({ org: 'acme', name: 'New' })).status, 201);
});

test('repository invitations expire after 7 days: flagged, not acceptable, re-invitable', async () => {
  const daveInv = await dave.rest.repos.listInvitationsForAuthenticatedUser();
  assertSchema('GET', '/user/repository_invitations', daveInv.data);
  assert.deepEqual(daveInv.data.map((i) => [i.repository.full_name, i.expired, i.permissions]), [['alice/secret', true, 'write']]);
  const erinInv = (await erin.rest.repos.listInvitationsForAuthenticatedUser()).data;
  assert.deepEqual(erinInv.map((i) => i.expired), [false]);
  // seeded without a date: from the seeding clock (2026-01-01), long lapsed
  const all = await alice.rest.repos.listInvitations({ owner: 'alice', repo: 'secret' });
  assertSchema('GET', '/repos/{owner}/{repo}/invitations', all.data);
  assert.deepEqual(all.data.map((i) => [i.invitee.login, i.expired]), [['dave', true], ['erin', false], ['frank', true]]);

  assert.equal(await status(() => dave.rest.repos.acceptInvitationForAuthenticatedUser({ invitation_id: daveInv.data[0].id })), 404);
  assert.equal(await status(() => dave.rest.repos.get({ owner: 'alice', repo: 'secret' })), 404);
  // the lapsed invitation is still there to see and to decline
  assert.equal((await dave.rest.repos.listInvitationsForAuthenticatedUser()).data.length, 1);

  assert.equal((await erin.rest.repos.acceptInvitationForAuthenticatedUser({ invitation_id: erinInv[0].id })).status, 204);
  assert.equal((await erin.rest.repos.get({ owner: 'alice', repo: 'secret' })).data.permissions.push, true);

  // inviting again replaces the lapsed invitation with a fresh one
  const again = await alice.rest.repos.addCollaborator({ owner: 'alice', repo: 'secret', username: 'dave' });
  assert.equal(again.status, 201);
  assert.equal(again.data.expired, false);
  assert.notEqual(again.data.id, daveInv.data[0].id);
  assert.deepEqual((await dave.rest.repos.listInvitationsForAuthenticatedUser()).data.map((i) => [i.id, i.expired]), [[again.data.id, false]]);
  assert.equal((await dave.rest.repos.acceptInvitationForAuthenticatedUser({ invitation_id: again.data.id })).status, 204);
  assert.equal((await dave.rest.repos.get({ owner: 'alice', repo: 'secret' })).status, 200);
});

test('the run clock ages invitations: <admin>/admin/clock moves time forward', async () => {
  const run = await newRun({ scenario_id: sc.body.id });
  const owner = client(run.base, 'ghp_alice_token'), invitee = client(run.base, 'ghp_dave_token');
  const inv = await owner.rest.repos.addCollaborator({ owner: 'alice', repo: 'secret', username: 'dave' });
  assert.equal(inv.data.expired, false);
  let r = await admin(run, 'POST', '/admin/clock', { advance_seconds: 6 * 86400 });
  assert.equal(r.status, 200, JSON.stringify(r.json));
  assert.deepEqual([r.json.ok, r.json.offset_seconds], [true, 6 * 86400]);
  assert.deepEqual((await invitee.rest.repos.listInvitationsForAuthenticatedUser()).data.map((i) => i.expired), [false]);
  r = await admin(run, 'POST', '/admin/clock', { advance_seconds: 86400 });
  assert.equal(r.status, 200);
  const listed = (await invitee.rest.repos.listInvitationsForAuthenticatedUser()).data;
  assert.deepEqual(listed.map((i) => [i.id, i.expired]), [[inv.data.id, true]]);
  assert.equal(await status(() => invitee.rest.repos.acceptInvitationForAuthenticatedUser({ invitation_id: inv.data.id })), 404);
  const clock = await admin(run, 'GET', '/admin/clock');
  assert.equal(clock.json.offset_seconds, 7 * 86400);
  assert.ok(Math.abs(Date.parse(clock.json.now) - Date.now() - 7 * DAY) < 60_000);
  // it only moves forward
  assert.equal((await admin(run, 'POST', '/admin/clock', { advance_seconds: -60 })).status, 400);
  // the other run's clock is its own
  assert.equal((await admin(ctx, 'GET', '/admin/clock')).json.offset_seconds, 0);
});
