// Slack twin: pins.*, chat.scheduleMessage and its list / delete, users.profile.*
// and presence — through the official @slack/web-api client, state checked by
// later calls, success bodies checked against Slack's OpenAPI description.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { newRun, client, admin, api, assertSchema, rejects, stopServer } from './helpers.mjs';

after(stopServer);

const errorOf = async (fn) => (await rejects(fn)).data.error;

test('pins.add pins a message: pins.list shows it, history marks it, pins.remove unpins it', async () => {
  const ctx = await newRun();
  const chan = (await ctx.bot.conversations.create({ name: 'pinboard' })).channel.id;
  const first = await ctx.bot.chat.postMessage({ channel: chan, text: 'first' });
  const second = await ctx.bot.chat.postMessage({ channel: chan, text: 'second' });
  assertSchema('pins.add', await ctx.bot.pins.add({ channel: chan, timestamp: first.ts }));
  await ctx.bot.pins.add({ channel: chan, timestamp: second.ts });

  const list = await ctx.bot.pins.list({ channel: chan });
  assertSchema('pins.list', (await api(ctx, 'pins.list', { channel: chan }, { token: ctx.botToken })).json);
  assert.deepEqual(list.items.map((i) => i.message.text), ['second', 'first']);   // newest pin first
  const item = list.items[1];
  assert.equal(item.type, 'message');
  assert.equal(item.channel, chan);
  assert.equal(item.created_by, 'UTWINBOT');
  assert.ok(Number.isInteger(item.created) && item.created > 1.6e9);
  assert.deepEqual(item.message.pinned_to, [chan]);

  const hist = await ctx.bot.conversations.history({ channel: chan });
  assert.equal(hist.pin_count, 2);
  assert.deepEqual(hist.messages.find((m) => m.ts === first.ts).pinned_to, [chan]);

  assert.equal(await errorOf(() => ctx.bot.pins.add({ channel: chan, timestamp: first.ts })), 'already_pinned');
  assertSchema('pins.remove', await ctx.bot.pins.remove({ channel: chan, timestamp: first.ts }));
  assert.equal(await errorOf(() => ctx.bot.pins.remove({ channel: chan, timestamp: first.ts })), 'not_pinned');
  assert.deepEqual((await ctx.bot.pins.list({ channel: chan })).items.map((i) => i.message.ts), [second.ts]);
  const after1 = await ctx.bot.conversations.history({ channel: chan });
  assert.equal(after1.pin_count, 1);
  assert.equal(after1.messages.find((m) => m.ts === first.ts).pinned_to, undefined);

  // Deleting a pinned message takes its pin away.
  await ctx.bot.chat.delete({ channel: chan, ts: second.ts });
  assert.deepEqual((await ctx.bot.pins.list({ channel: chan })).items, []);
});

test('pins errors: channel_not_found, no_item_specified, bad_timestamp, message_not_found, not_in_channel, is_archived, missing_scope', async () => {
  const ctx = await newRun();
  const chan = (await ctx.user.conversations.create({ name: 'pins-errors' })).channel.id;
  const msg = await ctx.user.chat.postMessage({ channel: chan, text: 'pin me' });
  assert.equal(await errorOf(() => ctx.user.pins.add({ channel: 'CNOPE12345', timestamp: msg.ts })), 'channel_not_found');
  assert.equal(await errorOf(() => ctx.user.pins.list({ channel: 'CNOPE12345' })), 'channel_not_found');
  assert.equal(await errorOf(() => ctx.user.pins.add({ channel: chan })), 'no_item_specified');
  assert.equal(await errorOf(() => ctx.user.pins.add({ channel: chan, timestamp: 'yesterday' })), 'bad_timestamp');
  assert.equal(await errorOf(() => ctx.user.pins.add({ channel: chan, timestamp: '1500000000.000100' })), 'message_not_found');
  // The bot is not in the user's channel.
  assert.equal(await errorOf(() => ctx.bot.pins.add({ channel: chan, timestamp: msg.ts })), 'not_in_channel');
  // Nothing was pinned by the failed calls.
  assert.deepEqual((await ctx.user.pins.list({ channel: chan })).items, []);

  await ctx.user.conversations.archive({ channel: chan });
  assert.equal(await errorOf(() => ctx.user.pins.add({ channel: chan, timestamp: msg.ts })), 'is_archived');

  await admin(ctx, 'PATCH', '/config', { disabled_scopes: ['pins:write', 'pins:read'] });
  const e = await rejects(() => ctx.bot.pins.add({ channel: 'CTWINGEN001', timestamp: msg.ts }));
  assert.equal(e.data.error, 'missing_scope');
  assert.equal(e.data.needed, 'pins:write');
  assert.equal((await rejects(() => ctx.bot.pins.list({ channel: 'CTWINGEN001' }))).data.needed, 'pins:read');
});

test('chat.scheduleMessage queues a message, scheduledMessages.list shows it, it is posted when due', async () => {
  const ctx = await newRun();
  const chan = (await ctx.bot.conversations.create({ name: 'later' })).channel.id;
  const now = Math.floor(Date.now() / 1000);
  const far = await ctx.bot.chat.scheduleMessage({ channel: chan, text: 'next week', post_at: now + 7 * 86400 });
  assertSchema('chat.scheduleMessage', far);
  assert.equal(far.channel, chan);
  assert.equal(far.post_at, now + 7 * 86400);
  assert.match(far.scheduled_message_id, /^Q[A-Z0-9]{8,}$/);
  assert.equal(far.message.text, 'next week');
  assert.equal(far.message.user, 'UTWINBOT');
  assert.ok(far.message.bot_id);

  const soon = await ctx.bot.chat.scheduleMessage({ channel: chan, text: 'in two seconds', post_at: now + 2,
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '*soon*' } }] });
  const listed = await ctx.bot.chat.scheduledMessages.list({});
  assertSchema('chat.scheduledMessages.list', listed);
  assert.deepEqual(listed.scheduled_messages.map((s) => s.id), [soon.scheduled_message_id, far.scheduled_message_id]);
  const s0 = listed.scheduled_messages[0];
  assert.equal(s0.channel_id, chan);
  assert.equal(s0.post_at, now + 2);
  assert.equal(s0.text, 'in two seconds');
  assert.ok(Number.isInteger(s0.date_created));
  assert.equal(Object.keys(s0).some((k) => k.startsWith('_')), false);
  // Not posted yet; other callers do not see the bot's queue.
  assert.equal((await ctx.bot.conversations.history({ channel: chan })).messages.some((m) => m.text === 'in two seconds'), false);
  assert.deepEqual((await ctx.user.chat.scheduledMessages.list({})).scheduled_messages, []);
  // channel and post_at bounds narrow the list.
  assert.deepEqual((await ctx.bot.chat.scheduledMessages.list({ channel: 'CTWINGEN001' })).scheduled_messages, []);
  assert.deepEqual((await ctx.bot.chat.scheduledMessages.list({ oldest: now + 60 })).scheduled_messages.map((s) => s.id),
    [far.scheduled_message_id]);
  assert.deepEqual((await ctx.bot.chat.scheduledMessages.list({ limit: 1 })).scheduled_messages.length, 1);

  await sleep(3100);
  const hist = await ctx.bot.conversations.history({ channel: chan });
  const posted = hist.messages.find((m) => m.text === 'in two seconds');
  assert.ok(posted, 'the due message is in history');
  assert.equal(posted.user, 'UTWINBOT');
  assert.equal(posted.blocks[0].text.text, '*soon*');
  assert.ok(Number(posted.ts) >= now + 2);
  // Posted once, and gone from the queue.
  assert.equal((await ctx.bot.conversations.history({ channel: chan })).messages.filter((m) => m.text === 'in two seconds').length, 1);
  assert.deepEqual((await ctx.bot.chat.scheduledMessages.list({})).scheduled_messages.map((s) => s.id), [far.scheduled_message_id]);
  assert.equal(await errorOf(() => ctx.bot.chat.deleteScheduledMessage({ channel: chan, scheduled_message_id: soon.scheduled_message_id })),
    'invalid_scheduled_message_id');

  // next week, without waiting a week: the run's clock moves forward
  assert.equal((await admin(ctx, 'POST', '/clock', { advance_seconds: 7 * 86400 })).status, 200);
  const week = (await ctx.bot.conversations.history({ channel: chan })).messages.find((m) => m.text === 'next week');
  assert.ok(week, 'the week-ahead message is posted once the clock passes it');
  assert.ok(Number(week.ts) >= now + 7 * 86400);
  assert.deepEqual((await ctx.bot.chat.scheduledMessages.list({})).scheduled_messages, []);
});

test('scheduled messages fall due one after another, whatever order they were queued in', async () => {
  const ctx = await newRun();
  const chan = (await ctx.bot.conversations.create({ name: 'queue' })).channel.id;
  // Time moves on the run's clock (<admin>/admin/clock), not by waiting.
  const t0 = Math.floor(Date.now() / 1000);
  let moved = 0;
  const at = async (s) => {
    assert.equal((await admin(ctx, 'POST', '/clock', { advance_seconds: s - moved })).status, 200);
    moved = s;
  };
  const texts = async () => (await ctx.bot.conversations.history({ channel: chan })).messages.map((m) => m.text);
  assert.deepEqual(await texts(), []);
  // The latest is queued first, and the soonest is cancelled: neither may hold the others back.
  await ctx.bot.chat.scheduleMessage({ channel: chan, text: 'second', post_at: t0 + 600 });
  await ctx.bot.chat.scheduleMessage({ channel: chan, text: 'first', post_at: t0 + 300 });
  const cancelled = await ctx.bot.chat.scheduleMessage({ channel: chan, text: 'cancelled', post_at: t0 + 200 });
  await ctx.bot.chat.deleteScheduledMessage({ channel: chan, scheduled_message_id: cancelled.scheduled_message_id });
  assert.deepEqual(await texts(), []);

  await at(301);
  // A call that fails posts nothing: the delivery it made first is rolled back with it, and made again.
  assert.equal(await errorOf(() => ctx.bot.chat.postMessage({ channel: 'CNOPE12345', text: 'x' })), 'channel_not_found');
  assert.deepEqual(await texts(), ['first']);
  assert.deepEqual((await ctx.bot.chat.scheduledMessages.list({})).scheduled_messages.map((s) => s.text), ['second']);

  await at(601);
  assert.deepEqual(await texts(), ['second', 'first']);
  assert.deepEqual((await ctx.bot.chat.scheduledMessages.list({})).scheduled_messages, []);
  // The queue is empty; a new message is still delivered when due.
  await ctx.bot.chat.scheduleMessage({ channel: chan, text: 'third', post_at: t0 + 800 });
  await at(801);
  assert.deepEqual(await texts(), ['third', 'second', 'first']);
});

test('chat.deleteScheduledMessage removes a pending message; scheduleMessage errors', async () => {
  const ctx = await newRun();
  const chan = (await ctx.bot.conversations.create({ name: 'sched-errors' })).channel.id;
  const now = Math.floor(Date.now() / 1000);
  const q = await ctx.bot.chat.scheduleMessage({ channel: chan, text: 'cancel me', post_at: now + 3600 });
  // Wrong channel, unknown id, someone else's message.
  assert.equal(await errorOf(() => ctx.bot.chat.deleteScheduledMessage({ channel: 'CTWINGEN001', scheduled_message_id: q.scheduled_message_id })),
    'invalid_scheduled_message_id');
  assert.equal(await errorOf(() => ctx.bot.chat.deleteScheduledMessage({ channel: chan, scheduled_message_id: 'Q0000000000' })),
    'invalid_scheduled_message_id');
  assert.equal(await errorOf(() => ctx.bot.chat.deleteScheduledMessage({ channel: 'CNOPE12345', scheduled_message_id: q.scheduled_message_id })),
    'channel_not_found');
  assertSchema('chat.deleteScheduledMessage', await ctx.bot.chat.deleteScheduledMessage({ channel: chan, scheduled_message_id: q.scheduled_message_id }));
  assert.deepEqual((await ctx.bot.chat.scheduledMessages.list({})).scheduled_messages, []);

  assert.equal(await errorOf(() => ctx.bot.chat.scheduleMessage({ channel: chan, text: 'x', post_at: now - 60 })), 'time_in_past');
  assert.equal(await errorOf(() => ctx.bot.chat.scheduleMessage({ channel: chan, text: 'x', post_at: now + 200 * 86400 })), 'time_too_far');
  assert.equal(await errorOf(() => ctx.bot.chat.scheduleMessage({ channel: chan, text: 'x', post_at: 'tomorrow' })), 'invalid_time');
  assert.equal(await errorOf(() => ctx.bot.chat.scheduleMessage({ channel: chan, post_at: now + 60 })), 'no_text');
  assert.equal(await errorOf(() => ctx.bot.chat.scheduleMessage({ channel: 'CNOPE12345', text: 'x', post_at: now + 60 })), 'channel_not_found');
  const theirs = (await ctx.user.conversations.create({ name: 'not-for-bots' })).channel.id;
  await admin(ctx, 'PATCH', '/config', { bot_scopes: ['chat:write'] });
  assert.equal(await errorOf(() => ctx.bot.chat.scheduleMessage({ channel: theirs, text: 'x', post_at: now + 60 })), 'not_in_channel');
  await ctx.bot.conversations.archive({ channel: chan }).catch(() => {});
  await ctx.user.conversations.archive({ channel: theirs });
  await admin(ctx, 'PATCH', '/config', { bot_scopes: ['chat:write', 'chat:write.public'] });
  assert.equal(await errorOf(() => ctx.bot.chat.scheduleMessage({ channel: theirs, text: 'x', post_at: now + 60 })), 'is_archived');
  assert.equal(await errorOf(() => ctx.bot.chat.scheduledMessages.list({ channel: 'CNOPE12345' })), 'invalid_channel');
  // None of the failures queued anything.
  assert.deepEqual((await ctx.bot.chat.scheduledMessages.list({})).scheduled_messages, []);
  await admin(ctx, 'PATCH', '/config', { disabled_scopes: ['chat:write'] });
  const e = await rejects(() => ctx.bot.chat.scheduleMessage({ channel: chan, text: 'x', post_at: now + 60 }));
  assert.equal(e.data.error, 'missing_scope');
  assert.equal(e.data.needed, 'chat:write');
});

test('users.profile.set changes the profile users.profile.get and users.info show', async () => {
  const ctx = await newRun();
  const got = await ctx.user.users.profile.get();
  assertSchema('users.profile.get', got);
  assert.equal(got.profile.display_name, (await ctx.user.users.info({ user: 'UTWINUSR' })).user.profile.display_name);

  const set = await ctx.user.users.profile.set({ profile: { status_text: 'riding a train', status_emoji: ':train:',
    status_expiration: 0, title: 'Engineer', display_name: 'ada', unknown_field: 'ignored' } });
  assertSchema('users.profile.set', set);
  assert.equal(set.username, (await ctx.user.auth.test()).user);
  assert.equal(set.profile.status_text, 'riding a train');
  assert.equal(set.profile.unknown_field, undefined);
  const one = await ctx.user.users.profile.set({ name: 'real_name', value: 'Ada Lovelace' });
  assert.equal(one.profile.real_name, 'Ada Lovelace');

  const again = (await ctx.user.users.profile.get({ user: 'UTWINUSR' })).profile;
  assert.equal(again.status_emoji, ':train:');
  assert.equal(again.title, 'Engineer');
  assert.equal(again.display_name_normalized, 'ada');
  const info = (await ctx.bot.users.info({ user: 'UTWINUSR' })).user;
  assert.equal(info.real_name, 'Ada Lovelace');
  assert.equal(info.profile.real_name_normalized, 'Ada Lovelace');
  assert.equal(info.profile.status_text, 'riding a train');

  await ctx.user.users.profile.set({ profile: { first_name: 'Grace', last_name: 'Hopper' } });
  assert.equal((await ctx.user.users.profile.get()).profile.real_name, 'Grace Hopper');
});

test('users.profile errors: user_not_found, reserved_name, invalid_profile, not_admin, bots and scopes', async () => {
  const ctx = await newRun();
  assert.equal(await errorOf(() => ctx.user.users.profile.get({ user: 'UNOPE12345' })), 'user_not_found');
  assert.equal(await errorOf(() => ctx.user.users.profile.set({ profile: { display_name: 'everyone' } })), 'reserved_name');
  assert.equal(await errorOf(() => ctx.user.users.profile.set({ profile: '[1,2]' })), 'invalid_profile');
  assert.equal(await errorOf(() => ctx.user.users.profile.set({})), 'invalid_profile');
  // A rejected change leaves the profile as it was.
  assert.notEqual((await ctx.user.users.profile.get()).profile.display_name, 'everyone');

  // Only admins change someone else's profile, and never an admin's.
  await admin(ctx, 'PUT', '/config', { seed: {
    users: [{ name: 'ann', real_name: 'Ann Example' }],
    tokens: [{ token: 'xoxp-ann', user_id: 'ann', scopes: ['users.profile:read', 'users.profile:write'], is_bot: false }],
  } });
  const ann = client(ctx, 'xoxp-ann');
  const annId = (await ann.auth.test()).user_id;
  assert.equal(await errorOf(() => ann.users.profile.set({ user: 'UTWINUSR', profile: { title: 'x' } })), 'not_admin');
  await ann.users.profile.set({ profile: { title: 'Analyst' } });
  assert.equal((await ann.users.profile.get()).profile.title, 'Analyst');
  await ctx.user.users.profile.set({ user: annId, profile: { title: 'Lead' } });
  assert.equal((await ann.users.profile.get()).profile.title, 'Lead');
  await admin(ctx, 'PUT', '/config', { seed: {
    users: [{ name: 'root', is_admin: true }],
    tokens: [{ token: 'xoxp-root', user_id: 'root', scopes: ['users.profile:write'], is_bot: false }],
  } });
  assert.equal(await errorOf(() => client(ctx, 'xoxp-root').users.profile.set({ user: 'UTWINUSR', profile: { title: 'x' } })),
    'cannot_update_admin_user');
  // Bot tokens lack users.profile:read by default and can never write a profile.
  const e = await rejects(() => ctx.bot.users.profile.get());
  assert.equal(e.data.error, 'missing_scope');
  assert.equal(e.data.needed, 'users.profile:read');
  await admin(ctx, 'PATCH', '/config', { bot_scopes: ['users.profile:read', 'users.profile:write'] });
  assert.equal((await ctx.bot.users.profile.get({ user: 'UTWINUSR' })).profile.real_name !== undefined, true);
  assert.equal(await errorOf(() => ctx.bot.users.profile.set({ profile: { title: 'x' } })), 'user_is_bot');
});

test('users.setPresence away / auto is what users.getPresence answers', async () => {
  const ctx = await newRun();
  const mine = await ctx.user.users.getPresence();
  assertSchema('users.getPresence', mine);
  assert.equal(mine.presence, 'active');
  assert.equal(mine.manual_away, false);
  assert.equal(mine.online, true);
  assertSchema('users.setPresence', await ctx.user.users.setPresence({ presence: 'away' }));
  const away = await ctx.user.users.getPresence();
  assert.equal(away.presence, 'away');
  assert.equal(away.manual_away, true);
  // Someone else sees the presence only.
  const seen = await ctx.bot.users.getPresence({ user: 'UTWINUSR' });
  assert.equal(seen.presence, 'away');
  assert.equal(seen.manual_away, undefined);
  await ctx.user.users.setPresence({ presence: 'auto' });
  assert.equal((await ctx.bot.users.getPresence({ user: 'UTWINUSR' })).presence, 'active');
  assert.equal(await errorOf(() => ctx.user.users.setPresence({ presence: 'busy' })), 'invalid_presence');
  assert.equal(await errorOf(() => ctx.user.users.getPresence({ user: 'UNOPE12345' })), 'user_not_found');
  await admin(ctx, 'PATCH', '/config', { disabled_scopes: ['users:write'] });
  assert.equal((await rejects(() => ctx.user.users.setPresence({ presence: 'away' }))).data.needed, 'users:write');
});

test('conversations.mark moves the caller\'s read position, which conversations.info shows', async () => {
  const ctx = await newRun();
  const chan = (await ctx.user.conversations.create({ name: 'reading' })).channel.id;
  const first = await ctx.user.chat.postMessage({ channel: chan, text: 'one' });
  await ctx.user.chat.postMessage({ channel: chan, text: 'two' });
  assert.equal((await ctx.user.conversations.info({ channel: chan })).channel.last_read, undefined);
  const r = await ctx.user.conversations.mark({ channel: chan, ts: first.ts });
  assertSchema('conversations.mark', r);
  assert.equal((await ctx.user.conversations.info({ channel: chan })).channel.last_read, first.ts);

  assert.equal(await errorOf(() => ctx.user.conversations.mark({ channel: chan, ts: 'soon' })), 'invalid_timestamp');
  assert.equal(await errorOf(() => ctx.user.conversations.mark({ channel: chan })), 'invalid_timestamp');
  assert.equal(await errorOf(() => ctx.user.conversations.mark({ channel: 'CNOPE12345', ts: first.ts })), 'channel_not_found');
  const botChan = (await ctx.bot.conversations.create({ name: 'bots-only' })).channel.id;
  assert.equal(await errorOf(() => ctx.user.conversations.mark({ channel: botChan, ts: first.ts })), 'not_in_channel');
  // Bot tokens have no channels:write by default; granted, they still have no read position.
  assert.equal((await rejects(() => ctx.bot.conversations.mark({ channel: botChan, ts: first.ts }))).data.needed, 'channels:write');
  await admin(ctx, 'PATCH', '/config', { bot_scopes: ['channels:write', 'channels:read'] });
  assert.equal(await errorOf(() => ctx.bot.conversations.mark({ channel: botChan, ts: first.ts })), 'not_allowed_token_type');
  // A private channel needs groups:write.
  const priv = (await ctx.user.conversations.create({ name: 'hush', is_private: true })).channel.id;
  await admin(ctx, 'PATCH', '/config', { disabled_scopes: ['groups:write'] });
  assert.equal((await rejects(() => ctx.user.conversations.mark({ channel: priv, ts: first.ts }))).data.needed, 'groups:write');
});
