// Slack twin: dnd.* through the official @slack/web-api client — a snooze is
// set, seen by dnd.info (its owner only), ended; team info; errors and scopes.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { newRun, admin, assertSchema, rejects, stopServer } from './helpers.mjs';

after(stopServer);

const errorOf = async (fn) => (await rejects(fn)).data.error;

test('dnd.setSnooze snoozes the caller until dnd.endSnooze / dnd.endDnd', async () => {
  const ctx = await newRun();
  const before = await ctx.user.dnd.info();
  assertSchema('dnd.info', before);
  assert.equal(before.dnd_enabled, false);
  assert.equal(before.snooze_enabled, false);

  const now = Math.floor(Date.now() / 1000);
  const set = await ctx.user.dnd.setSnooze({ num_minutes: 30 });
  assertSchema('dnd.setSnooze', set);
  assert.equal(set.snooze_enabled, true);
  assert.ok(Math.abs(set.snooze_endtime - (now + 1800)) <= 2);
  assert.ok(set.snooze_remaining > 1790 && set.snooze_remaining <= 1800);
  const info = await ctx.user.dnd.info();
  assert.equal(info.snooze_enabled, true);
  assert.equal(info.snooze_endtime, set.snooze_endtime);
  // Others see the schedule, not the snooze.
  const seen = await ctx.bot.dnd.info({ user: 'UTWINUSR' });
  assert.equal(seen.snooze_enabled, undefined);
  assert.equal(seen.dnd_enabled, false);

  const ended = await ctx.user.dnd.endSnooze();
  assertSchema('dnd.endSnooze', ended);
  assert.equal(ended.snooze_enabled, false);
  assert.equal((await ctx.user.dnd.info()).snooze_enabled, false);
  assert.equal(await errorOf(() => ctx.user.dnd.endSnooze()), 'snooze_not_active');

  await ctx.user.dnd.setSnooze({ num_minutes: 5 });
  assertSchema('dnd.endDnd', await ctx.user.dnd.endDnd());
  assert.equal((await ctx.user.dnd.info()).snooze_enabled, false);
});

test('dnd.teamInfo, and dnd errors: missing_duration, user_not_found, bots, scopes', async () => {
  const ctx = await newRun();
  const team = await ctx.bot.dnd.teamInfo({ users: 'UTWINUSR,UNOPE12345' });
  assert.deepEqual(Object.keys(team.users), ['UTWINUSR']);
  assert.deepEqual(team.users.UTWINUSR, { dnd_enabled: false, next_dnd_start_ts: 1, next_dnd_end_ts: 1 });
  assert.deepEqual(Object.keys((await ctx.bot.dnd.teamInfo()).users).sort(), ['UTWINBOT', 'UTWINUSR']);

  assert.equal(await errorOf(() => ctx.user.dnd.setSnooze({ num_minutes: 'soon' })), 'missing_duration');
  assert.equal(await errorOf(() => ctx.user.dnd.setSnooze({ num_minutes: 0 })), 'missing_duration');
  assert.equal((await ctx.user.dnd.info()).snooze_enabled, false);
  assert.equal(await errorOf(() => ctx.user.dnd.info({ user: 'UNOPE12345' })), 'user_not_found');
  const e = await rejects(() => ctx.bot.dnd.setSnooze({ num_minutes: 10 }));
  assert.equal(e.data.needed, 'dnd:write');
  await admin(ctx, 'PATCH', '/config', { bot_scopes: ['dnd:read', 'dnd:write'] });
  assert.equal(await errorOf(() => ctx.bot.dnd.setSnooze({ num_minutes: 10 })), 'user_is_bot');
  await admin(ctx, 'PATCH', '/config', { disabled_scopes: ['dnd:read'] });
  assert.equal((await rejects(() => ctx.user.dnd.info())).data.needed, 'dnd:read');
});
