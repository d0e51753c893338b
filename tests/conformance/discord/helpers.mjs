// Shared set-up for the Discord conformance tests: one twins server
// (tests/lib/fixture.mjs, or TWINS_URL), a run per scenario, the official
// @discordjs/rest client pointed at the run's Discord twin
// (new REST({ api: base + '/api' })), and schema checks against Discord's
// official OpenAPI description.
import assert from 'node:assert/strict';
import { REST, DiscordAPIError, RateLimitError } from '@discordjs/rest';
import { Routes } from 'discord-api-types/v10';
import * as fx from '../../lib/fixture.mjs';

export { REST, DiscordAPIError, RateLimitError, Routes };
export { stopServer, rejects } from '../../lib/fixture.mjs';

export const SEED = {
  bot: { username: 'Deploy Bot' },
  guilds: [{
    name: 'Acme HQ',
    roles: [{ name: 'Moderators', permissions: '8' }, { name: 'Builders' }],
    members: [{ username: 'ada', roles: ['Moderators'] }, { username: 'grace' }, { username: 'alan', roles: ['Builders'] }],
    channels: [
      { name: 'general', topic: 'Everything', messages: [{ content: 'Welcome!' }, { content: 'Hi all', author: 'ada' }, 'Plain string message'] },
      { name: 'deploys', messages: [{ content: 'v1.0 shipped' }] },
      { name: 'Voice', type: 'voice' },
    ],
  }, { name: 'Side Project', channels: [{ name: 'chat' }] }],
};

/** A fresh run; with seed, PUT /admin/config {seed}.  Returns ctx with rest, token. */
export async function newRun({ seed, config = {}, restOptions = {} } = {}) {
  const ctx = await fx.newTwinRun('discord');
  const token = ctx.env.DISCORD_BOT_TOKEN;
  if (seed || Object.keys(config).length) {
    const r = await fx.admin(ctx, 'PUT', '/admin/config', seed ? { ...config, seed } : config);
    assert.equal(r.status, 200, r.text);
  }
  return { ...ctx, token, rest: client(ctx.base, token, restOptions) };
}

export function client(base, token, opts = {}) {
  const rest = new REST({ api: base + '/api', retries: 0, timeout: 10_000, ...opts });
  return token ? rest.setToken(token) : rest;
}

export const admin = (ctx, method, path, body) => fx.admin(ctx, method, path, body);

export const raw = fx.rawWith((ctx) => `Bot ${ctx.token}`);

export const assertSchema = (method, template, body) =>
  fx.assertSchema('discord', method, '/api/v10' + template, body, { name: 'Discord' });

/** Asserts a DiscordAPIError with Discord's status and JSON error code. */
export function assertDiscordError(err, status, code) {
  assert.ok(err instanceof DiscordAPIError, `not a DiscordAPIError: ${err?.stack || err}`);
  assert.equal(err.status, status);
  assert.equal(err.code, code);
  assert.equal(err.rawError.code, code);
  assert.equal(typeof err.rawError.message, 'string');
  return err.rawError;
}

/** The first seeded guild and its channels by name. */
export async function acme(rest) {
  const guilds = await rest.get(Routes.userGuilds());
  const guild = guilds.find((g) => g.name === 'Acme HQ');
  const channels = await rest.get(Routes.guildChannels(guild.id));
  const byName = Object.fromEntries(channels.map((c) => [c.name, c]));
  return { guild, channels: byName };
}
