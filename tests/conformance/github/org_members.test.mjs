// GitHub twin conformance: organization membership (members, memberships,
// invitations and the invitee's side of them), its effect on team membership
// and repository access, scopes and refusals, through @octokit/rest with one
// token per user.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createScenario } from '../../lib/fixture.mjs';
import { newRun, client, admin, assertSchema, rejects, stopServer } from './helpers.mjs';

after(stopServer);

const seed = {
  github: {
    users: ['alice', 'bob', 'carol', 'dave', 'erin', 'frank'].map((login) => ({ login, token: `ghp_${login}_token` })),
    orgs: [{
      login: 'acme', owners: ['alice'], members: ['bob', 'carol'], default_repository_permission: 'read',
      teams: [{ name: 'Core', privacy: 'closed', maintainers: ['bob'], repos: [{ name: 'lib', permission: 'push' }] }],
    }],
    repos: [{ owner: 'acme', name: 'lib', private: true }, { owner: 'acme', name: 'tool', private: true }],
  },
};

const sc = await createScenario('github', seed);
assert.equal(sc.status, 201, JSON.stringify(sc.body));

// Each test gets a fresh run of the scenario, so they do not see each other's changes.
async function fresh() {
  const ctx = await newRun({ scenario_id: sc.body.id });
  const as = (login) => client(ctx.base, `ghp_${login}_token`);
  return { ctx, as, alice: as('alice'), bob: as('bob'), carol: as('carol'), dave: as('dave'), erin: as('erin') };
}

const failure = async (fn) => { const e = await rejects(fn); return { status: e.status, data: e.response.data }; };
const status = async (fn) => (await rejects(fn)).status;
const logins = (users) => users.map((u) => u.login);

test('listing members: owners and members to insiders, role filter, nothing to outsiders', async () => {
  const { alice, bob, dave } = await fresh();
  const all = await bob.rest.orgs.listMembers({ org: 'acme' });
  assertSchema('GET', '/orgs/{org}/members', all.data);
  assert.deepEqual(logins(all.data).sort(), ['alice', 'bob', 'carol']);
  assert.deepEqual(logins((await alice.rest.orgs.listMembers({ org: 'acme', role: 'admin' })).data), ['alice']);
  assert.deepEqual(logins((await alice.rest.orgs.listMembers({ org: 'acme', role: 'member' })).data).sort(), ['bob', 'carol']);
  // no member has made their membership public: an outsider sees nobody
  assert.deepEqual((await dave.rest.orgs.listMembers({ org: 'acme' })).data, []);
  const bad = await failure(() => alice.rest.orgs.listMembers({ org: 'acme', role: 'boss' }));
  assert.equal(bad.status, 422);
  assert.equal(bad.data.message, 'Validation Failed');
  assert.equal(await status(() => alice.rest.orgs.listMembers({ org: 'nope' })), 404);
});

test('checking membership: 204/404 to members, a redirect to the public check for outsiders', async () => {
  const { ctx, alice, dave } = await fresh();
  assert.equal((await alice.rest.orgs.checkMembershipForUser({ org: 'acme', username: 'bob' })).status, 204);
  assert.equal(await status(() => alice.rest.orgs.checkMembershipForUser({ org: 'acme', username: 'dave' })), 404);
  const r = await fetch(`${ctx.base}/orgs/acme/members/bob`, { headers: { authorization: 'token ghp_dave_token' }, redirect: 'manual' });
  assert.equal(r.status, 302);
  assert.equal(r.headers.get('location'), `${ctx.base}/orgs/acme/public_members/bob`);
  // followed, as octokit does: bob has not publicized his membership
  assert.equal(await status(() => dave.rest.orgs.checkMembershipForUser({ org: 'acme', username: 'bob' })), 404);
  assert.equal(await status(() => dave.rest.orgs.checkPublicMembershipForUser({ org: 'acme', username: 'bob' })), 404);
  assert.deepEqual((await dave.rest.orgs.listPublicMembers({ org: 'acme' })).data, []);
});

test('membership of a user: active role for members, 404 for strangers, 403 for outsiders asking', async () => {
  const { bob, dave } = await fresh();
  const m = await bob.rest.orgs.getMembershipForUser({ org: 'acme', username: 'alice' });
  assertSchema('GET', '/orgs/{org}/memberships/{username}', m.data);
  assert.deepEqual([m.data.state, m.data.role, m.data.user.login, m.data.organization.login], ['active', 'admin', 'alice', 'acme']);
  assert.equal((await bob.rest.orgs.getMembershipForUser({ org: 'acme', username: 'carol' })).data.role, 'member');
  assert.equal(await status(() => bob.rest.orgs.getMembershipForUser({ org: 'acme', username: 'dave' })), 404);
  assert.equal(await status(() => bob.rest.orgs.getMembershipForUser({ org: 'acme', username: 'ghost' })), 404);
  const refused = await failure(() => dave.rest.orgs.getMembershipForUser({ org: 'acme', username: 'bob' }));
  assert.equal(refused.status, 403);
  assert.equal(typeof refused.data.message, 'string');
});

test('owners change a member\'s role at once; promotion grants admin on the org\'s repositories', async () => {
  const { alice, carol } = await fresh();
  assert.equal(await status(() => carol.rest.repos.getCollaboratorPermissionLevel({ owner: 'acme', repo: 'tool', username: 'carol' })), 403);
  const up = await alice.rest.orgs.setMembershipForUser({ org: 'acme', username: 'carol', role: 'admin' });
  assertSchema('PUT', '/orgs/{org}/memberships/{username}', up.data);
  assert.deepEqual([up.data.state, up.data.role], ['active', 'admin']);
  assert.deepEqual(logins((await alice.rest.orgs.listMembers({ org: 'acme', role: 'admin' })).data).sort(), ['alice', 'carol']);
  const perm = await carol.rest.repos.getCollaboratorPermissionLevel({ owner: 'acme', repo: 'tool', username: 'carol' });
  assert.equal(perm.data.permission, 'admin');
  // and back: carol demotes... herself is refused, alice may
  const self = await failure(() => carol.rest.orgs.setMembershipForUser({ org: 'acme', username: 'carol', role: 'member' }));
  assert.equal(self.status, 403);
  assert.equal(self.data.message, 'You cannot demote yourself. Admins must be demoted by another admin.');
  const down = await alice.rest.orgs.setMembershipForUser({ org: 'acme', username: 'carol', role: 'member' });
  assert.equal(down.data.role, 'member');
  assert.equal(await status(() => carol.rest.repos.update({ owner: 'acme', repo: 'tool', description: 'x' })), 403);
});

test('only owners manage memberships; bad roles and unknown users are refused', async () => {
  const { alice, bob } = await fresh();
  const denied = await failure(() => bob.rest.orgs.setMembershipForUser({ org: 'acme', username: 'dave' }));
  assert.equal(denied.status, 403);
  assert.equal(denied.data.message, 'You must be an admin to add or update an organization membership.');
  assert.equal(await status(() => bob.rest.orgs.removeMembershipForUser({ org: 'acme', username: 'carol' })), 403);
  assert.equal(await status(() => bob.rest.orgs.removeMember({ org: 'acme', username: 'carol' })), 403);
  assert.equal(await status(() => bob.rest.orgs.listPendingInvitations({ org: 'acme' })), 404);
  const bad = await failure(() => alice.rest.orgs.setMembershipForUser({ org: 'acme', username: 'dave', role: 'owner' }));
  assert.equal(bad.status, 422);
  assert.equal(bad.data.errors[0].field, 'role');
  assert.equal(await status(() => alice.rest.orgs.setMembershipForUser({ org: 'acme', username: 'ghost' })), 404);
  assert.equal(await status(() => alice.rest.orgs.removeMembershipForUser({ org: 'acme', username: 'dave' })), 404);
  // nothing changed
  assert.deepEqual(logins((await alice.rest.orgs.listMembers({ org: 'acme' })).data).sort(), ['alice', 'bob', 'carol']);
  assert.deepEqual((await alice.rest.orgs.listPendingInvitations({ org: 'acme' })).data, []);
});

test('inviting an outsider: pending until accepted, then a member with the org\'s access and active teams', async () => {
  const { alice, dave } = await fresh();
  // dave is added to the team before the org: both wait for him
  const team = await alice.rest.teams.addOrUpdateMembershipForUserInOrg({ org: 'acme', team_slug: 'core', username: 'dave' });
  assert.equal(team.data.state, 'pending');
  const put = await alice.rest.orgs.setMembershipForUser({ org: 'acme', username: 'dave', role: 'member' });
  assert.deepEqual([put.data.state, put.data.role], ['pending', 'member']);
  assert.equal((await alice.rest.orgs.getMembershipForUser({ org: 'acme', username: 'dave' })).data.state, 'pending');

  const inv = await alice.rest.orgs.listPendingInvitations({ org: 'acme' });
  assertSchema('GET', '/orgs/{org}/invitations', inv.data);
  assert.deepEqual(inv.data.map((i) => [i.login, i.role, i.inviter.login, i.team_count]), [['dave', 'direct_member', 'alice', 1]]);

  // pending grants nothing
  assert.equal(await status(() => alice.rest.orgs.checkMembershipForUser({ org: 'acme', username: 'dave' })), 404);
  assert.equal(await status(() => dave.rest.repos.get({ owner: 'acme', repo: 'tool' })), 404);
  assert.equal(await status(() => dave.rest.repos.get({ owner: 'acme', repo: 'lib' })), 404);

  const mine = await dave.rest.orgs.listMembershipsForAuthenticatedUser();
  assertSchema('GET', '/user/memberships/orgs', mine.data);
  assert.deepEqual(mine.data.map((m) => [m.organization.login, m.state]), [['acme', 'pending']]);
  assert.deepEqual((await dave.rest.orgs.listMembershipsForAuthenticatedUser({ state: 'active' })).data, []);
  const one = await dave.rest.orgs.getMembershipForAuthenticatedUser({ org: 'acme' });
  assertSchema('GET', '/user/memberships/orgs/{org}', one.data);
  assert.equal(one.data.state, 'pending');

  const accepted = await dave.rest.orgs.updateMembershipForAuthenticatedUser({ org: 'acme', state: 'active' });
  assertSchema('PATCH', '/user/memberships/orgs/{org}', accepted.data);
  assert.deepEqual([accepted.data.state, accepted.data.role], ['active', 'member']);

  assert.equal((await alice.rest.orgs.checkMembershipForUser({ org: 'acme', username: 'dave' })).status, 204);
  assert.deepEqual((await alice.rest.orgs.listPendingInvitations({ org: 'acme' })).data, []);
  assert.deepEqual((await dave.rest.orgs.listMembershipsForAuthenticatedUser({ state: 'active' })).data.map((m) => m.organization.login), ['acme']);
  const tm = await alice.rest.teams.getMembershipForUserInOrg({ org: 'acme', team_slug: 'core', username: 'dave' });
  assert.equal(tm.data.state, 'active');
  assert.ok(logins((await alice.rest.teams.listMembersInOrg({ org: 'acme', team_slug: 'core' })).data).includes('dave'));
  // the org's base permission on tool, the team's push on lib
  assert.equal((await dave.rest.repos.get({ owner: 'acme', repo: 'tool' })).data.permissions.push, false);
  assert.equal((await dave.rest.repos.get({ owner: 'acme', repo: 'lib' })).data.permissions.push, true);
  // accepting again changes nothing
  assert.equal((await dave.rest.orgs.updateMembershipForAuthenticatedUser({ org: 'acme', state: 'active' })).data.state, 'active');
});

test('an admin invitation makes an owner; the invitee\'s refusals and bad states', async () => {
  const { alice, erin, dave } = await fresh();
  assert.equal(await status(() => erin.rest.orgs.getMembershipForAuthenticatedUser({ org: 'acme' })), 404);
  assert.equal(await status(() => erin.rest.orgs.updateMembershipForAuthenticatedUser({ org: 'acme', state: 'active' })), 404);
  await alice.rest.orgs.setMembershipForUser({ org: 'acme', username: 'erin', role: 'admin' });
  assert.equal((await alice.rest.orgs.listPendingInvitations({ org: 'acme' })).data[0].role, 'admin');
  const bad = await failure(() => erin.rest.orgs.updateMembershipForAuthenticatedUser({ org: 'acme', state: 'pending' }));
  assert.equal(bad.status, 422);
  assert.equal(await status(() => erin.rest.orgs.listMembershipsForAuthenticatedUser({ state: 'gone' })), 422);
  const ok = await erin.rest.orgs.updateMembershipForAuthenticatedUser({ org: 'acme', state: 'active' });
  assert.deepEqual([ok.data.state, ok.data.role], ['active', 'admin']);
  assert.equal((await erin.rest.repos.update({ owner: 'acme', repo: 'tool', description: 'by erin' })).data.description, 'by erin');
  // the new owner manages members
  assert.equal((await erin.rest.orgs.setMembershipForUser({ org: 'acme', username: 'dave' })).data.state, 'pending');
});

test('cancelling an invitation drops the pending team membership', async () => {
  const { alice, dave } = await fresh();
  await alice.rest.teams.addOrUpdateMembershipForUserInOrg({ org: 'acme', team_slug: 'core', username: 'dave' });
  assert.deepEqual((await alice.rest.orgs.listPendingInvitations({ org: 'acme' })).data.map((i) => i.login), ['dave']);
  assert.equal((await alice.rest.orgs.removeMembershipForUser({ org: 'acme', username: 'dave' })).status, 204);
  assert.deepEqual((await alice.rest.orgs.listPendingInvitations({ org: 'acme' })).data, []);
  assert.equal(await status(() => alice.rest.teams.getMembershipForUserInOrg({ org: 'acme', team_slug: 'core', username: 'dave' })), 404);
  assert.deepEqual((await dave.rest.orgs.listMembershipsForAuthenticatedUser()).data, []);
});

test('removing a member takes away the org, its teams and their repository access', async () => {
  const { alice, bob } = await fresh();
  assert.equal((await bob.rest.repos.get({ owner: 'acme', repo: 'lib' })).data.permissions.push, true);
  assert.equal((await alice.rest.orgs.removeMember({ org: 'acme', username: 'bob' })).status, 204);
  assert.deepEqual(logins((await alice.rest.orgs.listMembers({ org: 'acme' })).data).sort(), ['alice', 'carol']);
  assert.equal(await status(() => alice.rest.teams.getMembershipForUserInOrg({ org: 'acme', team_slug: 'core', username: 'bob' })), 404);
  assert.equal(await status(() => bob.rest.repos.get({ owner: 'acme', repo: 'lib' })), 404);
  assert.equal(await status(() => bob.rest.repos.get({ owner: 'acme', repo: 'tool' })), 404);
  assert.equal(await status(() => bob.rest.orgs.getMembershipForAuthenticatedUser({ org: 'acme' })), 404);
  // by membership too
  assert.equal((await alice.rest.orgs.removeMembershipForUser({ org: 'acme', username: 'carol' })).status, 204);
  assert.deepEqual(logins((await alice.rest.orgs.listMembers({ org: 'acme' })).data), ['alice']);
});

test('membership routes need read:org to read and admin:org to change', async () => {
  const { ctx } = await fresh();
  const c = await admin(ctx, 'PATCH', '/admin/config', {
    tokens: [
      { token: 'ghp_reader', login: 'alice', scopes: ['read:org'] },
      { token: 'ghp_repo_only', login: 'alice', scopes: ['repo'] },
    ],
  });
  assert.equal(c.status, 200, JSON.stringify(c.json));
  const reader = client(ctx.base, 'ghp_reader'), repoOnly = client(ctx.base, 'ghp_repo_only');
  assert.equal((await reader.rest.orgs.listMembers({ org: 'acme' })).data.length, 3);
  assert.equal((await reader.rest.orgs.getMembershipForAuthenticatedUser({ org: 'acme' })).data.role, 'admin');
  assert.deepEqual((await reader.rest.orgs.listPendingInvitations({ org: 'acme' })).data, []);
  const denied = await rejects(() => reader.rest.orgs.setMembershipForUser({ org: 'acme', username: 'dave' }));
  assert.equal(denied.status, 403);
  assert.equal(denied.response.headers['x-accepted-oauth-scopes'], 'admin:org');
  assert.equal(await status(() => reader.rest.orgs.removeMember({ org: 'acme', username: 'bob' })), 403);
  assert.equal(await status(() => repoOnly.rest.orgs.listMembers({ org: 'acme' })), 403);
  assert.equal(await status(() => repoOnly.rest.orgs.listMembershipsForAuthenticatedUser()), 403);
  assert.deepEqual(logins((await reader.rest.orgs.listMembers({ org: 'acme' })).data).sort(), ['alice', 'bob', 'carol']);
});
