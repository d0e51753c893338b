// Discord twin conformance: the official @discordjs/rest client against a live run.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { startReceiver } from '../../lib/receiver.mjs';
import { createPublicKey, verify } from 'node:crypto';
import {
  REST, RateLimitError, Routes, SEED, acme, admin, assertDiscordError, assertSchema, client, newRun, raw, rejects,
  stopServer,
} from './helpers.mjs';
import { api } from '../../lib/server.mjs';
import { control } from '../../lib/fixture.mjs';

after(stopServer);

const DISCORD_EPOCH = 1420070400000n;
const snowflakeMs = (id) => Number((BigInt(id) >> 22n) + DISCORD_EPOCH);

test('auth: Bot token works, Bearer accepted, bad or missing token is 401 with code 0', async () => {
  const ctx = await newRun();
  const me = await ctx.rest.get(Routes.user('@me'));
  assert.equal(me.bot, true);
  assert.match(me.id, /^\d{17,20}$/);
  assertSchema('GET', '/users/@me', me);
  const bearer = await client(ctx.base, ctx.token, { authPrefix: 'Bearer' }).get(Routes.user('@me'));
  assert.equal(bearer.id, me.id);
  const err = await rejects(() => client(ctx.base, 'not-the-token').get(Routes.user('@me')));
  const body = assertDiscordError(err, 401, 0);
  assert.equal(body.message, '401: Unauthorized');
  const r = await raw(ctx, 'GET', '/api/v10/users/@me', { auth: false });
  assert.equal(r.status, 401);
  assert.deepEqual(r.json, { message: '401: Unauthorized', code: 0 });
  assert.ok(r.headers.get('x-ratelimit-bucket'), 'rate-limit headers on a 401 too');
});

test('paths: percent-encoded segments route as decoded; a NUL escape is the 404 of an unknown route', async () => {
  const ctx = await newRun({ seed: SEED });
  const me = await ctx.rest.get(Routes.user('@me'));
  // any escaped byte, not only the "@" @discordjs/rest encodes
  for (const path of ['/api/v10/users/%40me', '/api/v10/users/%40%6De', '/api/v10/%75sers/@me']) {
    const r = await raw(ctx, 'GET', path);
    assert.equal(r.status, 200, `${path}: ${r.text}`);
    assert.equal(r.json.id, me.id);
  }
  const guilds = await raw(ctx, 'GET', '/api/v10/users/%40me/guilds');
  assert.equal(guilds.status, 200, guilds.text);
  assert.deepEqual(guilds.json.map((g) => g.id), (await ctx.rest.get(Routes.userGuilds())).map((g) => g.id));
  const renamed = await raw(ctx, 'PATCH', '/api/v10/users/%40me', { body: { username: 'Renamed Bot' } });
  assert.equal(renamed.status, 200, renamed.text);
  assert.equal((await ctx.rest.get(Routes.user('@me'))).username, 'Renamed Bot');
  // "%00" never reaches a handler cut short: not the user, not "Unknown User"
  for (const path of [`/api/v10/users/${me.id}%00`, '/api/v10/users/%40me%00x', `/api/v10/users/${me.id}%00/guilds`]) {
    const r = await raw(ctx, 'GET', path);
    assert.equal(r.status, 404, `${path}: ${r.text}`);
    assert.deepEqual(r.json, { message: '404: Not Found', code: 0 });
  }
  // "%2540" is the text "%40": a user id that is no snowflake
  const text = await raw(ctx, 'GET', '/api/v10/users/%2540me');
  assert.equal(text.status, 400, text.text);
  assert.equal(text.json.code, 50035);
});

test('seeding through a scenario: counts in seed_results, identical ids in two runs, reset restores the seed', async () => {
  const url = await control();
  const sc = await api(url, 'POST', '/scenarios', { name: 'discord-seed', twins: ['discord'], seed_config: { discord: SEED } });
  assert.equal(sc.status, 201, sc.text);
  const runs = [];
  for (let i = 0; i < 2; i++) {
    const r = await api(url, 'POST', '/twin-runs', { twins: ['discord'], scenario_id: sc.body.id });
    assert.equal(r.status, 201, r.text);
    runs.push(r.body);
  }
  const res = runs[0].seed_results.discord;
  assert.equal(res.status, 'seeded');
  assert.deepEqual({ guilds: res.guilds, channels: res.channels, messages: res.messages, members: res.members, roles: res.roles },
    { guilds: 2, channels: 4, messages: 4, members: 3, roles: 2 });
  const state = async (run) => {
    const t = run.twins.discord;
    const r = await fetch(t.admin_url + '/admin/state', { headers: { 'x-twins-token': run.proxy_token } });
    return (await r.json()).state;
  };
  const [s1, s2] = [await state(runs[0]), await state(runs[1])];
  assert.deepEqual(s1.messages, s2.messages);
  assert.deepEqual(Object.keys(s1.guilds), Object.keys(s2.guilds));
  // the seeded world through the SDK
  const t = runs[0].twins.discord;
  const rest = client(t.base_url, t.env_vars.DISCORD_BOT_TOKEN);
  assert.equal((await rest.get(Routes.user('@me'))).username, 'Deploy Bot');
  const { channels } = await acme(rest);
  const msgs = await rest.get(Routes.channelMessages(channels.general.id));
  assert.deepEqual(msgs.map((m) => m.content), ['Plain string message', 'Hi all', 'Welcome!']);
  assert.equal(msgs[1].author.username, 'ada');
  assert.equal(new Date(msgs[2].timestamp).getTime(), snowflakeMs(msgs[2].id));
  // mutate, then reset to the seeded baseline
  await rest.post(Routes.channelMessages(channels.general.id), { body: { content: 'after seed' } });
  await rest.delete(Routes.channel(channels.deploys.id));
  const reset = await api(url, 'POST', `/twin-runs/${runs[0].run_id}/reset`);
  assert.equal(reset.status, 200, reset.text);
  assert.deepEqual(await state(runs[0]), s1);
});

test('seed validation names the field; Discord seed without guilds is fine', async () => {
  const url = await control();
  const bad = await api(url, 'POST', '/scenarios', { name: 'bad', twins: ['discord'], seed_config: { discord: { guilds: [{ name: 'x' }] } } });
  assert.equal(bad.status, 400);
  assert.match(bad.body.detail, /guilds\[0\]\.name/);
  const ctx = await newRun();
  const r = await admin(ctx, 'PUT', '/admin/config', { seed: { guilds: [{ name: 'Ok', members: [{ username: 'z', roles: ['Nope'] }] }] } });
  assert.equal(r.status, 400);
  assert.match(r.json.detail, /roles/);
});

test('guilds: list, get with counts, modify; schemas match; unknown guild is 10004', async () => {
  const { rest } = await newRun({ seed: SEED });
  const guilds = await rest.get(Routes.userGuilds(), { query: new URLSearchParams({ with_counts: 'true' }) });
  assert.deepEqual(guilds.map((g) => g.name), ['Acme HQ', 'Side Project']);
  assertSchema('GET', '/users/@me/guilds', guilds);
  assert.equal(guilds[0].approximate_member_count, 4); // the bot and three members
  const g = await rest.get(Routes.guild(guilds[0].id), { query: new URLSearchParams({ with_counts: 'true' }) });
  assertSchema('GET', '/guilds/{guild_id}', g);
  assert.deepEqual(g.roles.map((r) => r.name), ['@everyone', 'Moderators', 'Builders']);
  assert.equal(g.roles[0].id, g.id);
  assert.equal(g.premium_tier, 0);
  const patched = await rest.patch(Routes.guild(g.id), { body: { name: 'Acme Inc', description: 'We build' } });
  assertSchema('PATCH', '/guilds/{guild_id}', patched);
  assert.equal((await rest.get(Routes.guild(g.id))).description, 'We build');
  let err = await rejects(() => rest.patch(Routes.guild(g.id), { body: { name: 'x' } }));
  const body = assertDiscordError(err, 400, 50035);
  assert.equal(body.message, 'Invalid Form Body');
  assert.equal(body.errors.name._errors[0].code, 'BASE_TYPE_BAD_LENGTH');
  err = await rejects(() => rest.get(Routes.guild('123456789012345678')));
  assert.equal(assertDiscordError(err, 404, 10004).message, 'Unknown Guild');
  err = await rejects(() => rest.get(Routes.guild('not-a-snowflake')));
  assert.equal(assertDiscordError(err, 400, 50035).errors.guild_id._errors[0].code, 'NUMBER_TYPE_COERCE');
});

test('channels: create, list by position, get, modify, delete; unknown channel is 10003', async () => {
  const { rest } = await newRun({ seed: SEED });
  const { guild, channels } = await acme(rest);
  const cat = await rest.post(Routes.guildChannels(guild.id), { body: { name: 'Projects', type: 4 } });
  const c = await rest.post(Routes.guildChannels(guild.id), { body: { name: 'release-notes', topic: 'Notes', parent_id: cat.id } });
  assertSchema('POST', '/guilds/{guild_id}/channels', c);
  assert.equal(c.type, 0);
  assert.equal(c.parent_id, cat.id);
  const list = await rest.get(Routes.guildChannels(guild.id));
  assertSchema('GET', '/guilds/{guild_id}/channels', list);
  assert.deepEqual(list.map((x) => x.name), ['general', 'deploys', 'Voice', 'Projects', 'release-notes']);
  const got = await rest.get(Routes.channel(c.id));
  assertSchema('GET', '/channels/{channel_id}', got);
  const upd = await rest.patch(Routes.channel(c.id), { body: { topic: 'Changed', nsfw: true, rate_limit_per_user: 10 } });
  assertSchema('PATCH', '/channels/{channel_id}', upd);
  assert.equal(upd.topic, 'Changed');
  assert.equal((await rest.get(Routes.channel(c.id))).rate_limit_per_user, 10);
  let err = await rejects(() => rest.post(Routes.guildChannels(guild.id), { body: { name: '' } }));
  assertDiscordError(err, 400, 50035);
  err = await rejects(() => rest.post(Routes.guildChannels(guild.id), { body: { name: 'x', parent_id: channels.general.id } }));
  assert.ok(assertDiscordError(err, 400, 50035).errors.parent_id);
  const del = await rest.delete(Routes.channel(c.id));
  assertSchema('DELETE', '/channels/{channel_id}', del);
  assert.equal(del.id, c.id);
  err = await rejects(() => rest.get(Routes.channel(c.id)));
  assert.equal(assertDiscordError(err, 404, 10003).message, 'Unknown Channel');
  err = await rejects(() => rest.post(Routes.channelMessages(channels.Voice.id), { body: { content: 'x' } }));
  assertDiscordError(err, 400, 50008);
});

test('messages: create, get, edit, delete; mentions; snowflake timestamps; unknown message is 10008', async () => {
  const { rest } = await newRun({ seed: SEED });
  const { guild, channels } = await acme(rest);
  const members = await rest.get(Routes.guildMembers(guild.id), { query: new URLSearchParams({ limit: '10' }) });
  const ada = members.find((m) => m.user.username === 'ada');
  const before = Date.now();
  const m = await rest.post(Routes.channelMessages(channels.general.id), {
    body: { content: `Hello <@${ada.user.id}> and <@&${ada.roles[0]}>`, nonce: 'n-1', tts: false, embeds: [{ title: 'Build', description: 'green' }] },
  });
  assertSchema('POST', '/channels/{channel_id}/messages', m);
  assert.equal(m.channel_id, channels.general.id);
  assert.equal(m.author.bot, true);
  assert.equal(m.nonce, 'n-1');
  assert.deepEqual(m.mentions.map((u) => u.id), [ada.user.id]);
  assert.deepEqual(m.mention_roles, [ada.roles[0]]);
  assert.equal(m.embeds[0].title, 'Build');
  assert.equal(m.edited_timestamp, null);
  assert.ok(snowflakeMs(m.id) >= before - 5 && snowflakeMs(m.id) <= Date.now() + 5);
  const got = await rest.get(Routes.channelMessage(channels.general.id, m.id));
  assertSchema('GET', '/channels/{channel_id}/messages/{message_id}', got);
  assert.equal(got.content, m.content);
  assert.equal((await rest.get(Routes.channel(channels.general.id))).last_message_id, m.id);
  const edited = await rest.patch(Routes.channelMessage(channels.general.id, m.id), { body: { content: 'Edited' } });
  assertSchema('PATCH', '/channels/{channel_id}/messages/{message_id}', edited);
  assert.equal(edited.content, 'Edited');
  assert.ok(edited.edited_timestamp);
  assert.deepEqual(edited.mentions, []);
  const seededByAda = (await rest.get(Routes.channelMessages(channels.general.id))).find((x) => x.author.username === 'ada');
  let err = await rejects(() => rest.patch(Routes.channelMessage(channels.general.id, seededByAda.id), { body: { content: 'no' } }));
  assertDiscordError(err, 403, 50005);
  await rest.delete(Routes.channelMessage(channels.general.id, m.id));
  err = await rejects(() => rest.get(Routes.channelMessage(channels.general.id, m.id)));
  assert.equal(assertDiscordError(err, 404, 10008).message, 'Unknown Message');
  err = await rejects(() => rest.delete(Routes.channelMessage(channels.general.id, m.id)));
  assertDiscordError(err, 404, 10008);
});

test('messages: 2000-character limit is 50035 with the nested errors map; empty message is 50006', async () => {
  const { rest } = await newRun({ seed: SEED });
  const { channels } = await acme(rest);
  let err = await rejects(() => rest.post(Routes.channelMessages(channels.general.id), { body: { content: 'x'.repeat(2001) } }));
  const body = assertDiscordError(err, 400, 50035);
  assert.deepEqual(body.errors, { content: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 2000 or fewer in length.' }] } });
  const ok = await rest.post(Routes.channelMessages(channels.general.id), { body: { content: 'é'.repeat(2000) } });
  assert.equal([...ok.content].length, 2000);
  err = await rejects(() => rest.post(Routes.channelMessages(channels.general.id), { body: { content: '' } }));
  assert.equal(assertDiscordError(err, 400, 50006).message, 'Cannot send an empty message');
  err = await rejects(() => rest.post(Routes.channelMessages(channels.general.id), { body: {} }));
  assertDiscordError(err, 400, 50006);
  err = await rejects(() => rest.post(Routes.channelMessages('999999999999999999'), { body: { content: 'x' } }));
  assertDiscordError(err, 404, 10003);
});

test('messages: list newest first with limit, before, after and around', async () => {
  const { rest } = await newRun({ seed: { guilds: [{ name: 'Paging', channels: [{ name: 'log' }] }] } });
  const [guild] = await rest.get(Routes.userGuilds());
  const [log] = await rest.get(Routes.guildChannels(guild.id));
  const ids = [];
  for (let i = 0; i < 9; i++) ids.push((await rest.post(Routes.channelMessages(log.id), { body: { content: `m${i}` } })).id);
  const q = (o) => ({ query: new URLSearchParams(o) });
  const contents = (list) => list.map((m) => m.content);
  const all = await rest.get(Routes.channelMessages(log.id));
  assertSchema('GET', '/channels/{channel_id}/messages', all);
  assert.deepEqual(contents(all), ['m8', 'm7', 'm6', 'm5', 'm4', 'm3', 'm2', 'm1', 'm0']);
  assert.deepEqual(contents(await rest.get(Routes.channelMessages(log.id), q({ limit: '3' }))), ['m8', 'm7', 'm6']);
  assert.deepEqual(contents(await rest.get(Routes.channelMessages(log.id), q({ before: ids[4], limit: '2' }))), ['m3', 'm2']);
  assert.deepEqual(contents(await rest.get(Routes.channelMessages(log.id), q({ after: ids[2], limit: '3' }))), ['m5', 'm4', 'm3']);
  assert.deepEqual(contents(await rest.get(Routes.channelMessages(log.id), q({ around: ids[4], limit: '3' }))), ['m5', 'm4', 'm3']);
  let err = await rejects(() => rest.get(Routes.channelMessages(log.id), q({ limit: '101' })));
  assert.equal(assertDiscordError(err, 400, 50035).errors.limit._errors[0].code, 'NUMBER_TYPE_MAX');
  err = await rejects(() => rest.get(Routes.channelMessages(log.id), q({ before: 'yesterday' })));
  assertDiscordError(err, 400, 50035);
});

// What Discord answers for one page, worked out from the whole channel (newest first).
function expectedPage(all, { limit = 50, around, before, after }) {
  const sf = (id) => BigInt(id);
  if (around) {
    const k = all.findIndex((m) => sf(m.id) <= sf(around));
    const at = k < 0 ? all.length : k;
    const from = Math.max(0, at - Math.floor(limit / 2));
    return all.slice(from, from + limit);
  }
  if (before) return all.filter((m) => sf(m.id) < sf(before)).slice(0, limit);
  if (after) return all.filter((m) => sf(m.id) > sf(after)).slice(-limit);
  return all.slice(0, limit);
}

test('messages: paging a long channel with before/after/around on messages, deleted messages and made-up snowflakes', async () => {
  const seeded = Array.from({ length: 130 }, (_, i) => `s${i}`);
  const { rest } = await newRun({ seed: { guilds: [{ name: 'Long', channels: [{ name: 'history', messages: seeded }, { name: 'other' }] }] } });
  const [guild] = await rest.get(Routes.userGuilds());
  const chans = await rest.get(Routes.guildChannels(guild.id));
  const history = chans.find((c) => c.name === 'history');
  const other = chans.find((c) => c.name === 'other');
  for (let i = 0; i < 5; i++) await rest.post(Routes.channelMessages(history.id), { body: { content: `live${i}` } });
  const elsewhere = await rest.post(Routes.channelMessages(other.id), { body: { content: 'elsewhere' } });
  const get = (o) => rest.get(Routes.channelMessages(history.id), { query: new URLSearchParams(o) });

  // Walk back with before= in pages of 100, the way clients fetch history.
  const all = [];
  let page = await get({ limit: '100' });
  while (page.length) {
    all.push(...page);
    page = await get({ limit: '100', before: page.at(-1).id });
  }
  assert.equal(all.length, 135);
  assert.deepEqual(all.slice(0, 5).map((m) => m.content), ['live4', 'live3', 'live2', 'live1', 'live0']);
  assert.equal(all.at(-1).content, 's0');
  for (let i = 1; i < all.length; i++) assert.ok(BigInt(all[i - 1].id) > BigInt(all[i].id), 'newest first');

  // Walk forward with after= from the oldest message.
  const forward = [all.at(-1)];
  for (;;) {
    const p = await get({ limit: '100', after: forward.at(-1).id });
    if (!p.length) break;
    forward.push(...p.reverse());
  }
  assert.deepEqual(forward.map((m) => m.id), all.map((m) => m.id).reverse());

  const ids = (list) => list.map((m) => m.id);
  const check = async (o) => assert.deepEqual(ids(await get(Object.fromEntries(Object.entries(o).map(([k, v]) => [k, String(v)])))),
    ids(expectedPage(all, o)), JSON.stringify(o));
  const newest = all[0].id, oldest = all.at(-1).id;
  const farPast = String(1n << 22n);                                                   // 2015, before every message
  const farFuture = String(BigInt(Date.now() + 3600_000 - 1420070400000) << 22n);      // an hour from now
  for (const limit of [1, 2, 7, 50, 100]) {
    for (const anchor of [newest, oldest, all[3].id, all[64].id, all[120].id, farPast, farFuture, elsewhere.id, '0']) {
      await check({ limit, before: anchor });
      await check({ limit, after: anchor });
      await check({ limit, around: anchor });
    }
  }
  await check({ before: all[10].id });                     // default limit 50
  await check({ around: all[70].id });

  // A deleted message's id still anchors the page, and it is gone from it.
  const gone = all[60].id;
  await rest.delete(Routes.channelMessage(history.id, gone));
  const left = all.filter((m) => m.id !== gone);
  for (const o of [{ before: gone, limit: 5 }, { after: gone, limit: 5 }, { around: gone, limit: 5 }, { around: gone, limit: 100 }])
    assert.deepEqual(ids(await get(Object.fromEntries(Object.entries(o).map(([k, v]) => [k, String(v)])))), ids(expectedPage(left, o)));
  assert.deepEqual(await get({ after: newest }), []);
  assert.deepEqual(await get({ before: oldest }), []);
  // around takes precedence over before and after
  assert.deepEqual(ids(await get({ around: all[20].id, before: all[5].id, after: all[100].id, limit: '3' })), ids(all.slice(19, 22)));
});

test('bulk delete: removes recent messages; wrong counts are 50035; messages older than 14 days are 50034', async () => {
  const { rest } = await newRun({ seed: SEED });
  const { channels } = await acme(rest);
  const a = await rest.post(Routes.channelMessages(channels.deploys.id), { body: { content: 'a' } });
  const b = await rest.post(Routes.channelMessages(channels.deploys.id), { body: { content: 'b' } });
  const c = await rest.post(Routes.channelMessages(channels.deploys.id), { body: { content: 'c' } });
  await rest.post(Routes.channelBulkDelete(channels.deploys.id), { body: { messages: [a.id, b.id] } });
  const left = await rest.get(Routes.channelMessages(channels.deploys.id));
  assert.deepEqual(left.map((m) => m.content), ['c', 'v1.0 shipped']);
  let err = await rejects(() => rest.post(Routes.channelBulkDelete(channels.deploys.id), { body: { messages: [c.id] } }));
  assert.equal(assertDiscordError(err, 400, 50035).errors.messages._errors[0].code, 'BASE_TYPE_BAD_LENGTH');
  const seeded = left[1]; // seeded on 2026-01-01
  err = await rejects(() => rest.post(Routes.channelBulkDelete(channels.deploys.id), { body: { messages: [c.id, seeded.id] } }));
  assertDiscordError(err, 400, 50034);
});

test('attachments: files[n] with payload_json through the SDK, and a plain content field with a file part', async () => {
  const ctx = await newRun({ seed: SEED });
  const { rest } = ctx;
  const { channels } = await acme(rest);
  const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
  const m = await rest.post(Routes.channelMessages(channels.general.id), {
    body: { content: 'two files', attachments: [{ id: 0, description: 'the logo' }, { id: 1 }] },
    files: [{ name: 'logo.png', data: png, contentType: 'image/png' }, { name: 'notes.txt', data: Buffer.from('hello world') }],
  });
  assertSchema('POST', '/channels/{channel_id}/messages', m);
  assert.equal(m.content, 'two files');
  assert.equal(m.attachments.length, 2);
  const [logo, notes] = m.attachments;
  assert.equal(logo.filename, 'logo.png');
  assert.equal(logo.size, png.length);
  assert.equal(logo.content_type, 'image/png');
  assert.equal(logo.description, 'the logo');
  assert.equal(logo.url, `https://cdn.discordapp.com/attachments/${channels.general.id}/${logo.id}/logo.png`);
  assert.equal(logo.proxy_url, `https://media.discordapp.net/attachments/${channels.general.id}/${logo.id}/logo.png`);
  assert.equal(notes.size, 11);
  assert.match(notes.content_type, /^text\/plain/);
  assert.equal((await rest.get(Routes.channelMessage(channels.general.id, m.id))).attachments[1].id, notes.id);
  // no payload_json: a plain content field next to a "file" part
  const fd = new FormData();
  fd.append('content', 'plain field');
  fd.append('file', new Blob(['a,b\n1,2\n'], { type: 'text/csv' }), 'data.csv');
  const r = await fetch(`${ctx.base}/api/v10/channels/${channels.general.id}/messages`, {
    method: 'POST', headers: { authorization: `Bot ${ctx.token}` }, body: fd,
  });
  const j = await r.json();
  assert.equal(r.status, 200, JSON.stringify(j));
  assert.equal(j.content, 'plain field');
  assert.deepEqual(j.attachments.map((x) => [x.filename, x.size, x.content_type]), [['data.csv', 8, 'text/csv']]);
  // a file alone is a valid message
  const only = await rest.post(Routes.channelMessages(channels.general.id), { files: [{ name: 'a.bin', data: Buffer.alloc(3) }] });
  assert.equal(only.content, '');
  assert.equal(only.attachments[0].size, 3);
  // editing keeps the listed attachments only
  const kept = await rest.patch(Routes.channelMessage(channels.general.id, m.id), { body: { attachments: [{ id: notes.id }] } });
  assert.deepEqual(kept.attachments.map((x) => x.id), [notes.id]);
});

test('boost levels: 25 MB uploads at level 0 (413 / 40005), 50 MB at level 2; max_file_upload_bytes overrides', async () => {
  const ctx = await newRun({ seed: SEED });
  const { rest } = ctx;
  const { guild, channels } = await acme(rest);
  let b = await admin(ctx, 'GET', '/admin/boost-level');
  assert.deepEqual(b.json, { guild_boost_level: 0, limits: { max_file_upload_bytes: 25 * 1024 * 1024, max_emoji_slots: 50 } });
  const big = Buffer.alloc(26 * 1024 * 1024, 1);
  const send = () => rest.post(Routes.channelMessages(channels.general.id), { body: { content: 'big' }, files: [{ name: 'big.bin', data: big }] });
  const err = await rejects(send);
  assert.equal(assertDiscordError(err, 413, 40005).message, 'Request entity too large');
  b = await admin(ctx, 'POST', '/admin/boost-level', { guild_boost_level: 2 });
  assert.equal(b.status, 200);
  assert.deepEqual(b.json.limits, { max_file_upload_bytes: 50 * 1024 * 1024, max_emoji_slots: 150 });
  const g = await rest.get(Routes.guild(guild.id));
  assert.equal(g.premium_tier, 2);
  assert.equal(g.premium_subscription_count, 7);
  const m = await send();
  assert.equal(m.attachments[0].size, big.length);
  // the override wins over the level
  await admin(ctx, 'PATCH', '/admin/config', { max_file_upload_bytes: 1000 });
  const e2 = await rejects(() => rest.post(Routes.channelMessages(channels.general.id), { files: [{ name: 'k.bin', data: Buffer.alloc(1001) }] }));
  assertDiscordError(e2, 413, 40005);
  const fits = await rest.post(Routes.channelMessages(channels.general.id), { files: [{ name: 'k.bin', data: Buffer.alloc(1000) }] });
  assert.equal(fits.attachments[0].size, 1000);
  b = await admin(ctx, 'POST', '/admin/boost-level', { guild_boost_level: 7 });
  assert.equal(b.status, 400);
});

test('emojis: create, list, modify, delete; slot limit from the boost level or max_emoji_slots is 30008', async () => {
  const ctx = await newRun({ seed: SEED, config: { max_emoji_slots: 2 } });
  const { rest } = ctx;
  const { guild } = await acme(rest);
  const image = 'data:image/png;base64,iVBORw0KGgo=';
  const e1 = await rest.post(Routes.guildEmojis(guild.id), { body: { name: 'party', image } });
  assertSchema('POST', '/guilds/{guild_id}/emojis', e1);
  assert.equal(e1.animated, false);
  const e2 = await rest.post(Routes.guildEmojis(guild.id), { body: { name: 'wave', image: 'data:image/gif;base64,R0lGOD' } });
  assert.equal(e2.animated, true);
  let err = await rejects(() => rest.post(Routes.guildEmojis(guild.id), { body: { name: 'third', image } }));
  assert.equal(assertDiscordError(err, 400, 30008).message, 'Maximum number of emojis reached (2)');
  const list = await rest.get(Routes.guildEmojis(guild.id));
  assertSchema('GET', '/guilds/{guild_id}/emojis', list);
  assert.deepEqual(list.map((e) => e.name), ['party', 'wave']);
  const renamed = await rest.patch(Routes.guildEmoji(guild.id, e1.id), { body: { name: 'party_time' } });
  assert.equal(renamed.name, 'party_time');
  assert.equal((await rest.get(Routes.guild(guild.id))).emojis.length, 2);
  await rest.delete(Routes.guildEmoji(guild.id, e2.id));
  err = await rejects(() => rest.get(Routes.guildEmoji(guild.id, e2.id)));
  assertDiscordError(err, 404, 10014);
  const e3 = await rest.post(Routes.guildEmojis(guild.id), { body: { name: 'again', image } });
  assert.ok(e3.id);
  err = await rejects(() => rest.post(Routes.guildEmojis(guild.id), { body: { name: 'bad name!', image } }));
  assertDiscordError(err, 400, 50035);
  err = await rejects(() => rest.post(Routes.guildEmojis(guild.id), { body: { name: 'noimg' } }));
  assert.ok(assertDiscordError(err, 400, 50035).errors.image);
  // the boost level sets the default slots: level 1 gives 100
  await admin(ctx, 'PUT', '/admin/config', { guild_boost_level: 1 });
  assert.equal((await admin(ctx, 'GET', '/admin/boost-level')).json.limits.max_emoji_slots, 100);
});

test('reactions: add unicode and custom emoji, count and me, list users, remove, clear; unknown emoji is 10014', async () => {
  const { rest } = await newRun({ seed: SEED });
  const { guild, channels } = await acme(rest);
  const m = await rest.post(Routes.channelMessages(channels.general.id), { body: { content: 'react to me' } });
  const emoji = await rest.post(Routes.guildEmojis(guild.id), { body: { name: 'shipit', image: 'data:image/png;base64,AA==' } });
  await rest.put(Routes.channelMessageOwnReaction(channels.general.id, m.id, encodeURIComponent('👍')));
  await rest.put(Routes.channelMessageOwnReaction(channels.general.id, m.id, encodeURIComponent(`shipit:${emoji.id}`)));
  await rest.put(Routes.channelMessageOwnReaction(channels.general.id, m.id, encodeURIComponent('👍'))); // idempotent
  let got = await rest.get(Routes.channelMessage(channels.general.id, m.id));
  assertSchema('GET', '/channels/{channel_id}/messages/{message_id}', got);
  assert.deepEqual(got.reactions.map((r) => [r.emoji.name, r.emoji.id, r.count, r.me]),
    [['👍', null, 1, true], ['shipit', emoji.id, 1, true]]);
  const users = await rest.get(Routes.channelMessageReaction(channels.general.id, m.id, encodeURIComponent('👍')));
  assertSchema('GET', '/channels/{channel_id}/messages/{message_id}/reactions/{emoji_name}', users);
  assert.equal(users[0].bot, true);
  await rest.delete(Routes.channelMessageOwnReaction(channels.general.id, m.id, encodeURIComponent('👍')));
  got = await rest.get(Routes.channelMessage(channels.general.id, m.id));
  assert.deepEqual(got.reactions.map((r) => r.emoji.name), ['shipit']);
  await rest.delete(Routes.channelMessageAllReactions(channels.general.id, m.id));
  got = await rest.get(Routes.channelMessage(channels.general.id, m.id));
  assert.equal(got.reactions, undefined);
  const err = await rejects(() => rest.put(Routes.channelMessageOwnReaction(channels.general.id, m.id, encodeURIComponent('nope:123456789012345678'))));
  assert.equal(assertDiscordError(err, 400, 10014).message, 'Unknown Emoji');
});

test('threads: from a message (same id), without a message, messages inside, active list, archive; duplicates are 160004', async () => {
  const { rest } = await newRun({ seed: SEED });
  const { guild, channels } = await acme(rest);
  const m = await rest.post(Routes.channelMessages(channels.general.id), { body: { content: 'discuss' } });
  const t1 = await rest.post(Routes.threads(channels.general.id, m.id), { body: { name: 'Discussion', auto_archive_duration: 1440 } });
  assertSchema('POST', '/channels/{channel_id}/messages/{message_id}/threads', t1);
  assert.equal(t1.id, m.id);
  assert.equal(t1.type, 11);
  assert.equal(t1.parent_id, channels.general.id);
  assert.equal(t1.thread_metadata.auto_archive_duration, 1440);
  const starter = await rest.get(Routes.channelMessage(channels.general.id, m.id));
  assert.equal(starter.thread.id, t1.id);
  assert.equal(starter.flags & 32, 32);
  let err = await rejects(() => rest.post(Routes.threads(channels.general.id, m.id), { body: { name: 'Again' } }));
  assertDiscordError(err, 400, 160004);
  const t2 = await rest.post(Routes.threads(channels.deploys.id), { body: { name: 'Private ops', type: 12 } });
  assertSchema('POST', '/channels/{channel_id}/threads', t2);
  assert.equal(t2.type, 12);
  assert.equal(t2.member.user_id, (await rest.get(Routes.user('@me'))).id);
  await rest.post(Routes.channelMessages(t1.id), { body: { content: 'in thread 1' } });
  await rest.post(Routes.channelMessages(t1.id), { body: { content: 'in thread 2' } });
  const th = await rest.get(Routes.channel(t1.id));
  assert.equal(th.message_count, 2);
  assert.equal(th.total_message_sent, 2);
  assert.deepEqual((await rest.get(Routes.channelMessages(t1.id))).map((x) => x.content), ['in thread 2', 'in thread 1']);
  let active = await rest.get(Routes.guildActiveThreads(guild.id));
  assertSchema('GET', '/guilds/{guild_id}/threads/active', active);
  assert.deepEqual(active.threads.map((t) => t.id).sort(), [t1.id, t2.id].sort());
  const archived = await rest.patch(Routes.channel(t2.id), { body: { archived: true } });
  assert.equal(archived.thread_metadata.archived, true);
  active = await rest.get(Routes.guildActiveThreads(guild.id));
  assert.deepEqual(active.threads.map((t) => t.id), [t1.id]);
  err = await rejects(() => rest.post(Routes.threads(channels.general.id), { body: { name: '' } }));
  assertDiscordError(err, 400, 50035);
  // guild channel listings leave threads out
  assert.ok(!(await rest.get(Routes.guildChannels(guild.id))).some((c) => c.id === t1.id));
});

test('members: list with limit/after, get, modify nick and roles, add/remove a role, kick; 10007 and 10011', async () => {
  const { rest } = await newRun({ seed: SEED });
  const { guild } = await acme(rest);
  const q = (o) => ({ query: new URLSearchParams(o) });
  const one = await rest.get(Routes.guildMembers(guild.id));
  assert.equal(one.length, 1); // Discord's default limit is 1
  const all = await rest.get(Routes.guildMembers(guild.id), q({ limit: '1000' }));
  assertSchema('GET', '/guilds/{guild_id}/members', all);
  assert.equal(all.length, 4);
  const ids = all.map((m) => BigInt(m.user.id));
  assert.deepEqual(ids, [...ids].sort((a, b) => (a < b ? -1 : 1)));
  const rest2 = await rest.get(Routes.guildMembers(guild.id), q({ limit: '10', after: all[1].user.id }));
  assert.deepEqual(rest2.map((m) => m.user.id), all.slice(2).map((m) => m.user.id));
  const grace = all.find((m) => m.user.username === 'grace');
  const roles = await rest.get(Routes.guildRoles(guild.id));
  const builders = roles.find((r) => r.name === 'Builders');
  const patched = await rest.patch(Routes.guildMember(guild.id, grace.user.id), { body: { nick: 'Amazing Grace', roles: [builders.id] } });
  assertSchema('PATCH', '/guilds/{guild_id}/members/{user_id}', patched);
  assert.equal(patched.nick, 'Amazing Grace');
  assert.deepEqual(patched.roles, [builders.id]);
  const mods = roles.find((r) => r.name === 'Moderators');
  await rest.put(Routes.guildMemberRole(guild.id, grace.user.id, mods.id));
  let got = await rest.get(Routes.guildMember(guild.id, grace.user.id));
  assertSchema('GET', '/guilds/{guild_id}/members/{user_id}', got);
  assert.deepEqual(got.roles, [builders.id, mods.id]);
  await rest.delete(Routes.guildMemberRole(guild.id, grace.user.id, builders.id));
  got = await rest.get(Routes.guildMember(guild.id, grace.user.id));
  assert.deepEqual(got.roles, [mods.id]);
  let err = await rejects(() => rest.put(Routes.guildMemberRole(guild.id, grace.user.id, '123456789012345678')));
  assertDiscordError(err, 404, 10011);
  const user = await rest.get(Routes.user(grace.user.id));
  assertSchema('GET', '/users/{user_id}', user);
  assert.equal(user.username, 'grace');
  await rest.delete(Routes.guildMember(guild.id, grace.user.id));
  err = await rejects(() => rest.get(Routes.guildMember(guild.id, grace.user.id)));
  assert.equal(assertDiscordError(err, 404, 10007).message, 'Unknown Member');
  err = await rejects(() => rest.get(Routes.user('123456789012345678')));
  assertDiscordError(err, 404, 10013);
});

test('roles: create, modify, list by position, delete (members lose it); @everyone cannot be deleted', async () => {
  const { rest } = await newRun({ seed: SEED });
  const { guild } = await acme(rest);
  const r = await rest.post(Routes.guildRoles(guild.id), { body: { name: 'Release Managers', color: 0x3366ff, hoist: true, permissions: '1024' } });
  assertSchema('POST', '/guilds/{guild_id}/roles', r);
  assert.equal(r.color, 0x3366ff);
  assert.equal(r.colors.primary_color, 0x3366ff);
  assert.equal(r.permissions, '1024');
  const upd = await rest.patch(Routes.guildRole(guild.id, r.id), { body: { name: 'Release Captains', mentionable: true } });
  assertSchema('PATCH', '/guilds/{guild_id}/roles/{role_id}', upd);
  assert.equal(upd.mentionable, true);
  const list = await rest.get(Routes.guildRoles(guild.id));
  assertSchema('GET', '/guilds/{guild_id}/roles', list);
  // Discord puts a new role at position 1, right above @everyone
  assert.deepEqual(list.map((x) => x.name), ['@everyone', 'Release Captains', 'Moderators', 'Builders']);
  assert.deepEqual(list.map((x) => x.position), [0, 1, 2, 3]);
  const members = await rest.get(Routes.guildMembers(guild.id), { query: new URLSearchParams({ limit: '10' }) });
  const alan = members.find((m) => m.user.username === 'alan');
  await rest.put(Routes.guildMemberRole(guild.id, alan.user.id, r.id));
  await rest.delete(Routes.guildRole(guild.id, r.id));
  assert.ok(!(await rest.get(Routes.guildMember(guild.id, alan.user.id))).roles.includes(r.id));
  let err = await rejects(() => rest.get(Routes.guildRole(guild.id, r.id)));
  assertDiscordError(err, 404, 10011);
  err = await rejects(() => rest.delete(Routes.guildRole(guild.id, guild.id)));
  assertDiscordError(err, 400, 50028);
});

test('bans: ban with an audit-log reason (member removed), list, get, unban; 10026 for an unknown ban', async () => {
  const { rest } = await newRun({ seed: SEED });
  const { guild } = await acme(rest);
  const members = await rest.get(Routes.guildMembers(guild.id), { query: new URLSearchParams({ limit: '10' }) });
  const alan = members.find((m) => m.user.username === 'alan');
  await rest.put(Routes.guildBan(guild.id, alan.user.id), { body: { delete_message_seconds: 0 }, reason: 'spam & abuse' });
  const bans = await rest.get(Routes.guildBans(guild.id));
  assertSchema('GET', '/guilds/{guild_id}/bans', bans);
  assert.deepEqual(bans.map((b) => [b.user.username, b.reason]), [['alan', 'spam & abuse']]);
  const ban = await rest.get(Routes.guildBan(guild.id, alan.user.id));
  assertSchema('GET', '/guilds/{guild_id}/bans/{user_id}', ban);
  let err = await rejects(() => rest.get(Routes.guildMember(guild.id, alan.user.id)));
  assertDiscordError(err, 404, 10007);
  await rest.delete(Routes.guildBan(guild.id, alan.user.id));
  err = await rejects(() => rest.get(Routes.guildBan(guild.id, alan.user.id)));
  assert.equal(assertDiscordError(err, 404, 10026).message, 'Unknown Ban');
  err = await rejects(() => rest.put(Routes.guildBan(guild.id, '123456789012345678')));
  assertDiscordError(err, 404, 10013);
});

test('invites: create, resolve with counts, list per channel and guild, revoke; 10006 afterwards', async () => {
  const { rest } = await newRun({ seed: SEED });
  const { guild, channels } = await acme(rest);
  const inv = await rest.post(Routes.channelInvites(channels.general.id), { body: { max_age: 3600, max_uses: 5 } });
  assertSchema('POST', '/channels/{channel_id}/invites', inv);
  assert.equal(inv.guild.id, guild.id);
  assert.equal(inv.channel.id, channels.general.id);
  assert.equal(inv.max_uses, 5);
  assert.equal(new Date(inv.expires_at) - new Date(inv.created_at), 3600 * 1000);
  const got = await rest.get(Routes.invite(inv.code), { query: new URLSearchParams({ with_counts: 'true' }) });
  assertSchema('GET', '/invites/{code}', got);
  assert.equal(got.approximate_member_count, 4);
  assert.deepEqual((await rest.get(Routes.channelInvites(channels.general.id))).map((i) => i.code), [inv.code]);
  assert.deepEqual((await rest.get(Routes.guildInvites(guild.id))).map((i) => i.code), [inv.code]);
  const revoked = await rest.delete(Routes.invite(inv.code));
  assert.equal(revoked.code, inv.code);
  const err = await rejects(() => rest.get(Routes.invite(inv.code)));
  assert.equal(assertDiscordError(err, 404, 10006).message, 'Unknown Invite');
});

test('webhooks: create, list, execute with ?wait=true (as the webhook) or 204, into a thread; bad token 50027, unknown 10015', async () => {
  const ctx = await newRun({ seed: SEED });
  const { rest } = ctx;
  const { guild, channels } = await acme(rest);
  const wh = await rest.post(Routes.channelWebhooks(channels.deploys.id), { body: { name: 'CI' } });
  assertSchema('POST', '/channels/{channel_id}/webhooks', wh);
  assert.equal(wh.type, 1);
  assert.equal(wh.token.length, 68);
  assert.equal(wh.url, `${ctx.base}/api/v10/webhooks/${wh.id}/${wh.token}`);
  assertSchema('GET', '/channels/{channel_id}/webhooks', await rest.get(Routes.channelWebhooks(channels.deploys.id)));
  assert.deepEqual((await rest.get(Routes.guildWebhooks(guild.id))).map((w) => w.id), [wh.id]);
  // executing needs no bot token
  const anon = new REST({ api: ctx.base + '/api', retries: 0 });
  const m = await anon.post(Routes.webhook(wh.id, wh.token), { auth: false, body: { content: 'build #42 passed', username: 'CI Runner' },
    query: new URLSearchParams({ wait: 'true' }) });
  assertSchema('POST', '/webhooks/{webhook_id}/{webhook_token}', m);
  assert.equal(m.webhook_id, wh.id);
  assert.equal(m.author.id, wh.id);
  assert.equal(m.author.username, 'CI Runner');
  const none = await fetch(wh.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ content: 'no wait' }) });
  assert.equal(none.status, 204);
  const msgs = await rest.get(Routes.channelMessages(channels.deploys.id));
  assert.deepEqual(msgs.slice(0, 2).map((x) => x.content), ['no wait', 'build #42 passed']);
  const thread = await rest.post(Routes.threads(channels.deploys.id), { body: { name: 'build logs', type: 11 } });
  await anon.post(Routes.webhook(wh.id, wh.token), { auth: false, body: { content: 'into the thread' }, query: new URLSearchParams({ thread_id: thread.id }) });
  assert.equal((await rest.get(Routes.channelMessages(thread.id)))[0].content, 'into the thread');
  // Discord unarchives a thread a webhook posts into; a locked one stays closed (50083).
  await rest.patch(Routes.channel(thread.id), { body: { archived: true } });
  await anon.post(Routes.webhook(wh.id, wh.token), { auth: false, body: { content: 'wakes it' }, query: new URLSearchParams({ thread_id: thread.id }) });
  const woken = await rest.get(Routes.channel(thread.id));
  assert.equal(woken.thread_metadata.archived, false);
  assert.equal((await rest.get(Routes.channelMessages(thread.id)))[0].content, 'wakes it');
  const members = await rest.get(Routes.threadMembers(thread.id));
  assert.equal(members.length, 1, 'a webhook does not join the thread');
  await rest.patch(Routes.channel(thread.id), { body: { archived: true, locked: true } });
  const locked = await rejects(() => anon.post(Routes.webhook(wh.id, wh.token), { auth: false, body: { content: 'no' },
    query: new URLSearchParams({ thread_id: thread.id }) }));
  assertDiscordError(locked, 400, 50083);
  const still = await rest.get(Routes.channel(thread.id));
  assert.equal(still.thread_metadata.archived, true);
  assert.equal((await rest.get(Routes.channelMessages(thread.id)))[0].content, 'wakes it');
  let err = await rejects(() => anon.post(Routes.webhook(wh.id, 'x'.repeat(68)), { auth: false, body: { content: 'hi' } }));
  assert.equal(assertDiscordError(err, 401, 50027).message, 'Invalid Webhook Token');
  err = await rejects(() => rest.post(Routes.channelWebhooks(channels.deploys.id), { body: { name: 'clyde' } }));
  assertDiscordError(err, 400, 50035);
  const renamed = await rest.patch(Routes.webhook(wh.id), { body: { name: 'CD' } });
  assert.equal(renamed.name, 'CD');
  await rest.delete(Routes.webhook(wh.id));
  err = await rejects(() => rest.get(Routes.webhook(wh.id)));
  assert.equal(assertDiscordError(err, 404, 10015).message, 'Unknown Webhook');
});

test('rate limits: headers on every answer; the client waits out an exhausted bucket without a 429', async () => {
  const ctx = await newRun({ seed: SEED, config: { rate_limit: 2, rate_limit_window_ms: 1200 } });
  const { rest } = ctx;
  const { channels } = await acme(rest);
  const r = await raw(ctx, 'GET', `/api/v10/channels/${channels.general.id}`);
  for (const h of ['x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset', 'x-ratelimit-reset-after', 'x-ratelimit-bucket']) {
    assert.ok(r.headers.get(h), `missing ${h}`);
  }
  assert.equal(r.headers.get('x-ratelimit-limit'), '2');
  const err404 = await raw(ctx, 'GET', '/api/v10/channels/123456789012345678');
  assert.equal(err404.status, 404);
  assert.ok(err404.headers.get('x-ratelimit-bucket'));
  await new Promise((res) => setTimeout(res, 1300));
  await admin(ctx, 'DELETE', '/admin/requests');
  const limited = [];
  rest.on('rateLimited', (info) => limited.push(info));
  const t0 = Date.now();
  for (let i = 0; i < 4; i++) await rest.post(Routes.channelMessages(channels.deploys.id), { body: { content: `burst ${i}` } });
  const elapsed = Date.now() - t0;
  assert.ok(elapsed >= 900, `the client should have waited for the bucket to reset (${elapsed} ms)`);
  assert.ok(limited.length >= 1);
  assert.equal(limited[0].limit, 2);
  const log = await admin(ctx, 'GET', '/admin/requests');
  const statuses = (log.json.requests || log.json).map((x) => x.status);
  assert.ok(!statuses.includes(429), `unexpected 429: ${statuses}`);
});

test('rate limits: 429 with retry_after and Retry-After; rejectOnRateLimit gives RateLimitError; global limit says global', async () => {
  const ctx = await newRun({ seed: SEED, config: { rate_limit: 1, rate_limit_window_ms: 5000 } });
  const { channels } = await acme(ctx.rest);
  const path = `/api/v10/channels/${channels.general.id}/messages`;
  let r = await raw(ctx, 'GET', path);
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('x-ratelimit-remaining'), '0');
  r = await raw(ctx, 'GET', path);
  assert.equal(r.status, 429);
  assert.equal(r.json.message, 'You are being rate limited.');
  assert.equal(r.json.global, false);
  assert.ok(r.json.retry_after > 0 && r.json.retry_after <= 5);
  assert.ok(Number(r.headers.get('retry-after')) >= 1);
  assert.equal(r.headers.get('x-ratelimit-scope'), 'user');
  // another channel is another bucket (major parameter)
  assert.equal((await raw(ctx, 'GET', `/api/v10/channels/${channels.deploys.id}/messages`)).status, 200);
  const strict = client(ctx.base, ctx.token, { rejectOnRateLimit: ['/channels'] });
  await strict.get(Routes.channel(channels.Voice.id));
  const err = await rejects(() => strict.get(Routes.channel(channels.Voice.id)));
  assert.ok(err instanceof RateLimitError, `expected RateLimitError, got ${err}`);
  assert.equal(err.global, false);
  assert.ok(err.timeToReset > 0 || err.retryAfter > 0);
  // global limit
  await admin(ctx, 'PATCH', '/admin/config', { global_rate_limit: 1, rate_limit: 100 });
  await new Promise((res) => setTimeout(res, 1100));
  const a = await raw(ctx, 'GET', '/api/v10/users/@me');
  const b = await raw(ctx, 'GET', '/api/v10/users/@me');
  assert.equal(a.status, 200);
  assert.equal(b.status, 429);
  assert.equal(b.json.global, true);
  assert.equal(b.headers.get('x-ratelimit-global'), 'true');
});

test('rate limits: an admin reset or config replace starts every window over; global_rate_limit 0 turns the global limit off', async () => {
  const ctx = await newRun({ seed: SEED, config: { rate_limit: 1, rate_limit_window_ms: 60000 } });
  const { channels } = await acme(ctx.rest);
  const path = `/api/v10/channels/${channels.general.id}/messages`;
  assert.equal((await raw(ctx, 'GET', path)).status, 200);
  let r = await raw(ctx, 'GET', path);
  assert.equal(r.status, 429);
  assert.ok(r.json.retry_after > 50, `a 60 s window leaves most of it to wait: ${r.json.retry_after}`);
  // the official client refuses the exhausted bucket with RateLimitError
  const strict = client(ctx.base, ctx.token, { rejectOnRateLimit: () => true });
  const err = await rejects(() => strict.get(Routes.channelMessages(channels.general.id)));
  assert.ok(err instanceof RateLimitError, `expected RateLimitError, got ${err}`);
  assert.equal(err.limit, 1);
  assert.ok(err.retryAfter > 50_000, `retryAfter in ms: ${err.retryAfter}`);
  // reset: the seeded state and the provisioned limits come back, the windows start empty
  assert.equal((await admin(ctx, 'POST', '/admin/reset')).status, 200);
  r = await raw(ctx, 'GET', path);
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('x-ratelimit-limit'), '1');
  assert.equal(r.headers.get('x-ratelimit-remaining'), '0');
  assert.equal((await raw(ctx, 'GET', path)).status, 429);
  // a config replace empties the state, windows included
  assert.equal((await admin(ctx, 'PUT', '/admin/config', { rate_limit: 1, rate_limit_window_ms: 60000 })).status, 200);
  assert.equal((await raw(ctx, 'GET', '/api/v10/users/@me')).status, 200);
  assert.equal((await raw(ctx, 'GET', '/api/v10/users/@me')).status, 429);
  // the global limit is admin-configurable and 0 switches it off
  await admin(ctx, 'PATCH', '/admin/config', { rate_limit: 100, global_rate_limit: 1 });
  await new Promise((res) => setTimeout(res, 1100));
  assert.equal((await raw(ctx, 'GET', '/api/v10/users/@me')).status, 200);
  const g = await raw(ctx, 'GET', '/api/v10/users/@me');
  assert.equal(g.status, 429);
  assert.equal(g.json.global, true);
  await admin(ctx, 'PATCH', '/admin/config', { global_rate_limit: 0 });
  for (let i = 0; i < 3; i++) assert.equal((await raw(ctx, 'GET', '/api/v10/users/@me')).status, 200);
});

test('errors and stubs: unknown routes are Discord 404s; undocumented-in-twin routes stay stubs; bad JSON is 50109', async () => {
  const ctx = await newRun({ seed: SEED });
  let r = await raw(ctx, 'GET', '/api/v10/definitely/not/a/route');
  assert.equal(r.status, 404);
  assert.deepEqual(r.json, { message: '404: Not Found', code: 0 });
  r = await raw(ctx, 'GET', '/api/v10/gateway/bot');
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('x-twin-stub'), 'true');
  const { channels } = await acme(ctx.rest);
  const res = await fetch(`${ctx.base}/api/v10/channels/${channels.general.id}/messages`, {
    method: 'POST', headers: { authorization: `Bot ${ctx.token}`, 'content-type': 'application/json' }, body: '{nope' });
  assert.equal(res.status, 400);
  assert.equal((await res.json()).code, 50109);
  // an injected fault with a Discord error code
  await admin(ctx, 'POST', '/admin/faults', { route: 'GET /api/v10/users/*', status: 403, error_code: '50013', count: 1 });
  const err = await rejects(() => ctx.rest.get(Routes.user('@me')));
  assertDiscordError(err, 403, 50013);
});

test('events: subscribed URLs receive MESSAGE_CREATE / MESSAGE_REACTION_ADD / MESSAGE_DELETE deliveries', async () => {
  const rx = await startReceiver({ path: '/events', status: 204, body: '' });
  try {
    const { url } = rx;
    const ctx = await newRun({ seed: SEED });
    await admin(ctx, 'PATCH', '/admin/config', { webhook_url: url, webhook_events: ['MESSAGE_CREATE', 'MESSAGE_DELETE', 'MESSAGE_REACTION_ADD'] });
    const { guild, channels } = await acme(ctx.rest);
    const m = await ctx.rest.post(Routes.channelMessages(channels.general.id), { body: { content: 'event me' } });
    await ctx.rest.put(Routes.channelMessageOwnReaction(channels.general.id, m.id, encodeURIComponent('🎉')));
    await ctx.rest.patch(Routes.channel(channels.general.id), { body: { topic: 'not subscribed' } });
    await ctx.rest.delete(Routes.channelMessage(channels.general.id, m.id));
    // deliveries travel in parallel, so they may land in any order (Discord promises none either)
    await rx.waitFor(3, 15000);
    const order = ['MESSAGE_CREATE', 'MESSAGE_REACTION_ADD', 'MESSAGE_DELETE'];
    const got = rx.deliveries.map((d) => JSON.parse(d.body)).sort((x, y) => order.indexOf(x.event.type) - order.indexOf(y.event.type));
    const raws = rx.deliveries.map((d) => ({ raw: d.raw, sig: d.headers['x-signature-ed25519'], ts: d.headers['x-signature-timestamp'] }));
    assert.deepEqual(got.map((e) => e.event.type), order);
    assert.equal(got[0].version, 1);
    assert.equal(got[0].type, 1);
    assert.equal(got[0].event.data.id, m.id);
    assert.equal(got[0].event.data.guild_id, guild.id);
    assert.equal(got[1].event.data.emoji.name, '🎉');
    // signed like Discord's events: Ed25519 over timestamp + body, checked with DISCORD_PUBLIC_KEY
    const pub = ctx.env.DISCORD_PUBLIC_KEY;
    assert.match(pub, /^[0-9a-f]{64}$/);
    assert.equal(ctx.env.DISCORD_APPLICATION_ID, got[0].application_id);
    const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(pub, 'hex').toString('base64url') }, format: 'jwk' });
    for (const r of raws) {
      assert.match(r.sig, /^[0-9a-f]{128}$/);
      const signed = Buffer.concat([Buffer.from(r.ts), r.raw]);
      assert.ok(verify(null, signed, key, Buffer.from(r.sig, 'hex')), 'signature verifies');
      assert.ok(!verify(null, Buffer.concat([signed, Buffer.from(' ')]), key, Buffer.from(r.sig, 'hex')));
    }
    const log = await admin(ctx, 'GET', '/admin/webhooks/deliveries');
    assert.equal(log.status, 200);
    assert.ok(JSON.stringify(log.json).includes('MESSAGE_CREATE'));
  } finally {
    await rx.close();
  }
});

test('direct messages, pins (both routes) and typing', async () => {
  const { rest } = await newRun({ seed: SEED });
  const { guild, channels } = await acme(rest);
  const members = await rest.get(Routes.guildMembers(guild.id), { query: new URLSearchParams({ limit: '10' }) });
  const ada = members.find((m) => m.user.username === 'ada');
  const dm = await rest.post(Routes.userChannels(), { body: { recipient_id: ada.user.id } });
  assertSchema('POST', '/users/@me/channels', dm);
  assert.equal(dm.type, 1);
  assert.deepEqual(dm.recipients.map((u) => u.id), [ada.user.id]);
  assert.equal((await rest.post(Routes.userChannels(), { body: { recipient_id: ada.user.id } })).id, dm.id);
  const hello = await rest.post(Routes.channelMessages(dm.id), { body: { content: 'psst' } });
  assert.equal(hello.channel_id, dm.id);
  let err = await rejects(() => rest.post(Routes.userChannels(), { body: { recipient_id: '123456789012345678' } }));
  assertDiscordError(err, 404, 10013);
  // pins
  const [a, b] = [await rest.post(Routes.channelMessages(channels.general.id), { body: { content: 'pin a' } }),
    await rest.post(Routes.channelMessages(channels.general.id), { body: { content: 'pin b' } })];
  await rest.put(`/channels/${channels.general.id}/messages/pins/${a.id}`);
  await new Promise((res) => setTimeout(res, 1100)); // pinned_at has second precision
  await rest.put(`/channels/${channels.general.id}/pins/${b.id}`);
  const pins = await rest.get(`/channels/${channels.general.id}/messages/pins`);
  assertSchema('GET', '/channels/{channel_id}/messages/pins', pins);
  assert.deepEqual(pins.items.map((p) => p.message.content), ['pin b', 'pin a']);
  assert.equal(pins.has_more, false);
  assert.equal(pins.items[0].message.pinned, true);
  const old = await rest.get(`/channels/${channels.general.id}/pins`);
  assertSchema('GET', '/channels/{channel_id}/pins', old);
  assert.deepEqual(old.map((m) => m.id), [b.id, a.id]);
  const limited = await rest.get(`/channels/${channels.general.id}/messages/pins`, { query: new URLSearchParams({ limit: '1' }) });
  assert.equal(limited.items.length, 1);
  assert.equal(limited.has_more, true);
  await rest.delete(`/channels/${channels.general.id}/messages/pins/${b.id}`);
  assert.deepEqual((await rest.get(`/channels/${channels.general.id}/pins`)).map((m) => m.id), [a.id]);
  assert.equal((await rest.get(Routes.channelMessage(channels.general.id, b.id))).pinned, false);
  err = await rejects(() => rest.put(`/channels/${channels.general.id}/pins/123456789012345678`));
  assertDiscordError(err, 404, 10008);
  // typing
  const typing = await rest.post(Routes.channelTyping(channels.general.id));
  assert.equal(typing.byteLength, 0); // 204 No Content
});

test('presets: CI/CD pipeline and high-volume messaging seed the Discord twin', async () => {
  const url = await control();
  for (const [id, guildName, channel, count] of [['preset-cicd-pipeline', 'Acme Engineering', 'ci-alerts', 2],
    ['preset-high-volume-messaging', 'Load Test Guild', 'firehose', 250]]) {
    const r = await api(url, 'POST', '/twin-runs', { twins: ['discord'], scenario_id: id });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.body.seed_results.discord.status, 'seeded', JSON.stringify(r.body.seed_results));
    const t = r.body.twins.discord;
    const rest = client(t.base_url, t.env_vars.DISCORD_BOT_TOKEN);
    const [guild] = await rest.get(Routes.userGuilds());
    assert.equal(guild.name, guildName);
    const ch = (await rest.get(Routes.guildChannels(guild.id))).find((c) => c.name === channel);
    const seen = [];
    let before;
    for (;;) {
      const page = await rest.get(Routes.channelMessages(ch.id), { query: new URLSearchParams(before ? { limit: '100', before } : { limit: '100' }) });
      seen.push(...page);
      if (page.length < 100) break;
      before = page.at(-1).id;
    }
    assert.equal(seen.length, count);
    assert.equal(new Set(seen.map((m) => m.id)).size, count);
    if (id === 'preset-cicd-pipeline') assert.equal(seen[0].author.username, 'acme-ci');
  }
});
