// Slack twin: a Web API call that fails changes nothing, although Slack
// reports the failure with HTTP 200 {"ok": false}.  conversations.invite
// adds its users one at a time (each joins and gets its channel_join
// message); a later user that cannot join fails the call, and the users
// invited before it must not stay in the channel.  Checked through the
// official @slack/web-api client and the twin's whole state.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { newRun, admin, api, rejects, stopServer } from './helpers.mjs';

after(stopServer);

const state = async (ctx) => (await admin(ctx, 'GET', '/state')).json.state;

// A run with two more users (ann, bob) and a channel the bot created.
async function setUp() {
  const ctx = await newRun();
  const names = ['ann', 'bob'];
  const seeded = await admin(ctx, 'PUT', '/config', { seed: { users: names.map((name) => ({ name, real_name: name, email: `${name}@example.com` })) } });
  assert.equal(seeded.status, 200);
  ctx.ids = {};
  for (const name of names) ctx.ids[name] = (await ctx.bot.users.lookupByEmail({ email: `${name}@example.com` })).user.id;
  ctx.channel = (await ctx.bot.conversations.create({ name: 'rollback' })).channel.id;
  return ctx;
}

const joins = (history) => history.messages.filter((m) => m.subtype === 'channel_join').map((m) => m.user).sort();

test('invite: a user not found after valid ones leaves no member and no channel_join behind', async () => {
  const ctx = await setUp();
  const before = await state(ctx);
  const err = await rejects(() => ctx.bot.conversations.invite({ channel: ctx.channel, users: [ctx.ids.ann, ctx.ids.bob, 'UNOSUCHUSER'].join(',') }));
  assert.equal(err.data.ok, false);
  assert.equal(err.data.error, 'user_not_found');
  assert.deepEqual((await ctx.bot.conversations.members({ channel: ctx.channel })).members, ['UTWINBOT']);
  assert.deepEqual(joins(await ctx.bot.conversations.history({ channel: ctx.channel })), []);
  assert.deepEqual(await state(ctx), before, 'the failed invite changed the twin state');
  // The same users without the bad one join, with their messages.
  await ctx.bot.conversations.invite({ channel: ctx.channel, users: [ctx.ids.ann, ctx.ids.bob].join(',') });
  assert.deepEqual((await ctx.bot.conversations.members({ channel: ctx.channel })).members.sort(), ['UTWINBOT', ctx.ids.ann, ctx.ids.bob].sort());
  assert.deepEqual(joins(await ctx.bot.conversations.history({ channel: ctx.channel })), [ctx.ids.ann, ctx.ids.bob].sort());
});

test('invite: already_in_channel and cant_invite_self late in the list roll the earlier joins back', async () => {
  const ctx = await setUp();
  await ctx.bot.conversations.invite({ channel: ctx.channel, users: ctx.ids.bob });
  const before = await state(ctx);
  const dupe = await rejects(() => ctx.bot.conversations.invite({ channel: ctx.channel, users: [ctx.ids.ann, ctx.ids.bob].join(',') }));
  assert.equal(dupe.data.error, 'already_in_channel');
  assert.deepEqual(dupe.data.errors, [{ user: ctx.ids.bob, ok: false, error: 'already_in_channel' }]);
  assert.deepEqual(await state(ctx), before);
  // Raw form post: the HTTP status is 200 even though the call failed.
  const self = await api(ctx, 'conversations.invite', { channel: ctx.channel, users: `${ctx.ids.ann},UTWINBOT` }, { token: ctx.botToken });
  assert.equal(self.status, 200);
  assert.deepEqual(self.json, { ok: false, error: 'cant_invite_self' });
  assert.deepEqual(await state(ctx), before);
  const members = (await ctx.bot.conversations.members({ channel: ctx.channel })).members.sort();
  assert.deepEqual(members, ['UTWINBOT', ctx.ids.bob].sort());
  assert.deepEqual(joins(await ctx.bot.conversations.history({ channel: ctx.channel })), [ctx.ids.bob]);
});
