// Slack twin: Events API deliveries to the app's Request URL.  A local HTTP
// receiver plays the app: it answers url_verification with the challenge and
// checks every request's X-Slack-Signature the way Slack documents it
// (HMAC-SHA256 of "v0:<timestamp>:<raw body>" with the signing secret,
// compared in constant time).  The actions are made with the official
// @slack/web-api client.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { newRun, client, admin, rejects, stopServer } from './helpers.mjs';
import { startReceiver } from '../../lib/receiver.mjs';

let rx;

// The app's answers: the challenge echoed for url_verification (plain text,
// one of the forms Slack accepts), except on paths meant to fail it.
function respond(delivery) {
  delivery.at = Date.now();
  let body;
  try { body = JSON.parse(delivery.body); } catch { return { status: 400, body: 'not json' }; }
  if (body.type !== 'url_verification') {
    // A flaky app fails the first delivery of each event once.
    if (delivery.url.startsWith('/flaky') && !delivery.headers['x-slack-retry-num']) return { status: 503, body: 'busy' };
    if (delivery.url.startsWith('/down')) return { status: 500, body: 'down' };
    if (delivery.url.startsWith('/no-retry')) return { status: 500, body: 'broken', headers: { 'X-Slack-No-Retry': '1' } };
    if (delivery.url.startsWith('/slow') && !delivery.headers['x-slack-retry-num']) return { status: 200, body: '', delayMs: 4000 };
    return { status: 200, body: '' };
  }
  if (delivery.url.startsWith('/deaf')) return { status: 200, body: 'hello' };
  if (delivery.url.startsWith('/json-echo')) return { status: 200, body: JSON.stringify({ challenge: body.challenge }) };
  return { status: 200, body: body.challenge };
}

before(async () => { rx = await startReceiver({ respond }); });
after(async () => {
  await rx.close();
  await stopServer();
});

// Slack's documented check of a request's signature.
function verifySlackSignature(signingSecret, headers, raw) {
  const ts = headers['x-slack-request-timestamp'];
  const sig = headers['x-slack-signature'];
  if (!ts || !sig) return false;
  if (Math.abs(Date.now() / 1000 - Number(ts)) > 60 * 5) return false;   // replay window
  const base = Buffer.concat([Buffer.from(`v0:${ts}:`), raw]);
  const mine = `v0=${crypto.createHmac('sha256', signingSecret).update(base).digest('hex')}`;
  const a = Buffer.from(mine), b = Buffer.from(sig);
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}

let pathSeq = 0;
const freshPath = (name) => `/${name}-${++pathSeq}`;

// A run whose Request URL is a fresh path on the receiver, verified:
// { ctx, path, secret, events(pred) }.
async function eventsRun(config = {}, name = 'events') {
  const ctx = await newRun();
  const path = freshPath(name);
  const r = await admin(ctx, 'POST', '/config', { events_request_url: rx.urlFor(path), ...config });
  assert.equal(r.status, 200);
  await rx.waitFor((d) => d.url === path && JSON.parse(d.body).type === 'url_verification');
  await waitDelivery(ctx, (d) => d.event_type === 'url_verification' && d.status === 'succeeded');
  const callbacks = () => rx.deliveries.filter((d) => d.url === path).map((d) => ({ ...d, json: JSON.parse(d.body) }))
    .filter((d) => d.json.type === 'event_callback');
  return {
    ctx, path, secret: ctx.env.SLACK_SIGNING_SECRET, callbacks,
    // The first event_callback whose event matches pred.
    async event(pred, ms = 5000) {
      const hit = await rx.waitFor((d) => d.url === path && d.body.includes('"event_callback"') && pred(JSON.parse(d.body).event), ms);
      return { ...hit, json: JSON.parse(hit.body) };
    },
  };
}

async function deliveries(ctx) {
  return (await admin(ctx, 'GET', '/webhooks/deliveries')).json.deliveries;
}

async function waitDelivery(ctx, pred, ms = 5000) {
  const end = Date.now() + ms;
  for (;;) {
    const hit = (await deliveries(ctx)).find(pred);
    if (hit) return hit;
    if (Date.now() > end) throw new Error('no matching delivery in the log');
    await sleep(50);
  }
}

test('setting a Request URL sends url_verification; the handshake is signed and logged', async () => {
  const ctx = await newRun();
  assert.match(ctx.env.SLACK_SIGNING_SECRET, /^[0-9A-Za-z]{32}$/);
  const path = freshPath('verify');
  await admin(ctx, 'POST', '/config', { events_request_url: rx.urlFor(path) });
  const hit = await rx.waitFor((d) => d.url === path);
  const body = JSON.parse(hit.body);
  assert.deepEqual(Object.keys(body).sort(), ['challenge', 'token', 'type']);
  assert.equal(body.type, 'url_verification');
  assert.ok(body.challenge.length >= 32);
  assert.equal(body.token, ctx.env.SLACK_VERIFICATION_TOKEN);
  assert.equal(hit.method, 'POST');
  assert.match(hit.headers['content-type'], /^application\/json/);
  assert.match(hit.headers['user-agent'], /^Slackbot 1\.0/);
  assert.match(hit.headers['x-slack-signature'], /^v0=[0-9a-f]{64}$/);
  assert.ok(verifySlackSignature(ctx.env.SLACK_SIGNING_SECRET, hit.headers, hit.raw));
  assert.ok(!verifySlackSignature('not-the-secret', hit.headers, hit.raw));
  const logged = await waitDelivery(ctx, (d) => d.event_type === 'url_verification' && d.status !== 'pending');
  assert.equal(logged.status, 'succeeded');
  assert.equal(logged.url, rx.urlFor(path));

  // The same URL again is not re-verified; the JSON form of the answer is accepted too.
  await admin(ctx, 'POST', '/config', { event_subscriptions: ['message'] });
  await sleep(200);
  assert.equal(rx.deliveries.filter((d) => d.url === path).length, 1);
  const jsonPath = freshPath('json-echo');
  await admin(ctx, 'POST', '/config', { events_request_url: rx.urlFor(jsonPath) });
  await waitDelivery(ctx, (d) => d.url === rx.urlFor(jsonPath) && d.status === 'succeeded');
});

test('a URL that does not echo the challenge fails verification and gets no events', async () => {
  const ctx = await newRun();
  const path = freshPath('deaf');
  await admin(ctx, 'POST', '/config', { events_request_url: rx.urlFor(path) });
  const failed = await waitDelivery(ctx, (d) => d.event_type === 'url_verification' && d.status !== 'pending');
  assert.equal(failed.status, 'failed');
  assert.equal(failed.attempts.length, 1);   // a handshake is not retried
  assert.match(failed.attempts[0].error, /expected/);
  await ctx.bot.chat.postMessage({ channel: 'CTWINGEN001', text: 'nobody hears this' });
  await sleep(300);
  assert.equal(rx.deliveries.filter((d) => d.url === path).length, 1);
  assert.ok(!(await deliveries(ctx)).some((d) => d.event_type === 'message'));
});

test('chat.postMessage / update / delete: message, message_changed, message_deleted, signed event_callbacks', async () => {
  const ev = await eventsRun();
  const { ctx } = ev;
  const posted = await ctx.bot.chat.postMessage({ channel: 'CTWINGEN001', text: 'hello events' });
  const hit = await ev.event((e) => e.type === 'message' && e.ts === posted.ts && !e.subtype);
  assert.ok(verifySlackSignature(ev.secret, hit.headers, hit.raw));
  const env = hit.json;
  assert.equal(env.type, 'event_callback');
  assert.equal(env.token, ctx.env.SLACK_VERIFICATION_TOKEN);
  assert.equal(env.team_id, 'TTWIN0001');
  assert.equal(env.api_app_id, 'ATWINAPP1');
  assert.match(env.event_id, /^Ev[0-9A-Z]{8,}$/);
  assert.ok(Number.isInteger(env.event_time) && Math.abs(env.event_time - Date.now() / 1000) < 60);
  assert.deepEqual(env.authorizations, [{ enterprise_id: null, team_id: 'TTWIN0001', user_id: 'UTWINBOT', is_bot: true,
    is_enterprise_install: false }]);
  assert.deepEqual(env.authed_users, ['UTWINBOT']);   // deprecated, still sent with one entry
  assert.equal(env.is_ext_shared_channel, false);
  const e = env.event;
  assert.equal(e.channel, 'CTWINGEN001');
  assert.equal(e.channel_type, 'channel');
  assert.equal(e.user, 'UTWINBOT');
  assert.equal(e.text, 'hello events');
  assert.equal(e.event_ts, posted.ts);
  assert.equal(e.bot_id, posted.message.bot_id);
  assert.equal(e._ch, undefined);
  // The delivery log names the event.
  const logged = await waitDelivery(ctx, (d) => d.event_id === env.event_id);
  assert.equal(logged.event_type, 'message');
  assert.equal(logged.status, 'succeeded');

  await ctx.bot.chat.update({ channel: 'CTWINGEN001', ts: posted.ts, text: 'hello again' });
  const changed = (await ev.event((x) => x.subtype === 'message_changed')).json.event;
  assert.equal(changed.type, 'message');
  assert.equal(changed.hidden, true);
  assert.equal(changed.channel, 'CTWINGEN001');
  assert.equal(changed.message.ts, posted.ts);
  assert.equal(changed.message.text, 'hello again');
  assert.equal(changed.message.edited.user, 'UTWINBOT');
  assert.equal(changed.ts, changed.message.edited.ts);
  assert.equal(changed.previous_message.text, 'hello events');

  await ctx.bot.chat.delete({ channel: 'CTWINGEN001', ts: posted.ts });
  const deleted = (await ev.event((x) => x.subtype === 'message_deleted')).json.event;
  assert.equal(deleted.hidden, true);
  assert.equal(deleted.deleted_ts, posted.ts);
  assert.equal(deleted.previous_message.text, 'hello again');
  assert.equal(deleted.channel, 'CTWINGEN001');
});

test('events carry the run clock: event_time and event_ts follow <admin>/admin/clock like message ts', async () => {
  const ev = await eventsRun();
  const { ctx } = ev;
  assert.equal((await admin(ctx, 'POST', '/clock', { advance_seconds: 86400 })).status, 200);
  const posted = await ctx.bot.chat.postMessage({ channel: 'CTWINGEN001', text: 'tomorrow' });
  assert.ok(Math.abs(Number(posted.ts) - (Date.now() / 1000 + 86400)) < 60);
  const env = (await ev.event((e) => e.type === 'message' && e.ts === posted.ts)).json;
  assert.ok(Math.abs(env.event_time - (Date.now() / 1000 + 86400)) < 60);
  assert.equal(env.event.event_ts, posted.ts);
  await ctx.bot.reactions.add({ channel: 'CTWINGEN001', timestamp: posted.ts, name: 'tada' });
  const added = (await ev.event((e) => e.type === 'reaction_added')).json.event;
  assert.ok(Math.abs(Number(added.event_ts) - (Date.now() / 1000 + 86400)) < 60);
});

test('reactions, pins and app_mention', async () => {
  const ev = await eventsRun();
  const { ctx } = ev;
  const msg = await ctx.user.chat.postMessage({ channel: 'CTWINGEN001', text: 'hey <@UTWINBOT>, look' });
  const mention = (await ev.event((e) => e.type === 'app_mention')).json.event;
  assert.equal(mention.user, 'UTWINUSR');
  assert.equal(mention.text, 'hey <@UTWINBOT>, look');
  assert.equal(mention.ts, msg.ts);
  assert.equal(mention.channel, 'CTWINGEN001');
  assert.equal(mention.event_ts, msg.ts);
  await ev.event((e) => e.type === 'message' && e.ts === msg.ts);

  await ctx.bot.reactions.add({ channel: 'CTWINGEN001', timestamp: msg.ts, name: 'tada' });
  const added = (await ev.event((e) => e.type === 'reaction_added')).json.event;
  assert.deepEqual({ ...added, event_ts: undefined }, { type: 'reaction_added', user: 'UTWINBOT', reaction: 'tada',
    item_user: 'UTWINUSR', item: { type: 'message', channel: 'CTWINGEN001', ts: msg.ts }, event_ts: undefined });
  assert.match(added.event_ts, /^\d{10}\.\d{6}$/);
  await ctx.bot.reactions.remove({ channel: 'CTWINGEN001', timestamp: msg.ts, name: 'tada' });
  const removed = (await ev.event((e) => e.type === 'reaction_removed')).json.event;
  assert.equal(removed.reaction, 'tada');
  assert.equal(removed.item.ts, msg.ts);

  await ctx.bot.pins.add({ channel: 'CTWINGEN001', timestamp: msg.ts });
  const pin = (await ev.event((e) => e.type === 'pin_added')).json.event;
  assert.equal(pin.user, 'UTWINBOT');
  assert.equal(pin.channel_id, 'CTWINGEN001');
  assert.equal(pin.item.type, 'message');
  assert.equal(pin.item.created_by, 'UTWINBOT');
  assert.equal(pin.item.message.ts, msg.ts);
  assert.deepEqual(pin.item.message.pinned_to, ['CTWINGEN001']);
  assert.match(pin.item.message.permalink, /^https?:\/\//);
  assert.equal(pin.item_user, 'UTWINUSR');
  assert.equal(pin.pin_count, '1');
  assert.deepEqual(pin.pinned_info, { channel: 'CTWINGEN001', pinned_by: 'UTWINBOT', pinned_ts: pin.item.created });
  await ctx.bot.pins.remove({ channel: 'CTWINGEN001', timestamp: msg.ts });
  const unpin = (await ev.event((e) => e.type === 'pin_removed')).json.event;
  assert.equal(unpin.pin_count, '0');
  assert.equal(unpin.has_pins, false);

  // The bot mentioning itself is no app_mention.
  const own = await ctx.bot.chat.postMessage({ channel: 'CTWINGEN001', text: 'I am <@UTWINBOT>' });
  await ev.event((e) => e.type === 'message' && e.ts === own.ts);
  await sleep(200);
  assert.equal(ev.callbacks().filter((d) => d.json.event.type === 'app_mention').length, 1);
});

test('conversations: created, renamed, members joining and leaving, archived, unarchived', async () => {
  const ev = await eventsRun();
  const { ctx } = ev;
  const chan = (await ctx.bot.conversations.create({ name: 'ev-room' })).channel;
  const created = (await ev.event((e) => e.type === 'channel_created')).json.event;
  assert.equal(created.channel.id, chan.id);
  assert.equal(created.channel.name, 'ev-room');
  assert.equal(created.channel.creator, 'UTWINBOT');
  assert.equal(created.channel.is_channel, true);
  assert.equal(created.channel.is_private, false);
  assert.equal(created.channel.members, undefined);

  await ctx.bot.conversations.rename({ channel: chan.id, name: 'ev-room-2' });
  const renamed = (await ev.event((e) => e.type === 'channel_rename')).json.event;
  assert.equal(renamed.channel.id, chan.id);
  assert.equal(renamed.channel.name, 'ev-room-2');
  assert.equal(renamed.channel.created, chan.created);

  await ctx.bot.conversations.invite({ channel: chan.id, users: 'UTWINUSR' });
  const joined = (await ev.event((e) => e.type === 'member_joined_channel')).json.event;
  assert.deepEqual({ ...joined, event_ts: undefined }, { type: 'member_joined_channel', user: 'UTWINUSR', channel: chan.id,
    channel_type: 'C', team: 'TTWIN0001', inviter: 'UTWINBOT', event_ts: undefined });
  const joinMsg = (await ev.event((e) => e.type === 'message' && e.subtype === 'channel_join')).json.event;
  assert.equal(joinMsg.user, 'UTWINUSR');
  assert.equal(joinMsg.channel, chan.id);

  await ctx.bot.conversations.kick({ channel: chan.id, user: 'UTWINUSR' });
  const kicked = (await ev.event((e) => e.type === 'member_left_channel' && e.user === 'UTWINUSR')).json.event;
  assert.equal(kicked.channel, chan.id);
  assert.equal(kicked.channel_type, 'C');

  await ctx.user.conversations.join({ channel: chan.id });
  await ev.event((e) => e.type === 'member_joined_channel' && e.user === 'UTWINUSR' && !e.inviter);
  await ctx.user.conversations.leave({ channel: chan.id });
  await ev.event((e) => e.type === 'member_left_channel' && e.user === 'UTWINUSR' && e.event_ts !== kicked.event_ts);

  await ctx.bot.conversations.archive({ channel: chan.id });
  const archived = (await ev.event((e) => e.type === 'channel_archive')).json.event;
  assert.deepEqual({ ...archived, event_ts: undefined }, { type: 'channel_archive', channel: chan.id, user: 'UTWINBOT', event_ts: undefined });
  await ctx.bot.conversations.unarchive({ channel: chan.id });
  const unarchived = (await ev.event((e) => e.type === 'channel_unarchive')).json.event;
  assert.equal(unarchived.channel, chan.id);
  for (const d of ev.callbacks()) assert.ok(verifySlackSignature(ev.secret, d.headers, d.raw), d.json.event.type);
});

test('files.completeUploadExternal into a channel: file_shared and the file_share message', async () => {
  const ev = await eventsRun();
  const { ctx } = ev;
  const r = await ctx.bot.files.getUploadURLExternal({ filename: 'notes.txt', length: 5 });
  assert.equal((await fetch(r.upload_url, { method: 'POST', body: 'notes' })).status, 200);
  await ctx.bot.files.completeUploadExternal({ files: [{ id: r.file_id, title: 'Notes' }], channel_id: 'CTWINGEN001',
    initial_comment: 'see attached' });
  const shared = (await ev.event((e) => e.type === 'file_shared')).json.event;
  assert.deepEqual({ ...shared, event_ts: undefined }, { type: 'file_shared', file_id: r.file_id, user_id: 'UTWINBOT',
    file: { id: r.file_id }, channel_id: 'CTWINGEN001', event_ts: undefined });
  const msg = (await ev.event((e) => e.type === 'message' && e.subtype === 'file_share')).json.event;
  assert.equal(msg.text, 'see attached');
  assert.equal(msg.files[0].id, r.file_id);
});

test('a failed delivery is retried with X-Slack-Retry-Num and X-Slack-Retry-Reason, the same event again', async () => {
  const ev = await eventsRun({}, 'flaky');
  const { ctx } = ev;
  await ctx.bot.chat.postMessage({ channel: 'CTWINGEN001', text: 'try again' });
  const first = await ev.event((e) => e.text === 'try again');
  assert.equal(first.headers['x-slack-retry-num'], undefined);
  const retry = await rx.waitFor((d) => d.url === ev.path && d.headers['x-slack-retry-num'] === '1', 8000);
  assert.equal(retry.headers['x-slack-retry-reason'], 'http_error');
  const again = JSON.parse(retry.body);
  assert.equal(again.event_id, first.json.event_id);
  assert.deepEqual(again.event, first.json.event);
  assert.ok(verifySlackSignature(ev.secret, retry.headers, retry.raw));   // signed afresh
  const logged = await waitDelivery(ctx, (d) => d.event_id === first.json.event_id && d.status === 'succeeded', 8000);
  assert.deepEqual(logged.attempts.map((a) => a.status_code), [503, 200]);
});

test('X-Slack-No-Retry: 1 on a failed answer stops the retries', async () => {
  const ev = await eventsRun({}, 'no-retry');
  const { ctx } = ev;
  await ctx.bot.chat.postMessage({ channel: 'CTWINGEN001', text: 'once only' });
  const first = await ev.event((e) => e.text === 'once only');
  const logged = await waitDelivery(ctx, (d) => d.event_id === first.json.event_id && d.status !== 'pending');
  assert.equal(logged.status, 'failed');
  await sleep(1500);   // well past when the first retry (at once) would have come
  assert.equal(ev.callbacks().length, 1);
  assert.equal((await deliveries(ctx)).find((d) => d.event_id === first.json.event_id).attempts.length, 1);
});

test('an app that does not answer within 3 seconds gets a retry with reason http_timeout', async () => {
  const ev = await eventsRun({}, 'slow');
  const { ctx } = ev;
  const t0 = Date.now();
  await ctx.bot.chat.postMessage({ channel: 'CTWINGEN001', text: 'slow app' });
  const first = await ev.event((e) => e.text === 'slow app');
  const retry = await rx.waitFor((d) => d.url === ev.path && d.headers['x-slack-retry-num'] === '1', 10000);
  assert.ok(Date.now() - t0 >= 3000);
  assert.equal(retry.headers['x-slack-retry-reason'], 'http_timeout');
  assert.equal(JSON.parse(retry.body).event_id, first.json.event_id);
  const logged = await waitDelivery(ctx, (d) => d.event_id === first.json.event_id && d.status === 'succeeded');
  assert.equal(logged.attempts[0].status_code, null);
  assert.match(logged.attempts[0].error, /timed out/i);
});

test('failed calls emit nothing: rolled-back invite, already_reacted, no_text', async () => {
  const ev = await eventsRun();
  const { ctx } = ev;
  const chan = (await ctx.bot.conversations.create({ name: 'ev-fail' })).channel.id;
  await ev.event((e) => e.type === 'channel_created' && e.channel.id === chan);
  // UTWINUSR would join first, then UNOPE fails the call: all or nothing.
  assert.equal((await rejects(() => ctx.bot.conversations.invite({ channel: chan, users: 'UTWINUSR,UNOPE00000' }))).data.error,
    'user_not_found');
  const msg = await ctx.bot.chat.postMessage({ channel: chan, text: 'react here' });
  await ctx.bot.reactions.add({ channel: chan, timestamp: msg.ts, name: 'eyes' });
  assert.equal((await rejects(() => ctx.bot.reactions.add({ channel: chan, timestamp: msg.ts, name: 'eyes' }))).data.error,
    'already_reacted');
  assert.equal((await rejects(() => ctx.bot.chat.postMessage({ channel: chan, text: '' }))).data.error, 'no_text');
  // A later success arrives; the failures' events never do.
  await ctx.bot.chat.postMessage({ channel: chan, text: 'after the failures' });
  await ev.event((e) => e.type === 'message' && e.text === 'after the failures');
  await ev.event((e) => e.type === 'reaction_added');
  await sleep(300);
  const types = ev.callbacks().map((d) => d.json.event.type + (d.json.event.subtype ? `/${d.json.event.subtype}` : ''));
  assert.deepEqual(types.filter((ty) => ty === 'reaction_added'), ['reaction_added']);
  assert.ok(!types.includes('member_joined_channel'), types.join());
  assert.ok(!types.includes('message/channel_join'), types.join());
  assert.equal(types.filter((ty) => ty === 'message').length, 2);
  const log = await deliveries(ctx);
  assert.equal(log.filter((d) => d.event_type === 'member_joined_channel').length, 0);
  assert.equal(log.filter((d) => d.event_type === 'reaction_added').length, 1);
});

test('event_subscriptions: only subscribed types are delivered; message.<kind> picks conversation kinds', async () => {
  const ev = await eventsRun({ event_subscriptions: ['message.channels', 'pin_added'] });
  const { ctx } = ev;
  const msg = await ctx.bot.chat.postMessage({ channel: 'CTWINGEN001', text: 'subscribed' });
  await ctx.bot.reactions.add({ channel: 'CTWINGEN001', timestamp: msg.ts, name: 'x' });
  await ctx.bot.conversations.create({ name: 'ev-unsubscribed' });
  const priv = (await ctx.bot.conversations.create({ name: 'ev-private', is_private: true })).channel.id;
  await ctx.bot.chat.postMessage({ channel: priv, text: 'in a private channel' });
  await ctx.bot.pins.add({ channel: 'CTWINGEN001', timestamp: msg.ts });
  await ev.event((e) => e.type === 'pin_added');
  await ev.event((e) => e.type === 'message' && e.text === 'subscribed');
  await sleep(300);
  const types = ev.callbacks().map((d) => d.json.event.type).sort();
  assert.deepEqual(types, ['message', 'pin_added']);
  assert.ok(!(await deliveries(ctx)).some((d) => d.event_type === 'reaction_added' || d.event_type === 'channel_created'));
});

test('conversations the app is not in send it nothing; DMs carry channel_type im', async () => {
  const ctx = await newRun();
  const path = freshPath('members');
  await admin(ctx, 'PUT', '/config', { events_request_url: rx.urlFor(path), seed: {
    users: [{ name: 'ann', real_name: 'Ann Example' }],
    tokens: [{ token: 'xoxp-ann-events', user_id: 'ann', scopes: ['channels:manage', 'chat:write'], is_bot: false }],
  } });
  await waitDelivery(ctx, (d) => d.event_type === 'url_verification' && d.status === 'succeeded');
  const ann = client(ctx, 'xoxp-ann-events');
  // Neither the bot nor the installing user is in Ann's channels.
  const pub = (await ann.conversations.create({ name: 'ann-public' })).channel.id;
  const priv = (await ann.conversations.create({ name: 'ann-private', is_private: true })).channel.id;
  await ann.chat.postMessage({ channel: pub, text: 'ann alone in public' });
  await ann.chat.postMessage({ channel: priv, text: 'ann alone in private' });
  // A new public channel is announced to every app all the same.
  await rx.waitFor((d) => d.url === path && d.body.includes('"channel_created"') && d.body.includes(pub));
  const dm = await ctx.user.conversations.open({ users: 'UTWINBOT' });
  await ctx.user.chat.postMessage({ channel: dm.channel.id, text: 'direct' });
  const im = await rx.waitFor((d) => d.url === path && d.body.includes('"direct"'));
  assert.equal(JSON.parse(im.body).event.channel_type, 'im');
  await sleep(300);
  const events = rx.deliveries.filter((d) => d.url === path).map((d) => JSON.parse(d.body))
    .filter((b) => b.type === 'event_callback').map((b) => b.event);
  assert.deepEqual(events.map((e) => e.type).sort(), ['channel_created', 'im_created', 'message']);
  assert.ok(!events.some((e) => e.channel?.id === priv || e.channel === priv));
});

test('seeding emits no events', async () => {
  const ctx = await newRun();
  const path = freshPath('seeded');
  const put = await admin(ctx, 'PUT', '/config', { events_request_url: rx.urlFor(path), seed: {
    channels: [{ name: 'seeded', messages: ['one', 'two <@UTWINBOT>'] }],
  } });
  assert.equal(put.status, 200);
  await waitDelivery(ctx, (d) => d.event_type === 'url_verification' && d.status === 'succeeded');
  await sleep(300);
  const got = rx.deliveries.filter((d) => d.url === path).map((d) => JSON.parse(d.body).type);
  assert.deepEqual(got, ['url_verification']);
  assert.deepEqual((await deliveries(ctx)).map((d) => d.event_type), ['url_verification']);
  // Activity after the seed is delivered.
  const seeded = (await ctx.bot.conversations.list()).channels.find((c) => c.name === 'seeded');
  await ctx.user.chat.postMessage({ channel: seeded.id, text: 'live' });
  await rx.waitFor((d) => d.url === path && d.body.includes('"live"'));
});

test("failed deliveries follow Slack's schedule: a retry at once, then after 1 and 5 minutes (scaled for tests)", async () => {
  // events_retry_time_scale 0.01: the retries wait 0 s, 0.6 s and 3 s.
  const ev = await eventsRun({ events_retry_time_scale: 0.01 }, 'down');
  const { ctx } = ev;
  await ctx.bot.chat.postMessage({ channel: 'CTWINGEN001', text: 'nobody home' });
  const first = await ev.event((e) => e.text === 'nobody home');
  const logged = await waitDelivery(ctx, (d) => d.event_id === first.json.event_id && d.status === 'failed', 10000);
  assert.equal(logged.attempts.length, 4);   // the first and three retries
  assert.deepEqual(logged.attempts.map((a) => a.status_code), [500, 500, 500, 500]);
  const hits = ev.callbacks().filter((d) => d.json.event_id === first.json.event_id);
  assert.deepEqual(hits.map((d) => d.headers['x-slack-retry-num']), [undefined, '1', '2', '3']);
  const gaps = hits.slice(1).map((d, i) => d.at - hits[i].at);
  assert.ok(gaps[0] < 500, `first retry after ${gaps[0]} ms`);
  assert.ok(gaps[1] >= 550 && gaps[1] < 2000, `second retry after ${gaps[1]} ms`);
  assert.ok(gaps[2] >= 2950 && gaps[2] < 4500, `third retry after ${gaps[2]} ms`);
  await sleep(300);
  assert.equal(ev.callbacks().filter((d) => d.json.event_id === first.json.event_id).length, 4);
});

test('unscaled, the second retry is due a minute after the first retry failed', async () => {
  const ev = await eventsRun({}, 'down');
  const { ctx } = ev;
  await ctx.bot.chat.postMessage({ channel: 'CTWINGEN001', text: 'down for a while' });
  const first = await ev.event((e) => e.text === 'down for a while');
  const logged = await waitDelivery(ctx, (d) => d.event_id === first.json.event_id && d.attempts.length === 2);
  assert.equal(logged.status, 'retrying');
  const [a1, a2] = logged.attempts.map((a) => Date.parse(a.at));
  assert.ok(a2 - a1 < 1000, `first retry after ${a2 - a1} ms`);
  const wait = Date.parse(logged.next_retry_at) - a2;
  assert.ok(wait >= 59000 && wait <= 62000, `second retry due after ${wait} ms`);
});

test('channel_left / group_left: the app hears its user leaving or being removed', async () => {
  const ev = await eventsRun({ event_subscriptions: '*' });
  const { ctx } = ev;
  const chan = (await ctx.bot.conversations.create({ name: 'ev-leaving' })).channel.id;
  await ctx.bot.conversations.invite({ channel: chan, users: 'UTWINUSR' });
  await ctx.bot.conversations.leave({ channel: chan });
  const left = (await ev.event((e) => e.type === 'channel_left')).json.event;
  assert.deepEqual({ ...left, event_ts: undefined }, { type: 'channel_left', channel: chan, actor_id: 'UTWINBOT',
    event_ts: undefined });
  assert.match(left.event_ts, /^\d{10}\.\d{6}$/);

  const priv = (await ctx.bot.conversations.create({ name: 'ev-leaving-priv', is_private: true })).channel.id;
  await ctx.bot.conversations.invite({ channel: priv, users: 'UTWINUSR' });
  await ctx.user.conversations.kick({ channel: priv, user: 'UTWINBOT' });
  const removed = (await ev.event((e) => e.type === 'group_left')).json.event;
  assert.equal(removed.channel, priv);
  assert.equal(removed.actor_id, 'UTWINUSR');
  await sleep(200);
  const types = ev.callbacks().map((d) => d.json.event.type);
  assert.equal(types.filter((t) => t === 'channel_left').length, 1);
  assert.equal(types.filter((t) => t === 'group_left').length, 1);
});

test('im_created when conversations.open creates a DM, not when it reopens one', async () => {
  const ev = await eventsRun();
  const { ctx } = ev;
  const dm = (await ctx.user.conversations.open({ users: 'UTWINBOT' })).channel;
  const created = (await ev.event((e) => e.type === 'im_created')).json.event;
  assert.deepEqual(created, { type: 'im_created', user: 'UTWINBOT', event_ts: created.event_ts,
    channel: { id: dm.id, is_im: true, user: 'UTWINUSR', created: dm.created, is_org_shared: false } });
  const again = await ctx.user.conversations.open({ users: 'UTWINBOT' });
  assert.equal(again.already_open, true);
  await sleep(300);
  assert.equal(ev.callbacks().filter((d) => d.json.event.type === 'im_created').length, 1);
});

test('users.profile.set: user_change (and user_status_changed when subscribed); no change, no event', async () => {
  const ev = await eventsRun({ event_subscriptions: ['user_change', 'user_status_changed'] });
  const { ctx } = ev;
  await ctx.user.users.profile.set({ profile: { status_text: 'riding a train', status_emoji: ':train:' } });
  const change = (await ev.event((e) => e.type === 'user_change')).json.event;
  assert.equal(change.user.id, 'UTWINUSR');
  assert.equal(change.user.profile.status_text, 'riding a train');
  assert.equal(change.user.profile.status_emoji, ':train:');
  assert.ok(Number.isInteger(change.cache_ts));
  assert.match(change.event_ts, /^\d{10}\.\d{6}$/);
  assert.ok(Object.keys(change.user).every((k) => !k.startsWith('_')));
  const status = (await ev.event((e) => e.type === 'user_status_changed')).json.event;
  assert.deepEqual(status.user, change.user);

  await ctx.user.users.profile.set({ profile: { status_text: 'riding a train', status_emoji: ':train:' } });   // unchanged
  await ctx.user.users.profile.set({ profile: { title: 'Conductor' } });
  const retitled = (await ev.event((e) => e.type === 'user_change' && e.user.profile.title === 'Conductor')).json.event;
  assert.equal(retitled.user.profile.status_text, 'riding a train');
  await sleep(300);
  // Deliveries race each other; user_profile_changed is not subscribed.
  const types = ev.callbacks().map((d) => d.json.event.type).sort();
  assert.deepEqual(types, ['user_change', 'user_change', 'user_status_changed']);
});

test('files: file_created on upload, file_deleted (with the channels it was in) on files.delete', async () => {
  const ev = await eventsRun();
  const { ctx } = ev;
  async function upload(name, share) {
    const r = await ctx.bot.files.getUploadURLExternal({ filename: name, length: 4 });
    assert.equal((await fetch(r.upload_url, { method: 'POST', body: 'data' })).status, 200);
    await ctx.bot.files.completeUploadExternal({ files: [{ id: r.file_id }], ...(share ? { channel_id: 'CTWINGEN001' } : {}) });
    return r.file_id;
  }
  const shared = await upload('shared.txt', true);
  const created = (await ev.event((e) => e.type === 'file_created' && e.file_id === shared)).json.event;
  assert.deepEqual({ ...created, event_ts: undefined }, { type: 'file_created', file_id: shared, user_id: 'UTWINBOT',
    file: { id: shared }, event_ts: undefined });
  const kept = await upload('private.txt', false);
  await ev.event((e) => e.type === 'file_created' && e.file_id === kept);

  await ctx.bot.files.delete({ file: shared });
  const deleted = (await ev.event((e) => e.type === 'file_deleted' && e.file_id === shared)).json.event;
  assert.deepEqual({ ...deleted, event_ts: undefined }, { type: 'file_deleted', file_id: shared, channel_ids: ['CTWINGEN001'],
    event_ts: undefined });
  await ctx.bot.files.delete({ file: kept });
  const gone = (await ev.event((e) => e.type === 'file_deleted' && e.file_id === kept)).json.event;
  assert.equal(gone.channel_ids, undefined);
  // A file that does not exist deletes nothing and announces nothing.
  assert.equal((await rejects(() => ctx.bot.files.delete({ file: kept }))).data.error, 'file_not_found');
  await sleep(300);
  assert.equal(ev.callbacks().filter((d) => d.json.event.type === 'file_deleted').length, 2);
});

test('user_profile_changed comes with user_change when subscribed; no user_status_changed for other fields', async () => {
  const ev = await eventsRun({ event_subscriptions: '*' });
  const { ctx } = ev;
  await ctx.user.users.profile.set({ profile: { display_name: 'conductor' } });
  const profile = (await ev.event((e) => e.type === 'user_profile_changed')).json.event;
  const change = (await ev.event((e) => e.type === 'user_change')).json.event;
  assert.equal(profile.user.profile.display_name, 'conductor');
  assert.deepEqual(profile.user, change.user);
  await sleep(300);
  assert.ok(!ev.callbacks().some((d) => d.json.event.type === 'user_status_changed'));
});
