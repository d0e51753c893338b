// Discord twin conformance: message-list anchors at their edges, slowmode
// (20016), member timeouts and the ATTACH_FILES / EMBED_LINKS checks, through
// @discordjs/rest (and raw HTTP where the client would hide the answer).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { PermissionFlagsBits as P } from 'discord-api-types/v10';
import { RateLimitError, Routes, admin, assertDiscordError, client, newRun, raw, rejects, stopServer } from './helpers.mjs';

after(stopServer);

const bits = (...flags) => String(flags.reduce((a, b) => a | b, 0n));
const BOT = 'Mod Bot';
const DAY = 24 * 3600 * 1000;
const q = (o) => ({ query: new URLSearchParams(o) });

/** A guild owned by olive, @everyone with no permissions, the bot holding botPerms. */
function seed({ botPerms, bot = {}, members = [], channels = [{ name: 'general' }], roles = [] }) {
  return {
    bot: { username: BOT, ...(botPerms ? { permissions: botPerms } : {}), ...bot },
    guilds: [{
      name: 'Moderated',
      owner: 'olive',
      roles: [{ name: '@everyone', permissions: '0' }, ...roles],
      members: [{ username: 'olive' }, ...members],
      channels,
    }],
  };
}

async function world(rest) {
  const [guild] = await rest.get(Routes.userGuilds());
  const channels = Object.fromEntries((await rest.get(Routes.guildChannels(guild.id))).map((c) => [c.name, c]));
  const members = await rest.get(Routes.guildMembers(guild.id), q({ limit: '100' }));
  const member = Object.fromEntries(members.map((m) => [m.user.username, m]));
  return { guild, channels, member };
}

test('message list anchors: after=0 is the start of the channel, before=0 nothing, around=0 the oldest; bad snowflakes are 50035', async () => {
  const { rest } = await newRun({ seed: { guilds: [{ name: 'Edges', channels: [{ name: 'log', messages: ['m0', 'm1', 'm2', 'm3', 'm4'] }] }] } });
  const [guild] = await rest.get(Routes.userGuilds());
  const [log] = await rest.get(Routes.guildChannels(guild.id));
  const get = (o) => rest.get(Routes.channelMessages(log.id), q(o)).then((l) => l.map((m) => m.content));
  assert.deepEqual(await get({ after: '0' }), ['m4', 'm3', 'm2', 'm1', 'm0']);
  assert.deepEqual(await get({ after: '0', limit: '2' }), ['m1', 'm0'], 'the two oldest, newest first');
  assert.deepEqual(await get({ before: '0' }), []);
  assert.deepEqual(await get({ around: '0', limit: '4' }), ['m1', 'm0'], 'limit/2 newer than 0, nothing older');
  // the largest 64-bit snowflake is a valid anchor
  assert.deepEqual(await get({ before: '18446744073709551615', limit: '2' }), ['m4', 'm3']);
  assert.deepEqual(await get({ after: '18446744073709551615' }), []);
  for (const [name, bad] of [['after', '-1'], ['before', '18446744073709551616'], ['around', '1.5'], ['after', '']]) {
    const err = await rejects(() => rest.get(Routes.channelMessages(log.id), q({ [name]: bad })));
    const body = assertDiscordError(err, 400, 50035);
    assert.equal(body.errors[name]._errors[0].code, 'NUMBER_TYPE_COERCE', `${name}=${bad}`);
  }
});

test('slowmode: Discord exempts the bot; with bot_slowmode a second send inside the interval is 429 / 20016 with retry_after', async () => {
  const perms = bits(P.ViewChannel, P.SendMessages, P.ReadMessageHistory, P.ManageChannels, P.ManageMessages);
  const ctx = await newRun({
    seed: seed({ botPerms: perms, channels: [{ name: 'slow', rate_limit_per_user: 30 }, { name: 'fast' }, { name: 'quiet', rate_limit_per_user: 30 }] }),
  });
  const { rest } = ctx;
  const { channels } = await world(rest);
  const slow = channels.slow;
  assert.equal(slow.rate_limit_per_user, 30);
  // like Discord: bots are not held to slowmode
  await rest.post(Routes.channelMessages(slow.id), { body: { content: 'one' } });
  await rest.post(Routes.channelMessages(slow.id), { body: { content: 'two' } });

  await admin(ctx, 'PATCH', '/admin/config', { bot_slowmode: true });
  const path = `/api/v10/channels/${slow.id}/messages`;
  // held to it now, the interval runs from the last message ('two')
  const r = await raw(ctx, 'POST', path, { body: { content: 'too soon' } });
  assert.equal(r.status, 429);
  assert.equal(r.json.code, 20016);
  assert.equal(r.json.message, 'This action cannot be performed due to slowmode rate limit.');
  assert.equal(r.json.global, false);
  assert.ok(r.json.retry_after > 25 && r.json.retry_after <= 30, `retry_after ${r.json.retry_after}`);
  assert.ok(Number(r.headers.get('retry-after')) >= 26 && Number(r.headers.get('retry-after')) <= 30);
  assert.equal(r.headers.get('x-ratelimit-global'), null);
  // MANAGE_CHANNELS and MANAGE_MESSAGES no longer bypass slowmode (BYPASS_SLOWMODE does, since February 2026)
  const strict = client(ctx.base, ctx.token, { rejectOnRateLimit: ['/channels'] });
  const err = await rejects(() => strict.post(Routes.channelMessages(slow.id), { body: { content: 'again' } }));
  assert.ok(err instanceof RateLimitError, `expected RateLimitError, got ${err}`);
  assert.equal(err.global, false);
  assert.ok(err.retryAfter > 25_000);
  // the refused sends left nothing behind; other channels and other requests are unaffected
  assert.deepEqual((await rest.get(Routes.channelMessages(slow.id), q({ limit: '2' }))).map((m) => m.content), ['two', 'one']);
  await rest.post(Routes.channelMessages(channels.fast.id), { body: { content: 'fast 1' } });
  await rest.post(Routes.channelMessages(channels.fast.id), { body: { content: 'fast 2' } });
  // the interval counts from the last message, also one sent before slowmode was turned on
  await rest.patch(Routes.channel(channels.fast.id), { body: { rate_limit_per_user: 30 } });
  assert.equal((await raw(ctx, 'POST', `/api/v10/channels/${channels.fast.id}/messages`, { body: { content: 'x' } })).json.code, 20016);
  // a failed send does not start the interval
  const quiet = `/api/v10/channels/${channels.quiet.id}/messages`;
  assert.equal((await raw(ctx, 'POST', quiet, { body: {} })).json.code, 50006);
  assert.equal((await raw(ctx, 'POST', quiet, { body: { content: 'quiet 1' } })).status, 200);
  assert.equal((await raw(ctx, 'POST', quiet, { body: { content: 'quiet 2' } })).json.code, 20016);
  // turning slowmode off lifts it at once; the client waits out a short interval by itself
  await rest.patch(Routes.channel(slow.id), { body: { rate_limit_per_user: 0 } });
  assert.equal((await rest.post(Routes.channelMessages(slow.id), { body: { content: 'free' } })).content, 'free');
  await rest.patch(Routes.channel(slow.id), { body: { rate_limit_per_user: 1 } });
  await rest.post(Routes.channelMessages(slow.id), { body: { content: 'tick' } });
  const t0 = Date.now();
  assert.equal((await rest.post(Routes.channelMessages(slow.id), { body: { content: 'tock' } })).content, 'tock');
  assert.ok(Date.now() - t0 >= 500, 'the client waited for the interval');
});

test('slowmode: BYPASS_SLOWMODE, ADMINISTRATOR and owning the guild exempt the bot even with bot_slowmode', async () => {
  for (const s of [
    seed({ botPerms: bits(P.ViewChannel, P.SendMessages, P.BypassSlowmode), channels: [{ name: 'slow', rate_limit_per_user: 60 }] }),
    seed({ botPerms: bits(P.Administrator), channels: [{ name: 'slow', rate_limit_per_user: 60 }] }),
    { bot: { username: BOT }, guilds: [{ name: 'Mine', channels: [{ name: 'slow', rate_limit_per_user: 60 }] }] },
  ]) {
    const { rest } = await newRun({ seed: s, config: { bot_slowmode: true } });
    const { channels } = await world(rest);
    for (const content of ['a', 'b', 'c']) await rest.post(Routes.channelMessages(channels.slow.id), { body: { content } });
  }
  // a seed with a bad interval names the field
  const ctx = await newRun();
  const r = await admin(ctx, 'PUT', '/admin/config', { seed: seed({ channels: [{ name: 'c', rate_limit_per_user: 99999 }] }) });
  assert.equal(r.status, 400);
  assert.match(r.json.detail, /channels\[0\]\.rate_limit_per_user/);
});

test('timeouts: communication_disabled_until needs MODERATE_MEMBERS, at most 28 days ahead; never the owner, an admin, the bot or a member above it', async () => {
  const mod = bits(P.ViewChannel, P.SendMessages, P.ModerateMembers);
  const { rest } = await newRun({
    seed: seed({
      botPerms: mod,
      roles: [{ name: 'Admins', permissions: bits(P.Administrator) }],
      members: [{ username: 'lee' }, { username: 'max', roles: ['Admins'] }],
    }),
  });
  const { guild, member } = await world(rest);
  const [lee, max, olive, me] = ['lee', 'max', 'olive', BOT].map((n) => member[n].user.id);
  const until = new Date(Date.now() + DAY).toISOString();
  const timed = await rest.patch(Routes.guildMember(guild.id, lee), { body: { communication_disabled_until: until } });
  assert.equal(Date.parse(timed.communication_disabled_until), Date.parse(until));
  assert.match(timed.communication_disabled_until, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00$/);
  assert.equal((await rest.get(Routes.guildMember(guild.id, lee))).communication_disabled_until, timed.communication_disabled_until);
  // lifting it
  assert.equal((await rest.patch(Routes.guildMember(guild.id, lee), { body: { communication_disabled_until: null } })).communication_disabled_until, null);
  // 28 days is the limit
  const ok = new Date(Date.now() + 27 * DAY).toISOString();
  await rest.patch(Routes.guildMember(guild.id, lee), { body: { communication_disabled_until: ok } });
  let err = await rejects(() => rest.patch(Routes.guildMember(guild.id, lee), { body: { communication_disabled_until: new Date(Date.now() + 29 * DAY).toISOString() } }));
  let body = assertDiscordError(err, 400, 50035);
  assert.deepEqual(body.errors.communication_disabled_until._errors[0], {
    code: 'INVALID_COMMUNICATION_DISABLED_TIMESTAMP', message: 'Invalid communication disabled timestamp',
  });
  err = await rejects(() => rest.patch(Routes.guildMember(guild.id, lee), { body: { communication_disabled_until: 'soon' } }));
  assert.equal(assertDiscordError(err, 400, 50035).errors.communication_disabled_until._errors[0].code, 'DATE_TYPE_PARSE');
  assert.equal(Date.parse((await rest.get(Routes.guildMember(guild.id, lee))).communication_disabled_until), Date.parse(ok), 'refused edits change nothing');
  // the owner, an administrator and the bot itself cannot be timed out
  for (const uid of [olive, max, me]) {
    err = await rejects(() => rest.patch(Routes.guildMember(guild.id, uid), { body: { communication_disabled_until: until } }));
    assertDiscordError(err, 403, 50013);
    assert.equal((await rest.get(Routes.guildMember(guild.id, uid))).communication_disabled_until, null);
  }
  // without MODERATE_MEMBERS
  const { rest: weak } = await newRun({ seed: seed({ botPerms: bits(P.ViewChannel, P.KickMembers), members: [{ username: 'lee' }] }) });
  const w = await world(weak);
  err = await rejects(() => weak.patch(Routes.guildMember(w.guild.id, w.member.lee.user.id), { body: { communication_disabled_until: until } }));
  assertDiscordError(err, 403, 50013);
});

test('timeouts: a timed-out bot keeps VIEW_CHANNEL and READ_MESSAGE_HISTORY only, overwrites notwithstanding; an expired timeout is none', async () => {
  const perms = bits(P.ViewChannel, P.SendMessages, P.ReadMessageHistory, P.AddReactions, P.ManageMessages, P.KickMembers);
  const { rest } = await newRun({
    seed: seed({
      botPerms: perms,
      bot: { communication_disabled_until: '2099-01-01T00:00:00Z' },
      members: [{ username: 'lee' }],
      channels: [{ name: 'general', messages: [{ content: 'from lee', author: 'lee' }],
        permission_overwrites: [{ member: BOT, allow: bits(P.SendMessages, P.AttachFiles) }] }],
    }),
  });
  const { guild, channels, member } = await world(rest);
  const general = channels.general.id;
  assert.equal(member[BOT].communication_disabled_until, '2099-01-01T00:00:00.000000+00:00');
  assert.equal(guild.permissions, bits(P.ViewChannel, P.ReadMessageHistory), 'the guild list shows the reduced set');
  const [msg] = await rest.get(Routes.channelMessages(general));
  assert.equal(msg.content, 'from lee', 'reading still works');
  for (const call of [
    () => rest.post(Routes.channelMessages(general), { body: { content: 'hi' } }),
    () => rest.put(Routes.channelMessageOwnReaction(general, msg.id, '👍')),
    () => rest.delete(Routes.channelMessage(general, msg.id)),
    () => rest.delete(Routes.guildMember(guild.id, member.lee.user.id)),
  ]) assertDiscordError(await rejects(call), 403, 50013);

  const { rest: free } = await newRun({
    seed: seed({ botPerms: perms, bot: { communication_disabled_until: '2020-01-01T00:00:00Z' }, channels: [{ name: 'general' }] }),
  });
  const f = await world(free);
  assert.equal(f.guild.permissions, perms);
  assert.equal((await free.post(Routes.channelMessages(f.channels.general.id), { body: { content: 'back' } })).content, 'back');
});

test('ATTACH_FILES: uploads without it are 403 / 50013; EMBED_LINKS: embeds are dropped without it, an embed-only message is 50013', async () => {
  const base = [P.ViewChannel, P.SendMessages, P.ReadMessageHistory];
  const { rest } = await newRun({
    seed: seed({
      botPerms: bits(...base),
      channels: [
        { name: 'plain' },
        { name: 'rich', permission_overwrites: [{ member: BOT, allow: bits(P.AttachFiles, P.EmbedLinks) }] },
      ],
    }),
  });
  const { channels } = await world(rest);
  const file = { name: 'a.txt', data: Buffer.from('hello') };
  const embed = { title: 'Deploy', description: 'v2 is out' };
  let err = await rejects(() => rest.post(Routes.channelMessages(channels.plain.id), { body: { content: 'with file' }, files: [file] }));
  assertDiscordError(err, 403, 50013);
  err = await rejects(() => rest.post(Routes.channelMessages(channels.plain.id), { body: { embeds: [embed] } }));
  assertDiscordError(err, 403, 50013);
  const dropped = await rest.post(Routes.channelMessages(channels.plain.id), { body: { content: 'text stays', embeds: [embed] } });
  assert.equal(dropped.content, 'text stays');
  assert.deepEqual(dropped.embeds, []);
  assert.deepEqual((await rest.get(Routes.channelMessages(channels.plain.id))).map((m) => m.content), ['text stays'], 'refused sends stored nothing');
  // editing: embeds ignored, new files refused
  const edited = await rest.patch(Routes.channelMessage(channels.plain.id, dropped.id), { body: { content: 'edited', embeds: [embed] } });
  assert.equal(edited.content, 'edited');
  assert.deepEqual(edited.embeds, []);
  err = await rejects(() => rest.patch(Routes.channelMessage(channels.plain.id, dropped.id), { body: {}, files: [file] }));
  assertDiscordError(err, 403, 50013);
  // with both permissions (a member overwrite) everything goes through
  const rich = await rest.post(Routes.channelMessages(channels.rich.id), { body: { content: 'all', embeds: [embed] }, files: [file] });
  assert.equal(rich.attachments.length, 1);
  assert.equal(rich.embeds[0].title, 'Deploy');
});
