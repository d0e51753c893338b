// Discord twin conformance: permissions (base, ADMINISTRATOR, owner, channel
// overwrites in Discord's order, role hierarchy) through @discordjs/rest.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { PermissionFlagsBits as P } from 'discord-api-types/v10';
import { Routes, admin, assertDiscordError, newRun, rejects, stopServer } from './helpers.mjs';

after(stopServer);

const bits = (...flags) => String(flags.reduce((a, b) => a | b, 0n));
const BOT = 'Perm Bot';

/** A guild owned by olive where @everyone has no permissions (Discord's default
 * grants much); the bot holds a managed role with botPerms (or bot_roles instead). */
function seed({ botPerms, botRoles, roles = [{ name: '@everyone', permissions: '0' }], members = [], channels }) {
  return {
    bot: { username: BOT, ...(botPerms ? { permissions: botPerms } : {}) },
    guilds: [{
      name: 'Guarded',
      owner: 'olive',
      roles,
      members: [{ username: 'olive' }, ...members],
      ...(botRoles ? { bot_roles: botRoles } : {}),
      channels,
    }],
  };
}

async function world(rest) {
  const [guild] = await rest.get(Routes.userGuilds());
  const channels = Object.fromEntries((await rest.get(Routes.guildChannels(guild.id))).map((c) => [c.name, c]));
  const roles = Object.fromEntries((await rest.get(Routes.guildRoles(guild.id))).map((r) => [r.name, r]));
  const members = await rest.get(Routes.guildMembers(guild.id), { query: new URLSearchParams({ limit: '100' }) });
  const member = Object.fromEntries(members.map((m) => [m.user.username, m]));
  const me = await rest.get(Routes.user('@me'));
  return { guild, channels, roles, member, me };
}

const SENDER = bits(P.ViewChannel, P.SendMessages, P.ReadMessageHistory, P.AddReactions, P.ManageRoles, P.ManageChannels);

test('overwrites: @everyone deny SEND_MESSAGES is 403 / 50013; no VIEW_CHANNEL is 50001; PUT/DELETE permissions are stateful', async () => {
  const { rest } = await newRun({
    seed: seed({
      botPerms: SENDER,
      channels: [
        { name: 'general', messages: ['hello'] },
        { name: 'announcements', permission_overwrites: [{ role: '@everyone', deny: bits(P.SendMessages) }] },
        { name: 'secret', permission_overwrites: [{ role: '@everyone', deny: bits(P.ViewChannel) }] },
      ],
    }),
  });
  const { guild, channels, roles, me } = await world(rest);
  assert.equal(guild.owner, false);
  assert.equal(guild.permissions, SENDER, 'the guild list shows the bot\'s computed permissions');
  const botRole = roles[BOT];
  assert.equal(botRole.managed, true);
  assert.equal(botRole.tags.bot_id, me.id);
  // sending where @everyone may not
  let err = await rejects(() => rest.post(Routes.channelMessages(channels.announcements.id), { body: { content: 'x' } }));
  assert.equal(assertDiscordError(err, 403, 50013).message, 'Missing Permissions');
  assert.equal((await rest.post(Routes.channelMessages(channels.general.id), { body: { content: 'ok' } })).content, 'ok');
  // a channel the bot cannot see
  err = await rejects(() => rest.get(Routes.channelMessages(channels.secret.id)));
  assert.equal(assertDiscordError(err, 403, 50001).message, 'Missing Access');
  // the bot denies its own role ADD_REACTIONS in #general through the API
  await rest.put(Routes.channelPermission(channels.general.id, botRole.id), { body: { type: 0, deny: bits(P.AddReactions) } });
  const stored = (await rest.get(Routes.channel(channels.general.id))).permission_overwrites;
  assert.deepEqual(stored, [{ id: botRole.id, type: 0, allow: '0', deny: bits(P.AddReactions) }]);
  const [msg] = await rest.get(Routes.channelMessages(channels.general.id), { query: new URLSearchParams({ limit: '1' }) });
  err = await rejects(() => rest.put(Routes.channelMessageOwnReaction(channels.general.id, msg.id, '👍')));
  assertDiscordError(err, 403, 50013);
  // an overwrite may only carry permissions the bot has itself
  err = await rejects(() => rest.put(Routes.channelPermission(channels.general.id, guild.id), { body: { type: 0, allow: bits(P.BanMembers) } }));
  assertDiscordError(err, 403, 50013);
  // without READ_MESSAGE_HISTORY the channel answers no messages
  await rest.put(Routes.channelPermission(channels.general.id, me.id), { body: { type: 1, deny: bits(P.ReadMessageHistory) } });
  assert.deepEqual(await rest.get(Routes.channelMessages(channels.general.id)), []);
  // deleting the overwrites restores both
  await rest.delete(Routes.channelPermission(channels.general.id, botRole.id));
  await rest.delete(Routes.channelPermission(channels.general.id, me.id));
  assert.deepEqual((await rest.get(Routes.channel(channels.general.id))).permission_overwrites, []);
  await rest.put(Routes.channelMessageOwnReaction(channels.general.id, msg.id, '👍'));
  assert.equal((await rest.get(Routes.channelMessages(channels.general.id))).length, 2);
  // an overwrite for an unknown role, and a missing type
  err = await rejects(() => rest.put(Routes.channelPermission(channels.general.id, '123456789012345678'), { body: { type: 0 } }));
  assertDiscordError(err, 404, 10011);
  err = await rejects(() => rest.put(Routes.channelPermission(channels.general.id, botRole.id), { body: { allow: '0' } }));
  assert.ok(assertDiscordError(err, 400, 50035).errors.type);
});

test('a bot without the guild permission gets 50013: channels, bans, kicks, webhooks, invites, emojis, pins, bulk delete', async () => {
  const { rest } = await newRun({
    seed: seed({
      botPerms: bits(P.ViewChannel, P.SendMessages, P.ReadMessageHistory),
      members: [{ username: 'lee' }],
      channels: [{ name: 'general', messages: [{ content: 'from lee', author: 'lee' }] }],
    }),
  });
  const { guild, channels, member } = await world(rest);
  const general = channels.general.id;
  const [msg] = await rest.get(Routes.channelMessages(general));
  const img = 'data:image/png;base64,iVBORw0KGgo=';
  const denied = [
    () => rest.post(Routes.guildChannels(guild.id), { body: { name: 'new' } }),
    () => rest.patch(Routes.channel(general), { body: { topic: 't' } }),
    () => rest.delete(Routes.channel(general)),
    () => rest.put(Routes.guildBan(guild.id, member.lee.user.id)),
    () => rest.get(Routes.guildBans(guild.id)),
    () => rest.delete(Routes.guildMember(guild.id, member.lee.user.id)),
    () => rest.post(Routes.channelWebhooks(general), { body: { name: 'hook' } }),
    () => rest.post(Routes.channelInvites(general), { body: {} }),
    () => rest.post(Routes.guildEmojis(guild.id), { body: { name: 'party', image: img } }),
    () => rest.put(Routes.channelPin(general, msg.id)),
    () => rest.delete(Routes.channelMessage(general, msg.id)),
    () => rest.post(Routes.channelBulkDelete(general), { body: { messages: [msg.id, msg.id] } }),
    () => rest.post(Routes.guildRoles(guild.id), { body: { name: 'r' } }),
    () => rest.patch(Routes.guild(guild.id), { body: { name: 'Renamed' } }),
  ];
  for (const call of denied) assertDiscordError(await rejects(call), 403, 50013);
  // nothing changed
  assert.equal((await rest.get(Routes.channelMessages(general))).length, 1);
  assert.ok(await rest.get(Routes.guildMember(guild.id, member.lee.user.id)));
  // its own message the bot may delete without MANAGE_MESSAGES
  const mine = await rest.post(Routes.channelMessages(general), { body: { content: 'mine' } });
  await rest.delete(Routes.channelMessage(general, mine.id));
});

test('ADMINISTRATOR bypasses channel overwrites; the default managed role is ADMINISTRATOR', async () => {
  const { rest } = await newRun({
    seed: seed({
      channels: [{ name: 'locked', permission_overwrites: [
        { role: '@everyone', deny: bits(P.ViewChannel, P.SendMessages) },
        { member: BOT, deny: bits(P.ViewChannel, P.SendMessages, P.ReadMessageHistory) },
      ] }],
    }),
  });
  const { guild, channels, roles } = await world(rest);
  assert.equal(roles[BOT].permissions, bits(P.Administrator));
  assert.equal(BigInt(guild.permissions) & P.Administrator, P.Administrator);
  const m = await rest.post(Routes.channelMessages(channels.locked.id), { body: { content: 'admin speaks' } });
  assert.deepEqual((await rest.get(Routes.channelMessages(channels.locked.id))).map((x) => x.id), [m.id]);
  await rest.post(Routes.channelWebhooks(channels.locked.id), { body: { name: 'hook' } });
});

test('member overwrite beats role overwrite, role overwrites beat @everyone', async () => {
  const { rest } = await newRun({
    seed: seed({
      botPerms: bits(P.ViewChannel, P.ReadMessageHistory),
      channels: [
        // role allows, member denies: denied
        { name: 'member-deny', permission_overwrites: [
          { role: BOT, allow: bits(P.SendMessages) }, { member: BOT, deny: bits(P.SendMessages) }] },
        // role denies, member allows: allowed
        { name: 'member-allow', permission_overwrites: [
          { role: BOT, deny: bits(P.SendMessages) }, { member: BOT, allow: bits(P.SendMessages) }] },
        // @everyone denies, the bot's role allows: allowed
        { name: 'role-over-everyone', permission_overwrites: [
          { role: '@everyone', deny: bits(P.SendMessages) }, { role: BOT, allow: bits(P.SendMessages) }] },
        { name: 'plain' },
      ],
    }),
  });
  const { channels } = await world(rest);
  const send = (name) => rest.post(Routes.channelMessages(channels[name].id), { body: { content: name } });
  assertDiscordError(await rejects(() => send('member-deny')), 403, 50013);
  assert.equal((await send('member-allow')).content, 'member-allow');
  assert.equal((await send('role-over-everyone')).content, 'role-over-everyone');
  assertDiscordError(await rejects(() => send('plain')), 403, 50013);   // the role grants no SEND_MESSAGES
});

test('role hierarchy: the bot manages only roles and members below its highest role; never the owner', async () => {
  const mod = bits(P.ViewChannel, P.SendMessages, P.ManageRoles, P.KickMembers, P.BanMembers, P.ManageNicknames);
  const { rest } = await newRun({
    seed: seed({
      botRoles: ['Mods'],
      roles: [{ name: '@everyone', permissions: '0' }, { name: 'Helpers', permissions: bits(P.ViewChannel) }, { name: 'Mods', permissions: mod },
        { name: 'Admins', permissions: bits(P.Administrator) }],
      members: [{ username: 'max', roles: ['Admins'] }, { username: 'lee', roles: ['Helpers'] }, { username: 'kim' }],
      channels: [{ name: 'general' }],
    }),
  });
  const { guild, roles, member } = await world(rest);
  assert.equal(roles[BOT], undefined, 'with bot_roles and no bot.permissions there is no managed role');
  const [lee, max, kim, olive] = ['lee', 'max', 'kim', 'olive'].map((n) => member[n].user.id);
  // roles below Mods: fine; Mods itself and Admins: 50013
  await rest.put(Routes.guildMemberRole(guild.id, kim, roles.Helpers.id));
  assert.deepEqual((await rest.get(Routes.guildMember(guild.id, kim))).roles, [roles.Helpers.id]);
  for (const role of [roles.Admins, roles.Mods]) {
    assertDiscordError(await rejects(() => rest.put(Routes.guildMemberRole(guild.id, kim, role.id))), 403, 50013);
    assertDiscordError(await rejects(() => rest.patch(Routes.guildRole(guild.id, role.id), { body: { name: 'x' } })), 403, 50013);
    assertDiscordError(await rejects(() => rest.delete(Routes.guildRole(guild.id, role.id))), 403, 50013);
  }
  assertDiscordError(await rejects(() => rest.patch(Routes.guildMember(guild.id, kim), { body: { roles: [roles.Admins.id] } })), 403, 50013);
  assert.equal((await rest.patch(Routes.guildRole(guild.id, roles.Helpers.id), { body: { name: 'Helpers+' } })).name, 'Helpers+');
  // members above the bot, and the owner, cannot be kicked, banned or renamed
  for (const uid of [max, olive]) {
    assertDiscordError(await rejects(() => rest.delete(Routes.guildMember(guild.id, uid))), 403, 50013);
    assertDiscordError(await rejects(() => rest.put(Routes.guildBan(guild.id, uid))), 403, 50013);
    assertDiscordError(await rejects(() => rest.patch(Routes.guildMember(guild.id, uid), { body: { nick: 'n' } })), 403, 50013);
  }
  await rest.patch(Routes.guildMember(guild.id, lee), { body: { nick: 'Lee' } });
  await rest.delete(Routes.guildMember(guild.id, lee));
  assertDiscordError(await rejects(() => rest.get(Routes.guildMember(guild.id, lee))), 404, 10007);
  // a new role lands at position 1, below the bot, so the bot can edit it; it cannot grant what it lacks
  const fresh = await rest.post(Routes.guildRoles(guild.id), { body: { name: 'Fresh', permissions: bits(P.KickMembers) } });
  assert.equal(fresh.position, 1);
  assert.equal((await rest.patch(Routes.guildRole(guild.id, fresh.id), { body: { name: 'Fresher' } })).name, 'Fresher');
  assertDiscordError(await rejects(() => rest.post(Routes.guildRoles(guild.id), { body: { name: 'Boss', permissions: bits(P.Administrator) } })), 403, 50013);
  assertDiscordError(await rejects(() => rest.patch(Routes.guildRole(guild.id, fresh.id), { body: { permissions: bits(P.ManageGuild) } })), 403, 50013);
});

test('seeds: a bad permission set or unknown overwrite target names the field', async () => {
  const ctx = await newRun();
  let r = await admin(ctx, 'PUT', '/admin/config', { seed: { guilds: [{ name: 'Ok', roles: [{ name: 'R', permissions: 'lots' }] }] } });
  assert.equal(r.status, 400);
  assert.match(r.json.detail, /roles\[0\]\.permissions/);
  r = await admin(ctx, 'PUT', '/admin/config', { seed: { guilds: [{ name: 'Ok', channels: [{ name: 'c', permission_overwrites: [{ role: 'Ghost', deny: '2048' }] }] }] } });
  assert.equal(r.status, 400);
  assert.match(r.json.detail, /permission_overwrites\[0\]/);
  r = await admin(ctx, 'PUT', '/admin/config', { seed: { guilds: [{ name: 'Ok', bot_roles: ['Nope'] }] } });
  assert.equal(r.status, 400);
  assert.match(r.json.detail, /bot_roles/);
});
