// Slack twin: reminders.* through the official @slack/web-api client — times
// as timestamps, seconds and phrases, recurring ones, other users, completion,
// deletion, and the errors Slack documents.  Bodies checked against Slack's schema.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { newRun, client, admin, assertSchema, rejects, stopServer } from './helpers.mjs';

after(stopServer);

const errorOf = async (fn) => (await rejects(fn)).data.error;

test('reminders.add stores a reminder that info, list, complete and delete see', async () => {
  const ctx = await newRun();
  const now = Math.floor(Date.now() / 1000);
  const at = await ctx.user.reminders.add({ text: 'stand-up', time: String(now + 3600) });
  assertSchema('reminders.add', at);
  const r = at.reminder;
  assert.match(r.id, /^Rm[A-Z0-9]{8,}$/);
  assert.equal(r.creator, 'UTWINUSR');
  assert.equal(r.user, 'UTWINUSR');
  assert.equal(r.text, 'stand-up');
  assert.equal(r.recurring, false);
  assert.equal(r.time, now + 3600);
  assert.equal(r.complete_ts, 0);

  // Seconds from now (within a day) and phrases.
  const soon = (await ctx.user.reminders.add({ text: 'tea', time: '600' })).reminder;
  assert.ok(Math.abs(soon.time - (now + 600)) <= 2);
  const later = (await ctx.user.reminders.add({ text: 'call back', time: 'in 2 hours' })).reminder;
  assert.ok(Math.abs(later.time - (now + 7200)) <= 2);
  const weekly = (await ctx.user.reminders.add({ text: 'timesheet', time: 'every Friday' })).reminder;
  assert.equal(weekly.recurring, true);
  assert.equal(weekly.time, undefined);

  const info = await ctx.user.reminders.info({ reminder: r.id });
  assertSchema('reminders.info', info);
  assert.deepEqual(info.reminder, r);
  const list = await ctx.user.reminders.list();
  assertSchema('reminders.list', list);
  assert.deepEqual(list.reminders.map((x) => x.text), ['stand-up', 'tea', 'call back', 'timesheet']);

  assertSchema('reminders.complete', await ctx.user.reminders.complete({ reminder: r.id }));
  const done = (await ctx.user.reminders.info({ reminder: r.id })).reminder;
  assert.ok(done.complete_ts >= now);
  assert.equal(await errorOf(() => ctx.user.reminders.complete({ reminder: weekly.id })), 'cannot_complete_recurring');

  assertSchema('reminders.delete', await ctx.user.reminders.delete({ reminder: soon.id }));
  assert.equal(await errorOf(() => ctx.user.reminders.info({ reminder: soon.id })), 'not_found');
  assert.equal(await errorOf(() => ctx.user.reminders.delete({ reminder: soon.id })), 'not_found');
  assert.deepEqual((await ctx.user.reminders.list()).reminders.map((x) => x.text), ['stand-up', 'call back', 'timesheet']);
});

test('reminders for someone else: they see and complete it, the creator cannot complete it', async () => {
  const ctx = await newRun();
  await admin(ctx, 'PUT', '/config', { seed: {
    users: [{ name: 'ann', real_name: 'Ann Example' }],
    tokens: [{ token: 'xoxp-ann', user_id: 'ann', scopes: ['reminders:read', 'reminders:write'], is_bot: false }],
  } });
  const ann = client(ctx, 'xoxp-ann');
  const annId = (await ann.auth.test()).user_id;
  const r = (await ctx.user.reminders.add({ text: 'review the PR', time: 'in 10 minutes', user: annId })).reminder;
  assert.equal(r.user, annId);
  assert.equal(r.creator, 'UTWINUSR');
  // Both sides list it; only the one it is for completes it.
  assert.deepEqual((await ann.reminders.list()).reminders.map((x) => x.id), [r.id]);
  assert.deepEqual((await ctx.user.reminders.list()).reminders.map((x) => x.id), [r.id]);
  assert.equal(await errorOf(() => ctx.user.reminders.complete({ reminder: r.id })), 'cannot_complete_others');
  await ann.reminders.complete({ reminder: r.id });
  assert.ok((await ctx.user.reminders.info({ reminder: r.id })).reminder.complete_ts > 0);

  assert.equal(await errorOf(() => ctx.user.reminders.add({ text: 'x', time: 'every day', user: annId })), 'cannot_add_others_recurring');
  assert.equal(await errorOf(() => ctx.user.reminders.add({ text: 'x', time: '60', user: 'UTWINBOT' })), 'cannot_add_bot');
  assert.equal(await errorOf(() => ctx.user.reminders.add({ text: 'x', time: '60', user: 'USLACKBOT' })), 'cannot_add_slackbot');
  assert.equal(await errorOf(() => ctx.user.reminders.add({ text: 'x', time: '60', user: 'UNOPE12345' })), 'user_not_found');
  // Someone else's private reminder is not found.
  const own = (await ann.reminders.add({ text: 'secret', time: '60' })).reminder;
  assert.equal(await errorOf(() => ctx.user.reminders.info({ reminder: own.id })), 'not_found');
  assert.equal(await errorOf(() => ctx.user.reminders.delete({ reminder: own.id })), 'not_found');
});

test('reminders errors: cannot_parse, no_text, bots, missing_scope; failures store nothing', async () => {
  const ctx = await newRun();
  const now = Math.floor(Date.now() / 1000);
  assert.equal(await errorOf(() => ctx.user.reminders.add({ text: 'x', time: 'whenever' })), 'cannot_parse');
  assert.equal(await errorOf(() => ctx.user.reminders.add({ text: 'x', time: String(now - 3600) })), 'cannot_parse');
  assert.equal(await errorOf(() => ctx.user.reminders.add({ text: 'x', time: String(now + 10 * 366 * 86400) })), 'cannot_parse');
  assert.equal(await errorOf(() => ctx.user.reminders.add({ time: '60' })), 'no_text');
  assert.equal(await errorOf(() => ctx.user.reminders.info({ reminder: 'RmNOPE12345' })), 'not_found');
  assert.deepEqual((await ctx.user.reminders.list()).reminders, []);

  // The default bot grant has no reminders scope; with it, bots still cannot have reminders.
  const e = await rejects(() => ctx.bot.reminders.add({ text: 'x', time: '60' }));
  assert.equal(e.data.error, 'missing_scope');
  assert.equal(e.data.needed, 'reminders:write');
  await admin(ctx, 'PATCH', '/config', { bot_scopes: ['reminders:read', 'reminders:write'] });
  assert.equal(await errorOf(() => ctx.bot.reminders.add({ text: 'x', time: '60' })), 'user_is_bot');
  assert.equal(await errorOf(() => ctx.bot.reminders.list()), 'user_is_bot');
  await admin(ctx, 'PATCH', '/config', { disabled_scopes: ['reminders:read'] });
  assert.equal((await rejects(() => ctx.user.reminders.list())).data.needed, 'reminders:read');
});
