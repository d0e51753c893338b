// Slack twin: bookmarks.* through the official @slack/web-api client — add,
// edit, list, remove, and the errors for links, emoji, types, channels and scopes.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { newRun, admin, rejects, stopServer } from './helpers.mjs';

after(stopServer);

const errorOf = async (fn) => (await rejects(fn)).data.error;

test('bookmarks.add, edit, list and remove keep a channel\'s bookmarks in order', async () => {
  const ctx = await newRun();
  const chan = (await ctx.bot.conversations.create({ name: 'handbook' })).channel.id;
  const added = await ctx.bot.bookmarks.add({ channel_id: chan, title: 'Runbook', type: 'link', link: 'https://example.com/runbook', emoji: ':book:' });
  const b = added.bookmark;
  assert.match(b.id, /^Bk[A-Z0-9]+$/);
  assert.equal(b.channel_id, chan);
  assert.equal(b.title, 'Runbook');
  assert.equal(b.link, 'https://example.com/runbook');
  assert.equal(b.emoji, ':book:');
  assert.equal(b.type, 'link');
  assert.equal(b.date_updated, 0);
  assert.ok(b.date_created > 1.6e9);
  assert.equal(b.last_updated_by_user_id, 'UTWINBOT');
  const second = (await ctx.bot.bookmarks.add({ channel_id: chan, title: 'Dashboard', type: 'link', link: 'http://grafana.local/d/1' })).bookmark;
  assert.ok(second.rank > b.rank);

  const list = await ctx.bot.bookmarks.list({ channel_id: chan });
  assert.deepEqual(list.bookmarks.map((x) => x.title), ['Runbook', 'Dashboard']);
  assert.deepEqual(list.bookmarks[0], b);

  const edited = (await ctx.bot.bookmarks.edit({ channel_id: chan, bookmark_id: b.id, title: 'On-call runbook', emoji: '' })).bookmark;
  assert.equal(edited.title, 'On-call runbook');
  assert.equal(edited.link, 'https://example.com/runbook');   // untouched
  assert.equal(edited.emoji, '');
  assert.ok(edited.date_updated > 0);

  await ctx.bot.bookmarks.remove({ channel_id: chan, bookmark_id: second.id });
  assert.deepEqual((await ctx.bot.bookmarks.list({ channel_id: chan })).bookmarks.map((x) => x.title), ['On-call runbook']);
  assert.equal(await errorOf(() => ctx.bot.bookmarks.remove({ channel_id: chan, bookmark_id: second.id })), 'not_found');
  // Another channel's bookmarks are separate.
  assert.deepEqual((await ctx.bot.bookmarks.list({ channel_id: 'CTWINGEN001' })).bookmarks, []);
  assert.equal(await errorOf(() => ctx.bot.bookmarks.edit({ channel_id: 'CTWINGEN001', bookmark_id: b.id, title: 'x' })), 'not_found');
});

test('bookmarks errors: link, emoji, type, title, channel, membership, archive, scopes; failures store nothing', async () => {
  const ctx = await newRun();
  const chan = (await ctx.user.conversations.create({ name: 'marks' })).channel.id;
  const add = (extra) => ctx.user.bookmarks.add({ channel_id: chan, title: 'T', type: 'link', link: 'https://ok.example', ...extra });
  assert.equal(await errorOf(() => add({ link: 'ftp://files.example' })), 'invalid_link');
  assert.equal(await errorOf(() => add({ link: '' })), 'invalid_link');
  assert.equal(await errorOf(() => add({ emoji: 'smile' })), 'invalid_emoji');
  assert.equal(await errorOf(() => add({ type: 'file' })), 'invalid_bookmark_type');
  assert.equal(await errorOf(() => add({ title: '' })), 'invalid_arguments');
  assert.equal(await errorOf(() => add({ channel_id: 'CNOPE12345' })), 'channel_not_found');
  assert.equal(await errorOf(() => ctx.bot.bookmarks.add({ channel_id: chan, title: 'T', type: 'link', link: 'https://ok.example' })), 'not_in_channel');
  assert.deepEqual((await ctx.user.bookmarks.list({ channel_id: chan })).bookmarks, []);
  const b = (await add({})).bookmark;
  assert.equal(await errorOf(() => ctx.user.bookmarks.edit({ channel_id: chan, bookmark_id: b.id, link: 'nope' })), 'invalid_link');
  assert.equal((await ctx.user.bookmarks.list({ channel_id: chan })).bookmarks[0].link, 'https://ok.example');
  await ctx.user.conversations.archive({ channel: chan });
  assert.equal(await errorOf(() => add({})), 'is_archived');

  await admin(ctx, 'PATCH', '/config', { disabled_scopes: ['bookmarks:write', 'bookmarks:read'] });
  const e = await rejects(() => add({}));
  assert.equal(e.data.error, 'missing_scope');
  assert.equal(e.data.needed, 'bookmarks:write');
  assert.equal((await rejects(() => ctx.user.bookmarks.list({ channel_id: chan }))).data.needed, 'bookmarks:read');
});
