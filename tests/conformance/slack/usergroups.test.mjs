// Slack twin: usergroups.* (User Groups) through the official @slack/web-api
// client — create, update, members, disable / enable, listings and errors,
// bodies checked against Slack's schema for subteams.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { newRun, admin, assertSchema, rejects, stopServer } from './helpers.mjs';

after(stopServer);

const errorOf = async (fn) => (await rejects(fn)).data.error;

test('usergroups.create, users.update and update: the group lists with its members and channels', async () => {
  const ctx = await newRun();
  const created = await ctx.user.usergroups.create({ name: 'On Call', description: 'pager duty', channels: 'CTWINGEN001' });
  assertSchema('usergroups.create', created);
  const g = created.usergroup;
  assert.match(g.id, /^S[A-Z0-9]{2,}$/);
  assert.equal(g.name, 'On Call');
  assert.equal(g.handle, 'on-call');
  assert.equal(g.description, 'pager duty');
  assert.equal(g.created_by, 'UTWINUSR');
  assert.equal(g.date_delete, 0);
  assert.deepEqual(g.prefs.channels, ['CTWINGEN001']);
  assert.deepEqual(g.users, []);

  const upd = await ctx.user.usergroups.users.update({ usergroup: g.id, users: 'UTWINUSR,UTWINBOT,UTWINUSR', include_count: true });
  assertSchema('usergroups.users.update', upd);
  assert.deepEqual(upd.usergroup.users, ['UTWINUSR', 'UTWINBOT']);
  assert.equal(upd.usergroup.user_count, 2);
  const members = await ctx.bot.usergroups.users.list({ usergroup: g.id });
  assertSchema('usergroups.users.list', members);
  assert.deepEqual(members.users, ['UTWINUSR', 'UTWINBOT']);

  const renamed = await ctx.user.usergroups.update({ usergroup: g.id, name: 'Responders', handle: 'responders', description: '' });
  assertSchema('usergroups.update', renamed);
  assert.equal(renamed.usergroup.name, 'Responders');
  assert.equal(renamed.usergroup.handle, 'responders');
  assert.equal(renamed.usergroup.description, '');
  assert.deepEqual(renamed.usergroup.prefs.channels, ['CTWINGEN001']);   // untouched fields stay

  const list = await ctx.bot.usergroups.list();
  assertSchema('usergroups.list', list);
  assert.deepEqual(list.usergroups.map((x) => x.handle), ['responders']);
  assert.equal(list.usergroups[0].users, undefined);               // only with include_users
  const full = await ctx.bot.usergroups.list({ include_users: true, include_count: true });
  assert.deepEqual(full.usergroups[0].users, ['UTWINUSR', 'UTWINBOT']);
  assert.equal(full.usergroups[0].user_count, 2);
  assert.equal(full.usergroups[0].channel_count, 1);
});

test('usergroups.disable hides a group until usergroups.enable; its members stay', async () => {
  const ctx = await newRun();
  const g = (await ctx.user.usergroups.create({ name: 'designers' })).usergroup;
  await ctx.user.usergroups.users.update({ usergroup: g.id, users: 'UTWINUSR' });
  const off = await ctx.user.usergroups.disable({ usergroup: g.id });
  assertSchema('usergroups.disable', off);
  assert.ok(off.usergroup.date_delete > 0);
  assert.equal(off.usergroup.deleted_by, 'UTWINUSR');
  assert.deepEqual((await ctx.user.usergroups.list()).usergroups, []);
  assert.deepEqual((await ctx.user.usergroups.list({ include_disabled: true })).usergroups.map((x) => x.id), [g.id]);
  assert.equal(await errorOf(() => ctx.user.usergroups.users.list({ usergroup: g.id })), 'no_such_subteam');
  assert.deepEqual((await ctx.user.usergroups.users.list({ usergroup: g.id, include_disabled: true })).users, ['UTWINUSR']);

  const on = await ctx.user.usergroups.enable({ usergroup: g.id });
  assertSchema('usergroups.enable', on);
  assert.equal(on.usergroup.date_delete, 0);
  assert.equal(on.usergroup.deleted_by, null);
  assert.deepEqual((await ctx.user.usergroups.list()).usergroups.map((x) => x.id), [g.id]);
  // Setting members re-enables a disabled group too.
  await ctx.user.usergroups.disable({ usergroup: g.id });
  await ctx.user.usergroups.users.update({ usergroup: g.id, users: 'UTWINBOT' });
  assert.deepEqual((await ctx.user.usergroups.users.list({ usergroup: g.id })).users, ['UTWINBOT']);
});

test('usergroups errors: taken names and handles, unknown groups, users and channels, scopes', async () => {
  const ctx = await newRun();
  const g = (await ctx.user.usergroups.create({ name: 'Platform', handle: 'platform' })).usergroup;
  assert.equal(await errorOf(() => ctx.user.usergroups.create({ name: 'platform' })), 'name_already_exists');
  assert.equal(await errorOf(() => ctx.user.usergroups.create({ name: 'Infra', handle: 'PLATFORM' })), 'handle_already_exists');
  // A handle may not be a person's name either.
  const myName = (await ctx.user.auth.test()).user;
  assert.equal(await errorOf(() => ctx.user.usergroups.create({ name: 'Me', handle: myName })), 'handle_already_exists');
  assert.equal(await errorOf(() => ctx.user.usergroups.create({ name: '' })), 'invalid_name');
  assert.equal(await errorOf(() => ctx.user.usergroups.create({ name: 'Chan', channels: 'CNOPE12345' })), 'channel_not_found');
  assert.equal(await errorOf(() => ctx.user.usergroups.update({ usergroup: 'SNOPE12345', name: 'x' })), 'no_such_subteam');
  assert.equal(await errorOf(() => ctx.user.usergroups.disable({ usergroup: 'SNOPE12345' })), 'no_such_subteam');
  assert.equal(await errorOf(() => ctx.user.usergroups.users.update({ usergroup: g.id, users: 'UTWINUSR,UNOPE12345' })), 'invalid_users');
  assert.equal(await errorOf(() => ctx.user.usergroups.users.update({ usergroup: g.id, users: '' })), 'no_users_provided');
  // Failed calls changed nothing.
  const after1 = (await ctx.user.usergroups.list({ include_users: true })).usergroups;
  assert.deepEqual(after1.map((x) => [x.name, x.users]), [['Platform', []]]);

  await admin(ctx, 'PATCH', '/config', { disabled_scopes: ['usergroups:write'] });
  const e = await rejects(() => ctx.user.usergroups.create({ name: 'Nope' }));
  assert.equal(e.data.error, 'missing_scope');
  assert.equal(e.data.needed, 'usergroups:write');
  await admin(ctx, 'PATCH', '/config', { disabled_scopes: ['usergroups:read'] });
  assert.equal((await rejects(() => ctx.bot.usergroups.list())).data.needed, 'usergroups:read');
});
