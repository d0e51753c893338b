// Slack twin: auth and scopes, users, conversations, chat, reactions — through
// the official @slack/web-api client, state checked by later calls.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { newRun, client, admin, api, assertSchema, rejects, stopServer } from './helpers.mjs';
import * as fx from '../../lib/fixture.mjs';

after(stopServer);

async function channel(ctx, name, web = ctx.bot) {
  const r = await web.conversations.create({ name });
  return r.channel.id;
}

test('auth.test answers for the bot and the user token', async () => {
  const ctx = await newRun();
  const b = await ctx.bot.auth.test();
  assert.equal(b.user_id, 'UTWINBOT');
  assert.equal(b.team_id, 'TTWIN0001');
  assert.ok(b.bot_id);
  const u = await ctx.user.auth.test();
  assert.equal(u.user_id, 'UTWINUSR');
  assert.equal(u.bot_id, undefined);
  assertSchema('auth.test', (await api(ctx, 'auth.test', {}, { token: ctx.botToken })).json);
});

test('the default workspace exists from provision on, and again after a config replace and a reset', async () => {
  const ctx = await newRun();
  const ids = async () => {
    const st = (await admin(ctx, 'GET', '/state')).json.state;
    return { users: (st.users || []).map((u) => u.id).sort(), channels: (st.conversations || []).map((c) => c.name) };
  };
  const fresh = await ids();
  assert.deepEqual(fresh, { users: ['UTWINBOT', 'UTWINUSR'], channels: ['general'] });
  await channel(ctx, 'extra');
  assert.equal((await admin(ctx, 'PUT', '/config', { team_name: 'Acme' })).status, 200);
  assert.deepEqual(await ids(), fresh);
  await channel(ctx, 'again');
  assert.equal((await admin(ctx, 'POST', '/reset')).status, 200);
  assert.deepEqual(await ids(), fresh);
});

test('missing token is not_authed, unknown token is invalid_auth (HTTP 200)', async () => {
  const ctx = await newRun();
  const none = await api(ctx, 'auth.test');
  assert.equal(none.status, 200);
  assert.deepEqual(none.json, { ok: false, error: 'not_authed' });
  const err = await rejects(() => client(ctx, 'xoxb-nope').auth.test());
  assert.equal(err.data.error, 'invalid_auth');
  // Stub methods also need a valid token.
  const stub = await api(ctx, 'pins.list', { channel: 'C1' }, { token: 'xoxb-nope' });
  assert.equal(stub.json.error, 'invalid_auth');
});

test('token as a form field and xoxe.-prefixed tokens are accepted', async () => {
  const ctx = await newRun();
  const r = await api(ctx, 'auth.test', { token: ctx.userToken });
  assert.equal(r.json.user_id, 'UTWINUSR');
  const e = await client(ctx, 'xoxe.' + ctx.botToken).auth.test();
  assert.equal(e.user_id, 'UTWINBOT');
});

test('missing_scope names needed and provided; disabled_scopes removes a grant', async () => {
  const ctx = await newRun();
  await admin(ctx, 'PATCH', '/config', { user_scopes: ['channels:read', 'channels:history'] });
  const err = await rejects(() => ctx.user.chat.postMessage({ channel: 'CTWINGEN001', text: 'hi' }));
  assert.equal(err.data.error, 'missing_scope');
  assert.equal(err.data.needed, 'chat:write');
  assert.equal(err.data.provided, 'channels:read,channels:history');
  await admin(ctx, 'PATCH', '/config', { disabled_scopes: ['users:read'] });
  const e2 = await rejects(() => ctx.bot.users.list());
  assert.equal(e2.data.error, 'missing_scope');
  assert.equal(e2.data.needed, 'users:read');
  assert.ok(!e2.data.provided.split(',').includes('users:read'));
});

test('history and replies need the scope of the conversation\'s type (channels, groups, im, mpim :history)', async () => {
  const ctx = await newRun();
  const priv = (await ctx.user.conversations.create({ name: 'private-one', is_private: true })).channel.id;
  const root = await ctx.user.chat.postMessage({ channel: priv, text: 'secret' });
  const dm = (await ctx.user.conversations.open({ users: 'UTWINBOT' })).channel.id;
  await ctx.user.chat.postMessage({ channel: dm, text: 'psst' });
  await admin(ctx, 'PATCH', '/config', { user_scopes: ['channels:read', 'channels:history', 'chat:write'] });
  assert.ok((await ctx.user.conversations.history({ channel: 'CTWINGEN001' })).ok);
  for (const [call, needed] of [
    [() => ctx.user.conversations.history({ channel: priv }), 'groups:history'],
    [() => ctx.user.conversations.replies({ channel: priv, ts: root.ts }), 'groups:history'],
    [() => ctx.user.conversations.history({ channel: dm }), 'im:history'],
  ]) {
    const err = await rejects(call);
    assert.equal(err.data.error, 'missing_scope');
    assert.equal(err.data.needed, needed);
    assert.equal(err.data.provided, 'channels:read,channels:history,chat:write');
  }
  // A token with only the private-channel scope reads the private channel, not #general.
  await admin(ctx, 'PATCH', '/config', { user_scopes: ['groups:history', 'im:history'] });
  const h = await ctx.user.conversations.history({ channel: priv });
  assert.deepEqual(h.messages.map((m) => m.text), ['secret']);
  assert.deepEqual((await ctx.user.conversations.history({ channel: dm })).messages.map((m) => m.text), ['psst']);
  const pub = await rejects(() => ctx.user.conversations.history({ channel: 'CTWINGEN001' }));
  assert.equal(pub.data.needed, 'channels:history');
  const unknown = await rejects(() => ctx.user.conversations.history({ channel: 'CNOPE' }));
  assert.equal(unknown.data.error, 'channel_not_found');
});

test('list, info and members need the read scope of each conversation type (channels, groups, im, mpim :read)', async () => {
  const ctx = await newRun();
  await admin(ctx, 'PUT', '/config', { seed: { users: [{ name: 'ann', real_name: 'Ann Example', email: 'ann@example.com' }] } });
  const ann = (await ctx.user.users.lookupByEmail({ email: 'ann@example.com' })).user.id;
  const priv = (await ctx.user.conversations.create({ name: 'private-read', is_private: true })).channel.id;
  const dm = (await ctx.user.conversations.open({ users: 'UTWINBOT' })).channel.id;
  const mpim = (await ctx.user.conversations.open({ users: `UTWINBOT,${ann}` })).channel.id;
  await admin(ctx, 'PATCH', '/config', { user_scopes: ['channels:read', 'chat:write'] });
  // Public channels still list and read with channels:read alone.
  const pub = await ctx.user.conversations.list();
  assert.deepEqual(pub.channels.map((c) => c.id), ['CTWINGEN001']);
  assert.equal((await ctx.user.conversations.info({ channel: 'CTWINGEN001' })).channel.id, 'CTWINGEN001');
  assert.ok((await ctx.user.conversations.members({ channel: 'CTWINGEN001' })).members.includes('UTWINUSR'));
  for (const [call, needed] of [
    [() => ctx.user.conversations.list({ types: 'public_channel,private_channel' }), 'groups:read'],
    [() => ctx.user.conversations.list({ types: 'im' }), 'im:read'],
    [() => ctx.user.conversations.list({ types: 'public_channel,mpim,im' }), 'mpim:read'],
    [() => ctx.user.conversations.info({ channel: priv }), 'groups:read'],
    [() => ctx.user.conversations.info({ channel: dm }), 'im:read'],
    [() => ctx.user.conversations.members({ channel: priv }), 'groups:read'],
  ]) {
    const err = await rejects(call);
    assert.equal(err.data.error, 'missing_scope');
    assert.equal(err.data.needed, needed);
    assert.equal(err.data.provided, 'channels:read,chat:write');
  }
  // The private-type scopes alone read those conversations, not the public ones.
  await admin(ctx, 'PATCH', '/config', { user_scopes: ['groups:read', 'im:read', 'mpim:read'] });
  const all = await ctx.user.conversations.list({ types: 'private_channel,im,mpim' });
  assert.deepEqual(all.channels.map((c) => c.id).sort(), [priv, dm, mpim].sort());
  assert.equal((await ctx.user.conversations.info({ channel: mpim })).channel.is_mpim, true);
  assert.equal((await ctx.user.conversations.info({ channel: priv })).channel.id, priv);
  assert.equal((await rejects(() => ctx.user.conversations.list())).data.needed, 'channels:read');
  assert.equal((await rejects(() => ctx.user.conversations.info({ channel: 'CTWINGEN001' }))).data.needed, 'channels:read');
});

test('bot tokens keep chat:write and files:write; "*" bypasses scope checks', async () => {
  const ctx = await newRun();
  await admin(ctx, 'PATCH', '/config', {
    bot_scopes: ['channels:read'],
    tokens: [{ token: 'xoxp-wild', user_id: 'UTWINUSR', scopes: ['*'], is_bot: false }],
  });
  const r = await ctx.bot.chat.postMessage({ channel: 'CTWINGEN001', text: 'still allowed' });
  assert.ok(r.ts);
  const err = await rejects(() => ctx.bot.conversations.history({ channel: 'CTWINGEN001' }));
  assert.equal(err.data.needed, 'channels:history');
  const wild = client(ctx, 'xoxp-wild');
  const h = await wild.conversations.history({ channel: 'CTWINGEN001' });
  assert.equal(h.messages[0].text, 'still allowed');
});

test('users.list, users.info, users.lookupByEmail and team.info', async () => {
  const ctx = await newRun();
  const list = await ctx.bot.users.list({});
  const ids = list.members.map((m) => m.id);
  assert.ok(ids.includes('UTWINBOT') && ids.includes('UTWINUSR'));
  const info = await ctx.bot.users.info({ user: 'UTWINUSR' });
  assert.equal(info.user.name, 'slack-twin-user');
  const byMail = await ctx.bot.users.lookupByEmail({ email: 'slack-twin-user@example.com' });
  assert.equal(byMail.user.id, 'UTWINUSR');
  const nf = await rejects(() => ctx.bot.users.info({ user: 'UNOPE' }));
  assert.equal(nf.data.error, 'user_not_found');
  const nm = await rejects(() => ctx.bot.users.lookupByEmail({ email: 'nobody@example.com' }));
  assert.equal(nm.data.error, 'users_not_found');
  const team = await ctx.bot.team.info();
  assert.equal(team.team.id, 'TTWIN0001');
  for (const [m, p] of [['users.list', {}], ['users.info', { user: 'UTWINBOT' }], ['team.info', {}]])
    assertSchema(m, (await api(ctx, m, p, { token: ctx.botToken })).json);
});

test('conversations.create, info, list with types and exclude_archived', async () => {
  const ctx = await newRun();
  const pub = await ctx.bot.conversations.create({ name: 'eng-alerts' });
  assert.equal(pub.channel.name, 'eng-alerts');
  assert.equal(pub.channel.is_member, true);
  const priv = await ctx.bot.conversations.create({ name: 'secret', is_private: true });
  assert.equal(priv.channel.is_private, true);
  const info = await ctx.bot.conversations.info({ channel: pub.channel.id });
  assert.equal(info.channel.name, 'eng-alerts');
  let names = (await ctx.bot.conversations.list()).channels.map((c) => c.name);
  assert.ok(names.includes('eng-alerts') && names.includes('general') && !names.includes('secret'));
  names = (await ctx.bot.conversations.list({ types: 'public_channel,private_channel' })).channels.map((c) => c.name);
  assert.ok(names.includes('secret'));
  // the user is not in the private channel: it is invisible to them
  const userView = (await ctx.user.conversations.list({ types: 'private_channel' })).channels.map((c) => c.name);
  assert.ok(!userView.includes('secret'));
  await ctx.bot.conversations.archive({ channel: pub.channel.id });
  names = (await ctx.bot.conversations.list({ exclude_archived: true })).channels.map((c) => c.name);
  assert.ok(!names.includes('eng-alerts'));
  assertSchema('conversations.create', (await api(ctx, 'conversations.create', { name: 'schema-check' }, { token: ctx.botToken })).json);
  assertSchema('conversations.list', (await api(ctx, 'conversations.list', {}, { token: ctx.botToken })).json);
  assertSchema('conversations.info', (await api(ctx, 'conversations.info', { channel: priv.channel.id }, { token: ctx.botToken })).json);
});

test('channel naming errors: name_taken and invalid names', async () => {
  const ctx = await newRun();
  await channel(ctx, 'dup');
  assert.equal((await rejects(() => ctx.bot.conversations.create({ name: 'dup' }))).data.error, 'name_taken');
  assert.equal((await rejects(() => ctx.bot.conversations.create({ name: 'Bad Name!' }))).data.error, 'invalid_name_specials');
  assert.equal((await rejects(() => ctx.bot.conversations.create({ name: 'x'.repeat(81) }))).data.error, 'invalid_name_maxlength');
  assert.equal((await rejects(() => ctx.bot.conversations.info({ channel: 'CNOPE' }))).data.error, 'channel_not_found');
});

test('cursor pagination over conversations.list', async () => {
  const ctx = await newRun();
  for (let i = 0; i < 5; i++) await channel(ctx, `page-${i}`);
  const seen = [];
  let cursor;
  let pages = 0;
  do {
    const r = await ctx.bot.conversations.list({ limit: 2, cursor });
    assert.ok(r.channels.length <= 2);
    seen.push(...r.channels.map((c) => c.name));
    cursor = r.response_metadata.next_cursor;
    pages++;
  } while (cursor);
  assert.equal(pages, 3);
  assert.equal(new Set(seen).size, 6);
  const bad = await rejects(() => ctx.bot.conversations.list({ cursor: 'garbage' }));
  assert.equal(bad.data.error, 'invalid_cursor');
});

test('join, leave, invite, kick and members', async () => {
  const ctx = await newRun();
  const id = await channel(ctx, 'team', ctx.user);
  // the bot is not a member yet
  assert.equal((await rejects(() => ctx.bot.chat.postMessage({ channel: id, text: 'x' }))).data.error, 'not_in_channel');
  const j = await ctx.bot.conversations.join({ channel: id });
  assert.equal(j.channel.id, id);
  const again = await ctx.bot.conversations.join({ channel: id });
  assert.equal(again.warning, 'already_in_channel');
  let m = await ctx.bot.conversations.members({ channel: id });
  assert.deepEqual(m.members.sort(), ['UTWINBOT', 'UTWINUSR']);
  await ctx.bot.conversations.leave({ channel: id });
  m = await ctx.user.conversations.members({ channel: id });
  assert.deepEqual(m.members, ['UTWINUSR']);
  await ctx.user.conversations.invite({ channel: id, users: 'UTWINBOT' });
  const dupe = await rejects(() => ctx.user.conversations.invite({ channel: id, users: 'UTWINBOT' }));
  assert.equal(dupe.data.error, 'already_in_channel');
  await ctx.user.conversations.kick({ channel: id, user: 'UTWINBOT' });
  const nic = await rejects(() => ctx.user.conversations.kick({ channel: id, user: 'UTWINBOT' }));
  assert.equal(nic.data.error, 'not_in_channel');
  assert.equal((await rejects(() => ctx.user.conversations.leave({ channel: 'CTWINGEN001' }))).data.error, 'cant_leave_general');
});

test('archive blocks posting; unarchive restores; rename, setTopic, setPurpose', async () => {
  const ctx = await newRun();
  const id = await channel(ctx, 'old-name');
  await ctx.bot.conversations.archive({ channel: id });
  assert.equal((await rejects(() => ctx.bot.chat.postMessage({ channel: id, text: 'x' }))).data.error, 'is_archived');
  assert.equal((await rejects(() => ctx.bot.conversations.archive({ channel: id }))).data.error, 'already_archived');
  await ctx.bot.conversations.unarchive({ channel: id });
  assert.equal((await rejects(() => ctx.bot.conversations.unarchive({ channel: id }))).data.error, 'not_archived');
  const r = await ctx.bot.conversations.rename({ channel: id, name: 'new-name' });
  assert.equal(r.channel.name, 'new-name');
  assert.deepEqual(r.channel.previous_names, ['old-name']);
  await channel(ctx, 'taken');
  assert.equal((await rejects(() => ctx.bot.conversations.rename({ channel: id, name: 'taken' }))).data.error, 'name_taken');
  await ctx.bot.conversations.setTopic({ channel: id, topic: 'Deploys' });
  await ctx.bot.conversations.setPurpose({ channel: id, purpose: 'Ship it' });
  const info = await ctx.bot.conversations.info({ channel: id });
  assert.equal(info.channel.topic.value, 'Deploys');
  assert.equal(info.channel.purpose.value, 'Ship it');
  const h = await ctx.bot.conversations.history({ channel: id });
  assert.equal(h.messages[0].subtype, 'channel_purpose');
  assert.equal(h.messages[1].subtype, 'channel_topic');
});

test('conversations.open creates a DM once and reuses it; MPIMs for groups', async () => {
  const ctx = await newRun();
  const first = await ctx.bot.conversations.open({ users: 'UTWINUSR' });
  assert.equal(first.already_open, false);
  assert.ok(first.channel.id.startsWith('D'));
  const second = await ctx.bot.conversations.open({ users: 'UTWINUSR' });
  assert.equal(second.channel.id, first.channel.id);
  assert.equal(second.already_open, true);
  assert.equal(second.no_op, true);
  await ctx.bot.chat.postMessage({ channel: first.channel.id, text: 'psst' });
  const h = await ctx.user.conversations.history({ channel: first.channel.id });
  assert.equal(h.messages[0].text, 'psst');
  const ims = await ctx.user.conversations.list({ types: 'im' });
  assert.deepEqual(ims.channels.map((c) => c.id), [first.channel.id]);
  const u = await ctx.bot.users.list();
  assert.equal((await rejects(() => ctx.bot.conversations.open({ users: 'UNOPE' }))).data.error, 'user_not_found');
  assert.ok(u.members.length >= 2);
});

test('postMessage then history shows it; ts values unique and increasing', async () => {
  const ctx = await newRun();
  const id = await channel(ctx, 'feed');
  const tss = [];
  for (let i = 0; i < 5; i++) {
    const r = await ctx.bot.chat.postMessage({ channel: id, text: `m${i}` });
    assert.match(r.ts, /^\d{10}\.\d{6}$/);
    assert.equal(r.message.text, `m${i}`);
    assert.equal(r.message.bot_id !== undefined, true);
    tss.push(r.ts);
  }
  for (let i = 1; i < tss.length; i++) assert.ok(Number(tss[i]) > Number(tss[i - 1]));
  const h = await ctx.bot.conversations.history({ channel: id });
  assert.deepEqual(h.messages.map((m) => m.text), ['m4', 'm3', 'm2', 'm1', 'm0']);
  assert.equal(h.has_more, false);
  assertSchema('chat.postMessage', (await api(ctx, 'chat.postMessage', { channel: id, text: 'schema' }, { token: ctx.botToken })).json);
  assertSchema('conversations.history', (await api(ctx, 'conversations.history', { channel: id }, { token: ctx.botToken })).json);
  assert.equal((await rejects(() => ctx.bot.chat.postMessage({ channel: id }))).data.error, 'no_text');
  assert.equal((await rejects(() => ctx.bot.chat.postMessage({ channel: 'CNOPE', text: 'x' }))).data.error, 'channel_not_found');
});

test('history oldest/latest/inclusive/limit and cursor pages', async () => {
  const ctx = await newRun();
  const id = await channel(ctx, 'range');
  const ts = [];
  for (let i = 0; i < 7; i++) ts.push((await ctx.bot.chat.postMessage({ channel: id, text: `r${i}` })).ts);
  let h = await ctx.bot.conversations.history({ channel: id, oldest: ts[2], latest: ts[5] });
  assert.deepEqual(h.messages.map((m) => m.text), ['r4', 'r3']);
  h = await ctx.bot.conversations.history({ channel: id, oldest: ts[2], latest: ts[5], inclusive: true });
  assert.deepEqual(h.messages.map((m) => m.text), ['r5', 'r4', 'r3', 'r2']);
  const texts = [];
  let cursor;
  do {
    h = await ctx.bot.conversations.history({ channel: id, limit: 3, cursor });
    texts.push(...h.messages.map((m) => m.text));
    cursor = h.response_metadata?.next_cursor;
    if (cursor) assert.equal(h.has_more, true);
  } while (cursor);
  assert.deepEqual(texts, ['r6', 'r5', 'r4', 'r3', 'r2', 'r1', 'r0']);
});

test('history windows and cursors over a channel full of thread replies match the timeline, whatever latest names', async () => {
  const ctx = await newRun();
  const id = await channel(ctx, 'busy');
  const timeline = [];   // what history shows, oldest first: top-level messages and broadcasts
  const replies = [];
  for (let i = 0; i < 6; i++) {
    const p = await ctx.bot.chat.postMessage({ channel: id, text: `top ${i}` });
    timeline.push(p.ts);
    for (let j = 0; j < 3; j++) replies.push((await ctx.bot.chat.postMessage({ channel: id, text: `reply ${i}.${j}`, thread_ts: p.ts })).ts);
    if (i % 2) timeline.push((await ctx.bot.chat.postMessage({ channel: id, text: `broadcast ${i}`, thread_ts: p.ts, reply_broadcast: true })).ts);
  }
  const us = (ts) => BigInt(ts.replace('.', ''));
  const between = (ts, d) => { const v = us(ts) + BigInt(d); return `${v / 1000000n}.${String(v % 1000000n).padStart(6, '0')}`; };
  // The reference: filter the whole timeline, newest first.
  const expected = ({ oldest, latest, inclusive }) => timeline.slice().reverse().filter((ts) => {
    const t = us(ts);
    if (inclusive) return (!oldest || t >= us(oldest)) && (!latest || t <= us(latest));
    return (!oldest || t > us(oldest)) && (!latest || t < us(latest));
  });
  const all = async (args) => {
    const seen = [];
    let cursor;
    do {
      const h = await ctx.bot.conversations.history({ channel: id, limit: 2, ...args, cursor });
      assert.ok(h.messages.length <= 2);
      seen.push(...h.messages.map((m) => m.ts));
      cursor = h.response_metadata?.next_cursor;
      assert.equal(h.has_more, Boolean(cursor));
    } while (cursor);
    return seen;
  };
  const windows = [
    {},
    { latest: timeline[5] },                                   // a top-level message
    { latest: timeline[5], inclusive: true },
    { latest: replies[7] },                                    // a reply history does not show
    { latest: replies[7], inclusive: true },
    { latest: between(timeline[4], 50) },                      // no message at all
    { latest: between(timeline[4], 50), oldest: timeline[1] },
    { latest: timeline[7], oldest: timeline[2], inclusive: true },
    { oldest: replies[2] },
    { oldest: timeline[timeline.length - 1] },                 // nothing newer
    { latest: timeline[0] },                                   // nothing older
  ];
  for (const win of windows) {
    const args = { ...win, inclusive: win.inclusive ? 'true' : undefined };
    assert.deepEqual(await all(args), expected(win), JSON.stringify(win));
    const one = await ctx.bot.conversations.history({ channel: id, ...args });
    assert.deepEqual(one.messages.map((m) => m.ts), expected(win), JSON.stringify(win));
    assert.equal(one.has_more, false);
  }
  // Exactly a page left: no next page.
  const exact = await ctx.bot.conversations.history({ channel: id, limit: timeline.length });
  assert.equal(exact.has_more, false);
  assert.equal(exact.messages.length, timeline.length);
  // A cursor outlives neither its message nor a window that excludes it.
  const first = await ctx.bot.conversations.history({ channel: id, limit: 2 });
  const cursor = first.response_metadata.next_cursor;
  const narrowed = await rejects(() => ctx.bot.conversations.history({ channel: id, limit: 2, cursor, latest: timeline[0] }));
  assert.equal(narrowed.data.error, 'invalid_cursor');
  const target = (await ctx.bot.conversations.history({ channel: id, limit: 2, cursor })).messages[0].ts;
  await ctx.bot.chat.delete({ channel: id, ts: target });
  assert.equal((await rejects(() => ctx.bot.conversations.history({ channel: id, cursor }))).data.error, 'invalid_cursor');
  assert.equal((await rejects(() => ctx.bot.conversations.history({ channel: id, cursor: 'bm9wZQ==' }))).data.error, 'invalid_cursor');
  const replyCursor = Buffer.from(`next_id:${replies[0]}`).toString('base64');
  assert.equal((await rejects(() => ctx.bot.conversations.history({ channel: id, cursor: replyCursor }))).data.error, 'invalid_cursor');
});

test('history names the bad bound (invalid_ts_oldest / invalid_ts_latest); a huge latest is no bound', async () => {
  const ctx = await newRun();
  const id = await channel(ctx, 'bounds');
  const m = await ctx.bot.chat.postMessage({ channel: id, text: 'only' });
  const oldest = await rejects(() => ctx.bot.conversations.history({ channel: id, oldest: 'yesterday' }));
  assert.equal(oldest.data.error, 'invalid_ts_oldest');
  const latest = await rejects(() => ctx.bot.conversations.history({ channel: id, latest: '12x' }));
  assert.equal(latest.data.error, 'invalid_ts_latest');
  const sign = await rejects(() => ctx.bot.conversations.history({ channel: id, oldest: '-1' }));
  assert.equal(sign.data.error, 'invalid_ts_oldest');
  // Twenty digits of seconds used to overflow into a negative bound.
  const h = await ctx.bot.conversations.history({ channel: id, latest: '99999999999999999999.999999' });
  assert.deepEqual(h.messages.map((x) => x.ts), [m.ts]);
  const none = await ctx.bot.conversations.history({ channel: id, oldest: '99999999999999999999' });
  assert.deepEqual(none.messages, []);
  assertSchema('conversations.history', (await api(ctx, 'conversations.history', { channel: id, latest: '99999999999999999999' }, { token: ctx.botToken })).json);
});

test('threads: replies, reply_broadcast and the parent summary', async () => {
  const ctx = await newRun();
  const id = await channel(ctx, 'threads');
  const parent = await ctx.bot.chat.postMessage({ channel: id, text: 'parent' });
  await ctx.bot.chat.postMessage({ channel: id, text: 'reply 1', thread_ts: parent.ts });
  await ctx.bot.chat.postMessage({ channel: id, text: 'reply 2', thread_ts: parent.ts, reply_broadcast: true });
  const r = await ctx.bot.conversations.replies({ channel: id, ts: parent.ts });
  assert.deepEqual(r.messages.map((m) => m.text), ['parent', 'reply 1', 'reply 2']);
  assert.equal(r.messages[0].reply_count, 2);
  assert.equal(r.messages[1].thread_ts, parent.ts);
  const h = await ctx.bot.conversations.history({ channel: id });
  assert.deepEqual(h.messages.map((m) => m.text), ['reply 2', 'parent']);
  assert.equal(h.messages[0].subtype, 'thread_broadcast');
  assert.equal((await rejects(() => ctx.bot.conversations.replies({ channel: id, ts: '1.000001' }))).data.error, 'thread_not_found');
});

test('chat.update, chat.delete and their errors', async () => {
  const ctx = await newRun();
  const id = await channel(ctx, 'edits');
  await ctx.bot.conversations.invite({ channel: id, users: 'UTWINUSR' });
  const m = await ctx.bot.chat.postMessage({ channel: id, text: 'draft' });
  const u = await ctx.bot.chat.update({ channel: id, ts: m.ts, text: 'final' });
  assert.equal(u.text, 'final');
  let h = await ctx.bot.conversations.history({ channel: id });
  const edited = h.messages.find((x) => x.ts === m.ts);
  assert.equal(edited.text, 'final');
  assert.equal(edited.edited.user, 'UTWINBOT');
  const cant = await rejects(() => ctx.user.chat.update({ channel: id, ts: m.ts, text: 'hijack' }));
  assert.equal(cant.data.error, 'cant_update_message');
  await ctx.bot.chat.delete({ channel: id, ts: m.ts });
  h = await ctx.bot.conversations.history({ channel: id });
  assert.ok(!h.messages.some((x) => x.ts === m.ts));
  assert.equal((await rejects(() => ctx.bot.chat.delete({ channel: id, ts: m.ts }))).data.error, 'message_not_found');
  assert.equal((await rejects(() => ctx.bot.chat.update({ channel: id, ts: m.ts, text: 'x' }))).data.error, 'message_not_found');
});

test('deleting thread replies keeps the parent summary true: reply_count, reply_users(_count), latest_reply', async () => {
  const ctx = await newRun();
  const names = ['ann', 'bob', 'cy', 'dee', 'eve'];
  await admin(ctx, 'PUT', '/config', { seed: { users: names.map((name) => ({ name, real_name: name, email: `${name}@example.com` })) } });
  const ids = [];
  for (const name of names) ids.push((await ctx.bot.users.lookupByEmail({ email: `${name}@example.com` })).user.id);
  await admin(ctx, 'PATCH', '/config', { tokens: ids.map((id, i) => ({ token: `xoxp-${names[i]}`, user_id: id, scopes: ['*'], is_bot: false })) });
  const id = await channel(ctx, 'summary');
  await ctx.bot.conversations.invite({ channel: id, users: ['UTWINUSR', ...ids].join(',') });
  const parent = await ctx.bot.chat.postMessage({ channel: id, text: 'parent' });
  const reply = (web, text) => web.chat.postMessage({ channel: id, text, thread_ts: parent.ts });
  const summary = async () => {
    const m = (await ctx.bot.conversations.history({ channel: id })).messages.find((x) => x.ts === parent.ts);
    return { count: m.reply_count, users: m.reply_users, users_count: m.reply_users_count, latest: m.latest_reply, thread_ts: m.thread_ts };
  };
  const r1 = await reply(ctx.bot, 'one');
  const r2 = await reply(ctx.user, 'two');
  const r3 = await reply(ctx.bot, 'three');
  assert.deepEqual(await summary(), { count: 3, users: ['UTWINBOT', 'UTWINUSR'], users_count: 2, latest: r3.ts, thread_ts: parent.ts });
  // The latest reply goes: latest_reply steps back, the bot still replied once.
  await ctx.bot.chat.delete({ channel: id, ts: r3.ts });
  assert.deepEqual(await summary(), { count: 2, users: ['UTWINBOT', 'UTWINUSR'], users_count: 2, latest: r2.ts, thread_ts: parent.ts });
  // The user's only reply goes: the user leaves reply_users.
  await ctx.user.chat.delete({ channel: id, ts: r2.ts });
  assert.deepEqual(await summary(), { count: 1, users: ['UTWINBOT'], users_count: 1, latest: r1.ts, thread_ts: parent.ts });
  // Seven repliers: five are named, all seven counted; one of the unnamed leaving is counted out too.
  const extra = [];
  for (const name of names) extra.push(await reply(client(ctx, `xoxp-${name}`), `from ${name}`));
  await reply(ctx.user, 'user again');
  let s = await summary();
  assert.deepEqual(s.users, ['UTWINBOT', ...ids.slice(0, 4)]);
  assert.equal(s.users_count, 7);
  assert.equal(s.count, 7);
  await client(ctx, 'xoxp-eve').chat.delete({ channel: id, ts: extra[4].ts });
  s = await summary();
  assert.equal(s.users_count, 6);
  assert.equal(s.count, 6);
  // Every reply gone: the parent is a plain message again.
  const left = (await ctx.bot.conversations.replies({ channel: id, ts: parent.ts })).messages.slice(1);
  for (const m of left) await ctx.user.chat.delete({ channel: id, ts: m.ts });
  const plain = (await ctx.bot.conversations.history({ channel: id })).messages.find((x) => x.ts === parent.ts);
  for (const key of ['reply_count', 'reply_users', 'reply_users_count', 'latest_reply', 'thread_ts']) assert.equal(plain[key], undefined, key);
});

test('blocks, postEphemeral, getPermalink and meMessage', async () => {
  const ctx = await newRun();
  const id = await channel(ctx, 'rich');
  const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: '*bold*' } }];
  const m = await ctx.bot.chat.postMessage({ channel: id, text: 'fallback', blocks });
  assert.deepEqual(m.message.blocks, blocks);
  const h = await ctx.bot.conversations.history({ channel: id });
  assert.deepEqual(h.messages[0].blocks, blocks);
  const e = await ctx.bot.chat.postEphemeral({ channel: id, user: 'UTWINBOT', text: 'only you' });
  assert.ok(e.message_ts);
  assert.equal((await ctx.bot.conversations.history({ channel: id })).messages.length, 1);
  assert.equal((await rejects(() => ctx.bot.chat.postEphemeral({ channel: id, user: 'UTWINUSR', text: 'x' }))).data.error, 'user_not_in_channel');
  const p = await ctx.bot.chat.getPermalink({ channel: id, message_ts: m.ts });
  assert.ok(p.permalink.endsWith(`/archives/${id}/p${m.ts.replace('.', '')}`));
  const me = await ctx.bot.chat.meMessage({ channel: id, text: 'waves' });
  const h2 = await ctx.bot.conversations.history({ channel: id });
  assert.equal(h2.messages[0].ts, me.ts);
  assert.equal(h2.messages[0].subtype, 'me_message');
  assertSchema('chat.postEphemeral', (await api(ctx, 'chat.postEphemeral', { channel: id, user: 'UTWINBOT', text: 'x' }, { token: ctx.botToken })).json);
});

test('reactions add/get/list/remove with already_reacted and no_reaction', async () => {
  const ctx = await newRun();
  const id = await channel(ctx, 'reacts');
  await ctx.bot.conversations.invite({ channel: id, users: 'UTWINUSR' });
  const m = await ctx.bot.chat.postMessage({ channel: id, text: 'react to me' });
  await ctx.bot.reactions.add({ channel: id, timestamp: m.ts, name: 'thumbsup' });
  await ctx.user.reactions.add({ channel: id, timestamp: m.ts, name: 'thumbsup' });
  const dup = await rejects(() => ctx.bot.reactions.add({ channel: id, timestamp: m.ts, name: 'thumbsup' }));
  assert.equal(dup.data.error, 'already_reacted');
  const g = await ctx.bot.reactions.get({ channel: id, timestamp: m.ts });
  assert.deepEqual(g.message.reactions, [{ name: 'thumbsup', users: ['UTWINBOT', 'UTWINUSR'], count: 2 }]);
  const l = await ctx.user.reactions.list({});
  assert.equal(l.items.length, 1);
  assert.equal(l.items[0].channel, id);
  await ctx.bot.reactions.remove({ channel: id, timestamp: m.ts, name: 'thumbsup' });
  const g2 = await ctx.bot.reactions.get({ channel: id, timestamp: m.ts });
  assert.deepEqual(g2.message.reactions, [{ name: 'thumbsup', users: ['UTWINUSR'], count: 1 }]);
  const nr = await rejects(() => ctx.bot.reactions.remove({ channel: id, timestamp: m.ts, name: 'thumbsup' }));
  assert.equal(nr.data.error, 'no_reaction');
  const nf = await rejects(() => ctx.bot.reactions.add({ channel: id, timestamp: '1.000001', name: 'x' }));
  assert.equal(nf.data.error, 'message_not_found');
  assertSchema('reactions.get', (await api(ctx, 'reactions.get', { channel: id, timestamp: m.ts }, { token: ctx.botToken })).json);
});

test('reactions.list pages newest first with cursors and hides private channels the caller is not in', async () => {
  const ctx = await newRun();
  const pub = await channel(ctx, 'many-reacts');
  await ctx.bot.conversations.invite({ channel: pub, users: 'UTWINUSR' });
  const ts = [];
  for (let i = 0; i < 5; i++) {
    const m = await ctx.user.chat.postMessage({ channel: pub, text: `m${i}` });
    await ctx.user.reactions.add({ channel: pub, timestamp: m.ts, name: 'eyes' });
    ts.unshift(m.ts);
  }
  const secret = (await ctx.user.conversations.create({ name: 'secret', is_private: true })).channel.id;
  const hidden = await ctx.user.chat.postMessage({ channel: secret, text: 'hidden' });
  await ctx.user.reactions.add({ channel: secret, timestamp: hidden.ts, name: 'eyes' });
  const seen = [];
  let cursor;
  do {
    const r = await ctx.bot.reactions.list({ user: 'UTWINUSR', limit: 2, cursor });
    assertSchema('reactions.list', r);
    for (const item of r.items) {
      assert.equal(item.type, 'message');
      assert.equal(item.channel, pub);
      assert.equal(item.message._item, undefined);
      assert.deepEqual(item.message.reactions, [{ name: 'eyes', users: ['UTWINUSR'], count: 1 }]);
      seen.push(item.message.ts);
    }
    cursor = r.response_metadata?.next_cursor;
  } while (cursor);
  assert.deepEqual(seen, ts);
  const mine = await ctx.user.reactions.list({});
  assert.deepEqual(mine.items.map((x) => x.message.ts), [hidden.ts, ...ts]);
  const bad = await rejects(() => ctx.user.reactions.list({ cursor: 'bm90LWEtY3Vyc29y' }));
  assert.equal(bad.data.error, 'invalid_cursor');
});

test('per-method rate limits answer ratelimited with Retry-After', async () => {
  const ctx = await newRun();
  await admin(ctx, 'PATCH', '/config', { rate_limiting_enabled: true,
    rate_limits: { 'auth.test': { window_seconds: 60, max_requests: 2, retry_after_seconds: 7 } } });
  await ctx.bot.auth.test();
  await ctx.bot.auth.test();
  const r = await api(ctx, 'auth.test', {}, { token: ctx.botToken });
  assert.equal(r.status, 429);
  assert.equal(r.headers.get('retry-after'), '7');
  assert.equal(r.json.error, 'ratelimited');
});

test('an escaped method name is the same method: same answer, same rate limit', async () => {
  const ctx = await newRun();
  await admin(ctx, 'PATCH', '/config', { rate_limiting_enabled: true,
    rate_limits: { 'auth.test': { window_seconds: 60, max_requests: 1, retry_after_seconds: 7 } } });
  const first = await fx.raw(ctx, 'POST', '/api/auth%2Etest', { auth: `Bearer ${ctx.botToken}` });
  assert.equal(first.status, 200, first.text);
  assert.equal(first.json.ok, true);
  const second = await fx.raw(ctx, 'POST', '/api/auth%2etest', { auth: `Bearer ${ctx.botToken}` });
  assert.equal(second.status, 429);
  assert.equal(second.json.error, 'ratelimited');
});

test('an id with %00 is not the id before it: channel_not_found from the query and the form body', async () => {
  const ctx = await newRun();
  const id = await channel(ctx, 'nul-query');
  const get = (q) => fx.raw(ctx, 'GET', `/api/conversations.info?${q}`, { auth: `Bearer ${ctx.botToken}` });
  const ok = await get(`channel=${id}`);
  assert.equal(ok.json.channel.id, id);
  for (const q of [`channel=${id}%00`, `channel=${id}%00x`]) {
    const r = await get(q);
    assert.equal(r.status, 200);
    assert.deepEqual([r.json.ok, r.json.error], [false, 'channel_not_found'], q);
  }
  // the SDK's own form body (URLSearchParams writes the NUL as %00)
  for (const channelId of [`${id}\0`, `${id}\0x`]) {
    const err = await rejects(() => ctx.bot.conversations.info({ channel: channelId }));
    assert.equal(err.data.error, 'channel_not_found');
  }
  assert.equal((await ctx.bot.conversations.info({ channel: id })).channel.id, id);
});

test('rate limits through the SDK: rejectRateLimitedCalls gives retryAfter; windows roll over; reset starts them over', async () => {
  const ctx = await newRun();
  const limits = { rate_limiting_enabled: true,
    rate_limits: { 'auth.test': { window_seconds: 2, max_requests: 1, retry_after_seconds: 5 } } };
  await admin(ctx, 'PATCH', '/config', limits);
  const limited = [];
  ctx.bot.on('rate_limited', (retryAfter, info) => limited.push({ retryAfter, method: info.url.split('/api/')[1] }));
  assert.equal((await ctx.bot.auth.test()).ok, true);
  let err = await rejects(() => ctx.bot.auth.test());
  assert.equal(err.code, 'slack_webapi_rate_limited_error');
  assert.equal(err.retryAfter, 5);
  assert.deepEqual(limited, [{ retryAfter: 5, method: 'auth.test' }]);
  // the limit is per method: another method still answers
  assert.equal((await ctx.bot.users.list({ limit: 1 })).ok, true);
  // the window ends window_seconds after it opened
  await new Promise((res) => setTimeout(res, 2100));
  assert.equal((await ctx.bot.auth.test()).ok, true);
  err = await rejects(() => ctx.bot.auth.test());
  assert.equal(err.code, 'slack_webapi_rate_limited_error');
  // a reset forgets the open window (the limits come back with the config)
  assert.equal((await admin(ctx, 'POST', '/reset')).status, 200);
  assert.equal((await ctx.bot.auth.test()).ok, true);
  await admin(ctx, 'PATCH', '/config', limits);
  assert.equal((await ctx.bot.auth.test()).ok, true);
  err = await rejects(() => ctx.bot.auth.test());
  assert.equal(err.retryAfter, 5);
  // switching the simulation off lifts the limit at once
  await admin(ctx, 'PATCH', '/config', { rate_limiting_enabled: false });
  assert.equal((await ctx.bot.auth.test()).ok, true);
});

test('stub methods answer with a valid token; users.list pages with cursors', async () => {
  const ctx = await newRun();
  const stub = await api(ctx, 'pins.list', { channel: 'CTWINGEN001' }, { token: ctx.botToken });
  assert.equal(stub.status, 200);
  const page1 = await ctx.bot.users.list({ limit: 1 });
  assert.equal(page1.members.length, 1);
  const page2 = await ctx.bot.users.list({ limit: 1, cursor: page1.response_metadata.next_cursor });
  assert.notEqual(page2.members[0].id, page1.members[0].id);
  assert.equal(page2.response_metadata.next_cursor, '');
});

test('admin reset clears created state back to the workspace defaults', async () => {
  const ctx = await newRun();
  const id = await channel(ctx, 'temp');
  await ctx.bot.chat.postMessage({ channel: id, text: 'gone soon' });
  const r = await admin(ctx, 'POST', '/reset');
  assert.ok(r.status < 300);
  assert.equal((await rejects(() => ctx.bot.conversations.info({ channel: id }))).data.error, 'channel_not_found');
  const names = (await ctx.bot.conversations.list()).channels.map((c) => c.name);
  assert.deepEqual(names, ['general']);
});
