// Discord twin conformance: threads (from a message, without one, forum
// posts), thread members, archiving and locking, the archived listings, the
// thread permissions and slowmode on thread creation, through @discordjs/rest.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { PermissionFlagsBits as P } from 'discord-api-types/v10';
import { Routes, SEED, acme, admin, assertDiscordError, assertSchema, newRun, raw, rejects, stopServer } from './helpers.mjs';

after(stopServer);

const bits = (...flags) => String(flags.reduce((a, b) => a | b, 0n));
const q = (o) => new URLSearchParams(o);

const FORUM_SEED = {
  ...SEED,
  guilds: [{ ...SEED.guilds[0], channels: [...SEED.guilds[0].channels, { name: 'help', type: 'forum' }] }, SEED.guilds[1]],
};

async function people(rest, guildId) {
  const members = await rest.get(Routes.guildMembers(guildId), { query: q({ limit: '100' }) });
  return Object.fromEntries(members.map((m) => [m.user.username, m.user.id]));
}

test('creating threads: from a message, public / private without one, forum post with its first message; bad input is 50035', async () => {
  const { rest } = await newRun({ seed: FORUM_SEED });
  const { guild, channels } = await acme(rest);
  const me = await rest.get(Routes.user('@me'));
  const [starter] = await rest.get(Routes.channelMessages(channels.general.id), { query: q({ limit: '1' }) });

  const t1 = await rest.post(Routes.threads(channels.general.id, starter.id), { body: { name: 'About this', auto_archive_duration: 60, rate_limit_per_user: 10 } });
  assertSchema('POST', '/channels/{channel_id}/messages/{message_id}/threads', t1);
  assert.equal(t1.id, starter.id);
  assert.equal(t1.type, 11);
  assert.equal(t1.parent_id, channels.general.id);
  assert.equal(t1.guild_id, guild.id);
  assert.equal(t1.owner_id, me.id);
  assert.equal(t1.rate_limit_per_user, 10);
  assert.equal(t1.member_count, 1);
  assert.equal(t1.message_count, 0);
  assert.deepEqual({ ...t1.thread_metadata, archive_timestamp: 0, create_timestamp: 0 },
    { archived: false, archive_timestamp: 0, auto_archive_duration: 60, locked: false, create_timestamp: 0 });
  // the starter message points at its thread (and has the HAS_THREAD flag)
  const again = await rest.get(Routes.channelMessage(channels.general.id, starter.id));
  assert.equal(again.thread.id, t1.id);
  assert.equal(again.flags & 32, 32);

  const pub = await rest.post(Routes.threads(channels.general.id), { body: { name: 'Open', type: 11 } });
  assert.equal(pub.type, 11);
  assert.equal(pub.member.user_id, me.id);
  assert.equal(pub.thread_metadata.auto_archive_duration, 4320);
  const priv = await rest.post(Routes.threads(channels.general.id), { body: { name: 'Closed', type: 12, invitable: false } });
  assertSchema('POST', '/channels/{channel_id}/threads', priv);
  assert.equal(priv.type, 12);
  assert.equal(priv.thread_metadata.invitable, false);

  // a forum post: a public thread whose first message shares its id and is not counted
  const post = await rest.post(Routes.threads(channels.help.id), { body: { name: 'How do I deploy?', message: { content: 'Steps please' } } });
  assert.equal(post.type, 11);
  assert.equal(post.message.id, post.id);
  assert.equal(post.message.channel_id, post.id);
  assert.equal(post.message_count, 0);
  assert.equal(post.total_message_sent, 1);
  assert.deepEqual((await rest.get(Routes.channelMessages(post.id))).map((m) => m.content), ['Steps please']);
  await rest.post(Routes.channelMessages(post.id), { body: { content: 'reply' } });
  assert.equal((await rest.get(Routes.channel(post.id))).message_count, 1);

  let err = await rejects(() => rest.post(Routes.threads(channels.help.id), { body: { name: 'no message' } }));
  assert.ok(assertDiscordError(err, 400, 50035).errors.message);
  // a forum post whose first message is refused leaves no thread behind
  const activeBefore = (await rest.get(Routes.guildActiveThreads(guild.id))).threads.length;
  err = await rejects(() => rest.post(Routes.threads(channels.help.id), { body: { name: 'empty', message: {} } }));
  assertDiscordError(err, 400, 50006);
  assert.equal((await rest.get(Routes.guildActiveThreads(guild.id))).threads.length, activeBefore);
  err = await rejects(() => rest.post(Routes.threads(channels.general.id), { body: { name: 'x', auto_archive_duration: 120 } }));
  assert.ok(assertDiscordError(err, 400, 50035).errors.auto_archive_duration);
  err = await rejects(() => rest.post(Routes.threads(channels.general.id), { body: { name: 'x', rate_limit_per_user: 99999 } }));
  assert.ok(assertDiscordError(err, 400, 50035).errors.rate_limit_per_user);
  // no thread in a voice channel, nor a thread in a thread
  err = await rejects(() => rest.post(Routes.threads(channels.Voice.id), { body: { name: 'x', type: 11 } }));
  assertDiscordError(err, 400, 50024);
  err = await rejects(() => rest.post(Routes.threads(pub.id), { body: { name: 'x', type: 11 } }));
  assertDiscordError(err, 400, 50024);
  err = await rejects(() => rest.post(Routes.threads(channels.general.id, starter.id), { body: { name: 'dup' } }));
  assertDiscordError(err, 400, 160004);

  // message_count follows deletes; deleting the thread removes it and its messages
  const m = await rest.post(Routes.channelMessages(pub.id), { body: { content: 'one' } });
  await rest.post(Routes.channelMessages(pub.id), { body: { content: 'two' } });
  assert.equal((await rest.get(Routes.channel(pub.id))).message_count, 2);
  await rest.delete(Routes.channelMessage(pub.id, m.id));
  const after1 = await rest.get(Routes.channel(pub.id));
  assert.equal(after1.message_count, 1);
  assert.equal(after1.total_message_sent, 2);
  const gone = await rest.delete(Routes.channel(pub.id));
  assert.equal(gone.id, pub.id);
  assertDiscordError(await rejects(() => rest.get(Routes.channel(pub.id))), 404, 10003);
  assertDiscordError(await rejects(() => rest.get(Routes.threadMembers(pub.id))), 404, 10003);
});

test('thread members: join and leave, add and remove others, get one (10007 when absent), list with with_member and paging', async () => {
  const { rest } = await newRun({ seed: SEED });
  const { guild, channels } = await acme(rest);
  const me = await rest.get(Routes.user('@me'));
  const who = await people(rest, guild.id);
  const t = await rest.post(Routes.threads(channels.general.id), { body: { name: 'Team', type: 11 } });

  await rest.delete(Routes.threadMembers(t.id, '@me'));
  assert.equal((await rest.get(Routes.channel(t.id))).member_count, 0);
  assertDiscordError(await rejects(() => rest.get(Routes.threadMembers(t.id, me.id))), 404, 10007);
  await rest.put(Routes.threadMembers(t.id, '@me'));
  await rest.put(Routes.threadMembers(t.id, '@me'));   // joining twice changes nothing
  for (const name of ['ada', 'grace', 'alan']) await rest.put(Routes.threadMembers(t.id, who[name]));
  assert.equal((await rest.get(Routes.channel(t.id))).member_count, 4);

  const one = await rest.get(Routes.threadMembers(t.id, who.ada));
  assertSchema('GET', '/channels/{channel_id}/thread-members/{user_id}', one);
  assert.equal(one.id, t.id);
  assert.equal(one.user_id, who.ada);
  assert.equal(one.member, undefined);
  const withMember = await rest.get(Routes.threadMembers(t.id, who.ada), { query: q({ with_member: 'true' }) });
  assert.equal(withMember.member.user.username, 'ada');

  const ids = [me.id, who.ada, who.grace, who.alan].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
  const all = await rest.get(Routes.threadMembers(t.id));
  assertSchema('GET', '/channels/{channel_id}/thread-members', all);
  assert.deepEqual(all.map((x) => x.user_id), ids);
  const page1 = await rest.get(Routes.threadMembers(t.id), { query: q({ with_member: 'true', limit: '2' }) });
  assert.deepEqual(page1.map((x) => x.user_id), ids.slice(0, 2));
  assert.ok(page1.every((x) => x.member && x.member.user.id === x.user_id));
  const page2 = await rest.get(Routes.threadMembers(t.id), { query: q({ with_member: 'true', limit: '2', after: page1[1].user_id }) });
  assert.deepEqual(page2.map((x) => x.user_id), ids.slice(2));
  assertDiscordError(await rejects(() => rest.get(Routes.threadMembers(t.id), { query: q({ limit: '0' }) })), 400, 50035);

  await rest.delete(Routes.threadMembers(t.id, who.grace));
  assert.deepEqual((await rest.get(Routes.threadMembers(t.id))).map((x) => x.user_id).includes(who.grace), false);
  assert.equal((await rest.get(Routes.channel(t.id))).member_count, 3);
  assertDiscordError(await rejects(() => rest.delete(Routes.threadMembers(t.id, who.grace))), 404, 10007);
  // someone outside the guild cannot be added; a user that does not exist is 10013
  const other = await rest.get(Routes.userGuilds());
  assert.equal(other.length, 2);
  assertDiscordError(await rejects(() => rest.put(Routes.threadMembers(t.id, '123456789012345678'))), 404, 10013);
  // thread-member routes on a channel that is not a thread
  assertDiscordError(await rejects(() => rest.put(Routes.threadMembers(channels.general.id, '@me'))), 400, 50024);

  // posting in a thread joins the poster
  await rest.delete(Routes.threadMembers(t.id, '@me'));
  await rest.post(Routes.channelMessages(t.id), { body: { content: 'back again' } });
  assert.equal((await rest.get(Routes.threadMembers(t.id, me.id))).user_id, me.id);
});

test('archiving: PATCH archived / locked, the archived listings, posting unarchives, a locked thread is 50083; active threads', async () => {
  const { rest } = await newRun({ seed: SEED });
  const { guild, channels } = await acme(rest);
  const gen = channels.general.id;
  const a = await rest.post(Routes.threads(gen), { body: { name: 'A', type: 11 } });
  const b = await rest.post(Routes.threads(gen), { body: { name: 'B', type: 11 } });
  const p = await rest.post(Routes.threads(gen), { body: { name: 'P', type: 12 } });
  const p2 = await rest.post(Routes.threads(gen), { body: { name: 'P2', type: 12 } });

  let active = await rest.get(Routes.guildActiveThreads(guild.id));
  assert.deepEqual(active.threads.map((t) => t.id).sort(), [a.id, b.id, p.id, p2.id].sort());
  assert.equal(active.members.length, 4);

  const archivedA = await rest.patch(Routes.channel(a.id), { body: { archived: true } });
  assert.equal(archivedA.thread_metadata.archived, true);
  await new Promise((r) => setTimeout(r, 5));
  await rest.patch(Routes.channel(b.id), { body: { archived: true, locked: true } });
  await rest.patch(Routes.channel(p.id), { body: { archived: true } });
  await rest.patch(Routes.channel(p2.id), { body: { archived: true } });
  active = await rest.get(Routes.guildActiveThreads(guild.id));
  assert.deepEqual(active.threads, []);

  const pub = await rest.get(Routes.channelThreads(gen, 'public'));
  assertSchema('GET', '/channels/{channel_id}/threads/archived/public', pub);
  assert.deepEqual(pub.threads.map((t) => t.id), [b.id, a.id]);   // most recently archived first
  assert.equal(pub.members.length, 2);
  assert.equal(pub.has_more, false);
  const first = await rest.get(Routes.channelThreads(gen, 'public'), { query: q({ limit: '1' }) });
  assert.deepEqual(first.threads.map((t) => t.id), [b.id]);
  assert.equal(first.has_more, true);
  const older = await rest.get(Routes.channelThreads(gen, 'public'), { query: q({ before: first.threads[0].thread_metadata.archive_timestamp }) });
  assert.deepEqual(older.threads.map((t) => t.id), [a.id]);
  assertDiscordError(await rejects(() => rest.get(Routes.channelThreads(gen, 'public'), { query: q({ before: 'yesterday' }) })), 400, 50035);

  const priv = await rest.get(Routes.channelThreads(gen, 'private'));
  assertSchema('GET', '/channels/{channel_id}/threads/archived/private', priv);
  assert.deepEqual(priv.threads.map((t) => t.id).sort(), [p.id, p2.id].sort());
  // the bot's joined private archived threads, by id newest first; before is a thread id
  await rest.patch(Routes.channel(p2.id), { body: { archived: false } });
  await rest.delete(Routes.threadMembers(p2.id, '@me'));
  await rest.patch(Routes.channel(p2.id), { body: { archived: true } });
  const mine = await rest.get(Routes.channelJoinedArchivedThreads(gen));
  assertSchema('GET', '/channels/{channel_id}/users/@me/threads/archived/private', mine);
  assert.deepEqual(mine.threads.map((t) => t.id), [p.id]);
  assert.deepEqual((await rest.get(Routes.channelJoinedArchivedThreads(gen), { query: q({ before: p.id }) })).threads, []);

  // an archived thread takes no edit unless it is unarchived; joining it is 50083
  assertDiscordError(await rejects(() => rest.patch(Routes.channel(a.id), { body: { name: 'renamed' } })), 400, 50083);
  assertDiscordError(await rejects(() => rest.put(Routes.threadMembers(a.id, '@me'))), 400, 50083);
  // posting in an archived (unlocked) thread unarchives it
  const msg = await rest.post(Routes.channelMessages(a.id), { body: { content: 'revive' } });
  assert.equal(msg.channel_id, a.id);
  assert.equal((await rest.get(Routes.channel(a.id))).thread_metadata.archived, false);
  // the bot holds MANAGE_THREADS here (ADMINISTRATOR), so it may post in the locked thread, which unarchives it
  await rest.post(Routes.channelMessages(b.id), { body: { content: 'moderator note' } });
  const bNow = await rest.get(Routes.channel(b.id));
  assert.equal(bNow.thread_metadata.archived, false);
  assert.equal(bNow.thread_metadata.locked, true);
  active = await rest.get(Routes.guildActiveThreads(guild.id));
  assertSchema('GET', '/guilds/{guild_id}/threads/active', active);
  assert.deepEqual(active.threads.map((t) => t.id).sort(), [a.id, b.id].sort());
  // lists are of threads only
  assertDiscordError(await rejects(() => rest.get(Routes.channelThreads(a.id, 'public'))), 400, 50024);
});

const THREAD_BOT = bits(P.ViewChannel, P.SendMessages, P.ReadMessageHistory, P.ManageRoles, P.CreatePublicThreads,
  P.CreatePrivateThreads, P.SendMessagesInThreads, P.ManageThreads);

function guardedSeed(channels) {
  return {
    bot: { username: 'Thread Bot', permissions: THREAD_BOT },
    guilds: [{
      name: 'Guarded',
      owner: 'olive',
      roles: [{ name: '@everyone', permissions: '0' }],
      members: [{ username: 'olive' }, { username: 'pat' }],
      channels,
    }],
  };
}

async function guarded(rest) {
  const [guild] = await rest.get(Routes.userGuilds());
  const channels = Object.fromEntries((await rest.get(Routes.guildChannels(guild.id))).map((c) => [c.name, c]));
  const me = await rest.get(Routes.user('@me'));
  return { guild, channels, me, who: await people(rest, guild.id) };
}

const deny = (rest, channelId, userId, ...flags) =>
  rest.put(Routes.channelPermission(channelId, userId), { body: { type: 1, deny: bits(...flags) } });

test('thread permissions: CREATE_PUBLIC/PRIVATE_THREADS, SEND_MESSAGES_IN_THREADS, MANAGE_THREADS for locking and removing; private threads hide', async () => {
  const { rest } = await newRun({ seed: guardedSeed([{ name: 'a' }, { name: 'b' }, { name: 'c' }, { name: 'd' }]) });
  const { channels, me, who } = await guarded(rest);

  // creating public threads takes CREATE_PUBLIC_THREADS, private ones CREATE_PRIVATE_THREADS
  await deny(rest, channels.a.id, me.id, P.CreatePublicThreads);
  const [starter] = [await rest.post(Routes.channelMessages(channels.a.id), { body: { content: 'start' } })];
  assertDiscordError(await rejects(() => rest.post(Routes.threads(channels.a.id), { body: { name: 'x', type: 11 } })), 403, 50013);
  assertDiscordError(await rejects(() => rest.post(Routes.threads(channels.a.id, starter.id), { body: { name: 'x' } })), 403, 50013);
  const privA = await rest.post(Routes.threads(channels.a.id), { body: { name: 'private ok', type: 12 } });
  assert.equal(privA.type, 12);
  await deny(rest, channels.b.id, me.id, P.CreatePrivateThreads);
  assertDiscordError(await rejects(() => rest.post(Routes.threads(channels.b.id), { body: { name: 'x', type: 12 } })), 403, 50013);

  // inside a thread SEND_MESSAGES_IN_THREADS counts, not SEND_MESSAGES
  const tc = await rest.post(Routes.threads(channels.c.id), { body: { name: 'talk', type: 11 } });
  await deny(rest, channels.c.id, me.id, P.SendMessages);
  assertDiscordError(await rejects(() => rest.post(Routes.channelMessages(channels.c.id), { body: { content: 'x' } })), 403, 50013);
  assert.equal((await rest.post(Routes.channelMessages(tc.id), { body: { content: 'in thread' } })).content, 'in thread');
  await deny(rest, channels.c.id, me.id, P.SendMessagesInThreads);
  assertDiscordError(await rejects(() => rest.post(Routes.channelMessages(tc.id), { body: { content: 'x' } })), 403, 50013);
  assertDiscordError(await rejects(() => rest.put(Routes.threadMembers(tc.id, who.pat))), 403, 50013);

  // locked without MANAGE_THREADS: posting is 50083, unarchiving 160005, unlocking 50013
  const td = await rest.post(Routes.threads(channels.d.id), { body: { name: 'locked one', type: 11 } });
  const other = await rest.post(Routes.threads(channels.d.id), { body: { name: 'pat\'s', type: 11 } });
  await rest.put(Routes.threadMembers(other.id, who.pat));
  await rest.patch(Routes.channel(td.id), { body: { locked: true } });
  await deny(rest, channels.d.id, me.id, P.ManageThreads);
  const err = assertDiscordError(await rejects(() => rest.post(Routes.channelMessages(td.id), { body: { content: 'x' } })), 400, 50083);
  assert.equal(err.message, 'Thread is archived');
  assertDiscordError(await rejects(() => rest.patch(Routes.channel(td.id), { body: { locked: false } })), 403, 50013);
  await rest.patch(Routes.channel(td.id), { body: { archived: true } });   // the bot owns the thread
  assertDiscordError(await rejects(() => rest.patch(Routes.channel(td.id), { body: { archived: false } })), 400, 160005);
  // removing someone else takes MANAGE_THREADS (the bot does not own a public thread's members)
  assertDiscordError(await rejects(() => rest.delete(Routes.threadMembers(other.id, who.pat))), 403, 50013);
  assert.equal((await rest.get(Routes.threadMembers(other.id, who.pat))).user_id, who.pat);

  // a private thread the bot left is hidden without MANAGE_THREADS
  const hidden = await rest.post(Routes.threads(channels.d.id), { body: { name: 'secret', type: 12 } });
  await rest.delete(Routes.threadMembers(hidden.id, '@me'));
  assertDiscordError(await rejects(() => rest.get(Routes.channel(hidden.id))), 403, 50001);
  const [guild] = await rest.get(Routes.userGuilds());
  const active = await rest.get(Routes.guildActiveThreads(guild.id));
  assert.ok(!active.threads.some((t) => t.id === hidden.id));
  assert.ok(active.threads.some((t) => t.id === other.id));
  // the private archived list takes MANAGE_THREADS
  assertDiscordError(await rejects(() => rest.get(Routes.channelThreads(channels.d.id, 'private'))), 403, 50013);
  assert.equal((await rest.get(Routes.channelThreads(channels.d.id, 'public'))).threads[0].id, td.id);
});

test('slowmode: with bot_slowmode the parent\'s rate_limit_per_user holds thread creation apart from messages', async () => {
  const botPerms = bits(P.ViewChannel, P.SendMessages, P.ReadMessageHistory, P.CreatePublicThreads, P.SendMessagesInThreads);
  const ctx = await newRun({
    seed: { ...guardedSeed([{ name: 'slow', rate_limit_per_user: 30 }]), bot: { username: 'Thread Bot', permissions: botPerms } },
    config: { bot_slowmode: true },
  });
  const { channels } = await guarded(ctx.rest);
  const slow = channels.slow.id;
  const t = await ctx.rest.post(Routes.threads(slow), { body: { name: 'first', type: 11 } });
  const r = await raw(ctx, 'POST', `/api/v10/channels/${slow}/threads`, { body: { name: 'second', type: 11 } });
  assert.equal(r.status, 429);
  assert.equal(r.json.code, 20016);
  assert.ok(r.json.retry_after > 25 && r.json.retry_after <= 30);
  // a message still goes through: Discord counts one message and one thread per interval
  assert.equal((await raw(ctx, 'POST', `/api/v10/channels/${slow}/messages`, { body: { content: 'hi' } })).status, 200);
  // the thread has no slowmode of its own
  assert.equal((await raw(ctx, 'POST', `/api/v10/channels/${t.id}/messages`, { body: { content: 'a' } })).status, 200);
  assert.equal((await raw(ctx, 'POST', `/api/v10/channels/${t.id}/messages`, { body: { content: 'b' } })).status, 200);
  // a refused creation left no thread behind
  const [guild] = await ctx.rest.get(Routes.userGuilds());
  assert.deepEqual((await ctx.rest.get(Routes.guildActiveThreads(guild.id))).threads.map((x) => x.name), ['first']);
  await admin(ctx, 'PATCH', '/admin/config', { bot_slowmode: false });
  assert.equal((await ctx.rest.post(Routes.threads(slow), { body: { name: 'free', type: 11 } })).name, 'free');
});

// ---- auto-archiving, on the twin's clock (advanced through <admin>/admin/clock) ----

const MINUTE = 60_000;
const ms = (iso) => Date.parse(iso);
const snowflakeMs = (id) => Number((BigInt(id) >> 22n) + 1420070400000n);

async function advance(ctx, minutes) {
  const r = await admin(ctx, 'POST', '/admin/clock', { advance_seconds: minutes * 60 });
  assert.equal(r.status, 200, r.text);
  return r.json;
}

test('auto-archiving: a thread left auto_archive_duration minutes without activity is archived, listed as such, and a post revives it', async () => {
  const ctx = await newRun({ seed: SEED });
  const { rest } = ctx;
  const { guild, channels } = await acme(rest);
  const gen = channels.general.id;
  const clock = await admin(ctx, 'GET', '/admin/clock');
  assert.equal(clock.status, 200);
  assert.equal(clock.json.offset_seconds, 0);
  assert.ok(Math.abs(ms(clock.json.now) - Date.now()) < 60_000);

  const hour = await rest.post(Routes.threads(gen), { body: { name: 'hour', type: 11, auto_archive_duration: 60 } });
  const talk = await rest.post(Routes.threads(gen), { body: { name: 'talk', type: 11, auto_archive_duration: 60 } });
  const days = await rest.post(Routes.threads(gen), { body: { name: 'days', type: 11 } });   // 4320 by default
  const priv = await rest.post(Routes.threads(gen), { body: { name: 'private hour', type: 12, auto_archive_duration: 60 } });

  await advance(ctx, 30);
  const said = await rest.post(Routes.channelMessages(talk.id), { body: { content: 'still here' } });
  await advance(ctx, 31);   // 61 minutes after creation, 31 after the message in talk

  const lapsed = await rest.get(Routes.channel(hour.id));
  assert.equal(lapsed.thread_metadata.archived, true);
  assert.equal(lapsed.thread_metadata.locked, false);
  // archived at the moment it lapsed: an hour after its creation stamp
  assert.equal(ms(lapsed.thread_metadata.archive_timestamp), ms(hour.thread_metadata.archive_timestamp) + 60 * MINUTE);
  let active = await rest.get(Routes.guildActiveThreads(guild.id));
  assert.deepEqual(active.threads.map((t) => t.id).sort(), [talk.id, days.id].sort());
  let pub = await rest.get(Routes.channelThreads(gen, 'public'));
  assert.deepEqual(pub.threads.map((t) => t.id), [hour.id]);
  assert.equal(pub.threads[0].thread_metadata.archived, true);
  const privList = await rest.get(Routes.channelThreads(gen, 'private'));
  assert.deepEqual(privList.threads.map((t) => t.id), [priv.id]);
  // an auto-archived thread takes no edit or join, like one archived by hand
  assertDiscordError(await rejects(() => rest.patch(Routes.channel(hour.id), { body: { name: 'renamed' } })), 400, 50083);
  assertDiscordError(await rejects(() => rest.put(Routes.threadMembers(hour.id, '@me'))), 400, 50083);

  // the message counted as activity: talk lapses an hour after it
  await advance(ctx, 30);
  const talkNow = await rest.get(Routes.channel(talk.id));
  assert.equal(talkNow.thread_metadata.archived, true);
  assert.equal(ms(talkNow.thread_metadata.archive_timestamp), snowflakeMs(said.id) + 60 * MINUTE);
  pub = await rest.get(Routes.channelThreads(gen, 'public'));
  assert.deepEqual(pub.threads.map((t) => t.id), [talk.id, hour.id]);   // most recently archived first
  assert.equal((await rest.get(Routes.channel(days.id))).thread_metadata.archived, false);

  // posting in an auto-archived, unlocked thread unarchives it and restarts the countdown
  const revived = await rest.post(Routes.channelMessages(hour.id), { body: { content: 'back again' } });
  const hourNow = await rest.get(Routes.channel(hour.id));
  assert.equal(hourNow.thread_metadata.archived, false);
  assert.ok(ms(hourNow.thread_metadata.archive_timestamp) >= snowflakeMs(revived.id) - 1000);
  active = await rest.get(Routes.guildActiveThreads(guild.id));
  assert.deepEqual(active.threads.map((t) => t.id).sort(), [hour.id, days.id].sort());

  // three days without activity archive the default thread
  await advance(ctx, 3 * 24 * 60);
  const daysNow = await rest.get(Routes.channel(days.id));
  assert.equal(daysNow.thread_metadata.archived, true);
  assert.equal(ms(daysNow.thread_metadata.archive_timestamp), ms(days.thread_metadata.archive_timestamp) + 4320 * MINUTE);
  assert.deepEqual((await rest.get(Routes.guildActiveThreads(guild.id))).threads, []);
});

test('auto-archiving: changing auto_archive_duration restarts the countdown; a locked thread stays archived for a bot without MANAGE_THREADS', async () => {
  const ctx = await newRun({ seed: guardedSeed([{ name: 'a' }]) });
  const { rest } = ctx;
  const { channels, me } = await guarded(rest);
  const t = await rest.post(Routes.threads(channels.a.id), { body: { name: 'day', type: 11, auto_archive_duration: 1440 } });
  const locked = await rest.post(Routes.threads(channels.a.id), { body: { name: 'locked', type: 11, auto_archive_duration: 60 } });
  await rest.patch(Routes.channel(locked.id), { body: { locked: true } });

  await advance(ctx, 50);
  const changed = await rest.patch(Routes.channel(t.id), { body: { auto_archive_duration: 60 } });
  assert.equal(changed.thread_metadata.auto_archive_duration, 60);
  assert.ok(ms(changed.thread_metadata.archive_timestamp) >= ms(t.thread_metadata.archive_timestamp) + 50 * MINUTE);
  await advance(ctx, 20);   // 70 minutes after creation but 20 after the change
  assert.equal((await rest.get(Routes.channel(t.id))).thread_metadata.archived, false);
  await advance(ctx, 41);
  assert.equal((await rest.get(Routes.channel(t.id))).thread_metadata.archived, true);

  // the locked thread lapsed too; without MANAGE_THREADS a post cannot revive it
  await deny(rest, channels.a.id, me.id, P.ManageThreads);
  assertDiscordError(await rejects(() => rest.post(Routes.channelMessages(locked.id), { body: { content: 'x' } })), 400, 50083);
  const still = await rest.get(Routes.channel(locked.id));
  assert.equal(still.thread_metadata.archived, true);
  assert.equal(still.thread_metadata.locked, true);
  assert.deepEqual((await rest.get(Routes.channelThreads(channels.a.id, 'public'))).threads.map((x) => x.id).sort(),
    [t.id, locked.id].sort());

  // the clock only moves forward, by 1 s to 366 days
  for (const bad of [0, -60, 'soon', 366 * 86400 + 1]) {
    const r = await admin(ctx, 'POST', '/admin/clock', { advance_seconds: bad });
    assert.equal(r.status, 400, `advance_seconds ${bad}`);
    assert.match(r.json.detail, /advance_seconds/);
  }
  assert.equal((await admin(ctx, 'GET', '/admin/clock')).json.offset_seconds, 111 * 60);
});
