// Slack twin: search.messages through the official @slack/web-api client —
// words, phrases, exclusions, in: / from: / date / has: modifiers, visibility
// of private conversations, sorting and paging.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { newRun, client, admin, api, assertSchema, rejects, stopServer } from './helpers.mjs';

after(stopServer);

const errorOf = async (fn) => (await rejects(fn)).data.error;
const texts = (r) => r.messages.matches.map((m) => m.text);

async function workspace() {
  const ctx = await newRun();
  const ops = (await ctx.user.conversations.create({ name: 'ops' })).channel.id;
  const dev = (await ctx.user.conversations.create({ name: 'dev' })).channel.id;
  await ctx.bot.conversations.join({ channel: ops });
  const m1 = await ctx.user.chat.postMessage({ channel: ops, text: 'Deploy failed on staging' });
  await ctx.bot.chat.postMessage({ channel: ops, text: 'deploy finished: https://ci.example/run/7' });
  await ctx.user.chat.postMessage({ channel: dev, text: 'the deploy pipeline needs a review' });
  await ctx.user.chat.postMessage({ channel: dev, text: 'lunch?' });
  await ctx.user.chat.postMessage({ channel: ops, text: 'reply about deploy deploy', thread_ts: m1.ts });
  return { ctx, ops, dev, m1 };
}

test('search.messages finds the words in every visible conversation, with Slack\'s match shape', async () => {
  const { ctx, ops, m1 } = await workspace();
  const r = await ctx.user.search.messages({ query: 'deploy' });
  assertSchema('search.messages', r);
  assert.equal(r.query, 'deploy');
  assert.equal(r.messages.total, 4);
  // Score first: the reply says "deploy" twice.
  assert.equal(r.messages.matches[0].text, 'reply about deploy deploy');
  const hit = r.messages.matches.find((m) => m.ts === m1.ts);
  assert.equal(hit.channel.id, ops);
  assert.equal(hit.channel.name, 'ops');
  assert.equal(hit.channel.is_private, false);
  assert.equal(hit.user, 'UTWINUSR');
  assert.equal(hit.type, 'message');
  assert.equal(hit.permalink, (await ctx.user.chat.getPermalink({ channel: ops, message_ts: m1.ts })).permalink);
  assert.ok(hit.username);
  // System messages (joins) are not searchable.
  assert.equal((await ctx.user.search.messages({ query: 'joined' })).messages.total, 0);

  assert.deepEqual(texts(await ctx.user.search.messages({ query: '"deploy failed"' })), ['Deploy failed on staging']);
  assert.deepEqual(texts(await ctx.user.search.messages({ query: 'deploy -staging -reply -pipeline' })), ['deploy finished: https://ci.example/run/7']);
  assert.deepEqual(texts(await ctx.user.search.messages({ query: 'deploy in:#dev' })), ['the deploy pipeline needs a review']);
  assert.deepEqual(texts(await ctx.user.search.messages({ query: `deploy in:<#${ops}|ops> from:<@UTWINBOT>` })), ['deploy finished: https://ci.example/run/7']);
  assert.deepEqual(texts(await ctx.user.search.messages({ query: 'has:link' })), ['deploy finished: https://ci.example/run/7']);
  assert.deepEqual(texts(await ctx.user.search.messages({ query: 'deploy is:thread sort:x', sort: 'timestamp', sort_dir: 'asc' })),
    ['Deploy failed on staging', 'reply about deploy deploy']);
  assert.equal((await ctx.user.search.messages({ query: 'deploy in:#nowhere' })).messages.total, 0);
  assert.equal((await ctx.user.search.messages({ query: 'deploy from:@nobody' })).messages.total, 0);
  const today = new Date().toISOString().slice(0, 10);
  assert.equal((await ctx.user.search.messages({ query: `deploy on:${today}` })).messages.total, 4);
  assert.equal((await ctx.user.search.messages({ query: `deploy before:${today}` })).messages.total, 0);
  assert.equal((await ctx.user.search.messages({ query: `deploy after:2020-01-01` })).messages.total, 4);
});

test('search.messages pages with count / page and sorts by timestamp', async () => {
  const { ctx } = await workspace();
  const p1 = await ctx.user.search.messages({ query: 'deploy', sort: 'timestamp', count: 3 });
  assert.deepEqual(texts(p1), ['reply about deploy deploy', 'the deploy pipeline needs a review', 'deploy finished: https://ci.example/run/7']);
  assert.deepEqual(p1.messages.paging, { count: 3, total: 4, page: 1, pages: 2 });
  assert.deepEqual(p1.messages.pagination, { total_count: 4, page: 1, per_page: 3, page_count: 2, first: 1, last: 3 });
  const p2 = await ctx.user.search.messages({ query: 'deploy', sort: 'timestamp', count: 3, page: 2 });
  assert.deepEqual(texts(p2), ['Deploy failed on staging']);
  assert.equal(p2.messages.pagination.first, 4);
  assert.equal(p2.messages.pagination.last, 4);
  const past = await ctx.user.search.messages({ query: 'deploy', count: 3, page: 9 });
  assert.deepEqual(past.messages.matches, []);
});

test('search.messages: private conversations only for members; user tokens only; no_query; scope', async () => {
  const { ctx } = await workspace();
  await admin(ctx, 'PUT', '/config', { seed: {
    users: [{ name: 'ann', real_name: 'Ann Example' }],
    tokens: [{ token: 'xoxp-ann', user_id: 'ann', scopes: ['search:read', 'chat:write', 'groups:write', 'channels:manage'], is_bot: false }],
  } });
  const ann = client(ctx, 'xoxp-ann');
  const secret = (await ann.conversations.create({ name: 'secret-plans', is_private: true })).channel.id;
  await ann.chat.postMessage({ channel: secret, text: 'the deploy codename is falcon' });
  assert.deepEqual(texts(await ann.search.messages({ query: 'falcon' })), ['the deploy codename is falcon']);
  assert.equal((await ctx.user.search.messages({ query: 'falcon' })).messages.total, 0);
  assert.equal((await ctx.user.search.messages({ query: `in:${secret}` })).messages.total, 0);

  assert.equal(await errorOf(() => ctx.bot.search.messages({ query: 'deploy' })), 'not_allowed_token_type');
  assert.equal((await api(ctx, 'search.messages', {}, { token: ctx.userToken })).json.error, 'no_query');
  await admin(ctx, 'PATCH', '/config', { disabled_scopes: ['search:read'] });
  assert.equal((await rejects(() => ctx.user.search.messages({ query: 'deploy' }))).data.needed, 'search:read');
});
