// Slack twin: external file uploads (filesUploadV2), tier limits, workspace
// constraints, OAuth v2 and seeding from presets.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { newRun, client, admin, api, assertSchema, rejects, stopServer } from './helpers.mjs';

after(stopServer);

test('filesUploadV2 uploads, shares to the channel with a file_share message, downloads', async () => {
  const ctx = await newRun();
  const r = await ctx.bot.filesUploadV2({ channel_id: 'CTWINGEN001', filename: 'notes.txt', content: 'hello file', title: 'Notes', initial_comment: 'see attached' });
  assert.equal(r.ok, true);
  const file = r.files[0].files[0];
  assert.equal(file.name, 'notes.txt');
  assert.equal(file.title, 'Notes');
  assert.equal(file.size, 10);
  assert.deepEqual(file.channels, ['CTWINGEN001']);
  const h = await ctx.bot.conversations.history({ channel: 'CTWINGEN001' });
  assert.equal(h.messages[0].subtype, 'file_share');
  assert.equal(h.messages[0].text, 'see attached');
  assert.equal(h.messages[0].files[0].id, file.id);
  const bearer = (token) => ({ headers: { authorization: `Bearer ${token}` } });
  for (const url of [file.url_private, file.url_private_download]) {
    const dl = await fetch(url, bearer(ctx.botToken));
    assert.equal(dl.status, 200);
    assert.equal(await dl.text(), 'hello file');
    assert.match(dl.headers.get('content-disposition'), /notes\.txt/);
  }
  const info = await ctx.bot.files.info({ file: file.id });
  assert.equal(info.file.id, file.id);
  assertSchema('files.info', (await api(ctx, 'files.info', { file: file.id }, { token: ctx.botToken })).json);
  const list = await ctx.bot.files.list({ channel: 'CTWINGEN001' });
  assert.deepEqual(list.files.map((f) => f.id), [file.id]);
  await ctx.bot.files.delete({ file: file.id });
  assert.equal((await rejects(() => ctx.bot.files.info({ file: file.id }))).data.error, 'file_not_found');
  assert.equal((await fetch(file.url_private, bearer(ctx.botToken))).status, 404);
});

test('url_private needs Authorization: Bearer with files:read; Slack answers anything else with its sign-in page', async () => {
  const ctx = await newRun();
  const r = await ctx.user.filesUploadV2({ channel_id: 'CTWINGEN001', filename: 'secret.txt', content: 'for members' });
  const file = r.files[0].files[0];
  const alone = (await ctx.user.filesUploadV2({ filename: 'mine.txt', content: 'private' })).files[0].files[0];
  const signIn = async (init) => {
    const res = await fetch(file.url_private_download, init);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type'), /^text\/html/);
    assert.doesNotMatch(await res.text(), /for members/);
  };
  await signIn();                                                           // no token
  await signIn({ headers: { authorization: 'Bearer xoxb-nope' } });           // unknown token
  await signIn({ headers: { authorization: 'Bearer ' } });                   // empty
  const asQuery = new URL(file.url_private);
  asQuery.searchParams.set('token', ctx.userToken);                          // only the header counts
  assert.match((await fetch(asQuery)).headers.get('content-type'), /^text\/html/);
  await admin(ctx, 'PATCH', '/config', { user_scopes: ['channels:read', 'chat:write'] });
  await signIn({ headers: { authorization: `Bearer ${ctx.userToken}` } });   // lacks files:read
  await admin(ctx, 'PATCH', '/config', { user_scopes: ['files:read'] });
  const ok = await fetch(file.url_private, { headers: { authorization: `Bearer ${ctx.userToken}` } });
  assert.equal(await ok.text(), 'for members');
  // A file shared nowhere is the uploader's alone.
  assert.equal((await fetch(alone.url_private, { headers: { authorization: `Bearer ${ctx.botToken}` } })).status, 404);
  assert.equal(await (await fetch(alone.url_private, { headers: { authorization: `Bearer ${ctx.userToken}` } })).text(), 'private');
});

test('files.list pages with count and page; absurd values neither overflow nor repeat files', async () => {
  const ctx = await newRun();
  const ids = [];
  for (let i = 0; i < 3; i++) {
    const r = await ctx.bot.filesUploadV2({ channel_id: 'CTWINGEN001', filename: `f${i}.txt`, content: `file ${i}` });
    ids.unshift(r.files[0].files[0].id);
  }
  const p1 = await ctx.bot.files.list({ count: 2, page: 1 });
  assert.deepEqual(p1.files.map((f) => f.id), ids.slice(0, 2));
  assert.deepEqual(p1.paging, { count: 2, total: 3, page: 1, pages: 2 });
  const p2 = await ctx.bot.files.list({ count: 2, page: 2 });
  assert.deepEqual(p2.files.map((f) => f.id), ids.slice(2));
  assertSchema('files.list', (await api(ctx, 'files.list', { count: 2, page: 2 }, { token: ctx.botToken })).json);
  // 2^32 x (2^32 + 1 - 1) wrapped to offset 0 and listed every file again.
  const far = await ctx.bot.files.list({ count: 4294967296, page: 4294967297 });
  assert.deepEqual(far.files, []);
  assert.equal(far.paging.count, 1000);
  assert.equal(far.paging.total, 3);
  const huge = await ctx.bot.files.list({ count: '9223372036854775807', page: '9223372036854775807' });
  assert.deepEqual(huge.files, []);
});

test('files in a private channel or shared nowhere are seen only by its members or the uploader', async () => {
  const ctx = await newRun();
  const priv = (await ctx.user.conversations.create({ name: 'hush', is_private: true })).channel.id;
  const secret = (await ctx.user.filesUploadV2({ channel_id: priv, filename: 'secret.txt', content: 'shh' })).files[0].files[0];
  const mine = (await ctx.user.filesUploadV2({ filename: 'draft.txt', content: 'wip' })).files[0].files[0];
  const open = (await ctx.user.filesUploadV2({ channel_id: 'CTWINGEN001', filename: 'open.txt', content: 'hi' })).files[0].files[0];
  assert.deepEqual((await ctx.user.files.list({})).files.map((f) => f.id), [open.id, mine.id, secret.id]);
  assert.deepEqual((await ctx.bot.files.list({})).files.map((f) => f.id), [open.id]);
  assertSchema('files.list', (await api(ctx, 'files.list', {}, { token: ctx.botToken })).json);
  assert.equal((await ctx.bot.files.list({ channel: priv })).files.length, 0);
  for (const id of [secret.id, mine.id]) {
    assert.equal((await rejects(() => ctx.bot.files.info({ file: id }))).data.error, 'file_not_found');
    assert.equal((await rejects(() => ctx.bot.files.delete({ file: id }))).data.error, 'file_not_found');
  }
  assert.equal((await ctx.bot.files.info({ file: open.id })).file.id, open.id);
  await ctx.user.conversations.invite({ channel: priv, users: 'UTWINBOT' });
  assert.equal((await ctx.bot.files.info({ file: secret.id })).file.id, secret.id);
});

test('getUploadURLExternal hands out the twin\'s own upload URL', async () => {
  const ctx = await newRun();
  const r = await ctx.bot.files.getUploadURLExternal({ filename: 'a.bin', length: 3 });
  assert.equal(r.upload_url, `${ctx.base}/upload/${r.file_id}`);
  assert.ok(r.file_id.startsWith('F'));
  const up = await fetch(r.upload_url, { method: 'POST', body: 'abc' });
  assert.equal(up.status, 200);
  const done = await ctx.bot.files.completeUploadExternal({ files: [{ id: r.file_id, title: 'A' }] });
  assert.equal(done.files[0].title, 'A');
  assert.equal((await rejects(() => ctx.bot.files.completeUploadExternal({ files: [{ id: 'FNOPE' }] }))).data.error, 'file_not_found');
});

test('admin tier: GET shows the defaults, POST switches tiers', async () => {
  const ctx = await newRun();
  const g = await admin(ctx, 'GET', '/tier');
  assert.deepEqual(g.json, { tier: 'free', max_file_bytes: 1073741824, free_max_file_bytes: 1073741824, paid_max_file_bytes: 1073741824 });
  const p = await admin(ctx, 'POST', '/tier', { tier: 'paid' });
  assert.deepEqual(p.json, { ok: true, tier: 'paid', max_file_bytes: 1073741824 });
  assert.equal((await admin(ctx, 'GET', '/tier')).json.tier, 'paid');
  assert.equal((await admin(ctx, 'POST', '/tier', { tier: 'platinum' })).status, 400);
});

test('file_too_large at getUploadURLExternal and at the upload step; paid tier lifts the cap', async () => {
  const ctx = await newRun();
  await admin(ctx, 'POST', '/tier', { tier: 'free', free_max_file_bytes: 1024, paid_max_file_bytes: 4096 });
  const err = await rejects(() => ctx.bot.files.getUploadURLExternal({ filename: 'big.bin', length: 2048 }));
  assert.deepEqual(err.data, { ok: false, error: 'file_too_large', tier: 'free', max_file_bytes: 1024, attempted_bytes: 2048, response_metadata: err.data.response_metadata });
  // declared small, sent large
  const r = await ctx.bot.files.getUploadURLExternal({ filename: 'liar.bin', length: 10 });
  const up = await fetch(r.upload_url, { method: 'POST', body: 'x'.repeat(2048) });
  assert.equal(up.status, 413);
  const body = await up.json();
  assert.equal(body.error, 'file_too_large');
  assert.equal(body.attempted_bytes, 2048);
  await admin(ctx, 'POST', '/tier', { tier: 'pro' });
  const ok = await ctx.bot.filesUploadV2({ channel_id: 'CTWINGEN001', filename: 'big.bin', content: 'y'.repeat(2048) });
  assert.equal(ok.files[0].files[0].size, 2048);
});

test('file_uploads_disabled and storage_limit_reached', async () => {
  const ctx = await newRun();
  await admin(ctx, 'PATCH', '/config', { file_uploads_enabled: false });
  assert.equal((await rejects(() => ctx.bot.files.getUploadURLExternal({ filename: 'a', length: 1 }))).data.error, 'file_uploads_disabled');
  await admin(ctx, 'PATCH', '/config', { file_uploads_enabled: true, max_storage_bytes: 500, storage_used_bytes: 400 });
  await ctx.bot.filesUploadV2({ channel_id: 'CTWINGEN001', filename: 'fits.txt', content: 'z'.repeat(80) });
  const err = await rejects(() => ctx.bot.files.getUploadURLExternal({ filename: 'b', length: 30 }));
  assert.equal(err.data.error, 'storage_limit_reached');
});

test('OAuth v2: authorize redirects with code and state, oauth.v2.access issues working tokens', async () => {
  const ctx = await newRun();
  await admin(ctx, 'PATCH', '/config', { oauth_bot_scopes: ['chat:write', 'channels:read'], oauth_user_scopes: ['search:read'] });
  const auth = await fetch(`${ctx.base}/oauth/v2/authorize?client_id=123.456&scope=chat:write&user_scope=search:read&redirect_uri=${encodeURIComponent('http://app.example/cb')}&state=xyz`, { redirect: 'manual' });
  assert.equal(auth.status, 302);
  const loc = new URL(auth.headers.get('location'));
  assert.equal(loc.origin + loc.pathname, 'http://app.example/cb');
  assert.equal(loc.searchParams.get('state'), 'xyz');
  const code = loc.searchParams.get('code');
  const anon = new (client(ctx, undefined).constructor)(undefined, { slackApiUrl: ctx.env.SLACK_API_URL, retryConfig: { retries: 0 } });
  const tok = await anon.oauth.v2.access({ client_id: '123.456', client_secret: 's3cret', code });
  assert.equal(tok.token_type, 'bot');
  assert.ok(tok.access_token.startsWith('xoxb-'));
  assert.equal(tok.scope, 'chat:write,channels:read');
  assert.equal(tok.bot_user_id, 'UTWINBOT');
  assert.equal(tok.team.id, 'TTWIN0001');
  assert.equal(tok.authed_user.token_type, 'user');
  assert.ok(tok.authed_user.access_token.startsWith('xoxp-'));
  assert.equal(tok.authed_user.scope, 'search:read');
  assertSchema('oauth.v2.access', tok);
  const botc = client(ctx, tok.access_token);
  assert.equal((await botc.auth.test()).user_id, 'UTWINBOT');
  await botc.conversations.list();
  const ms = await rejects(() => botc.users.list());
  assert.equal(ms.data.error, 'missing_scope');
  assert.equal(ms.data.provided, 'chat:write,channels:read,files:write');
  const userc = client(ctx, tok.authed_user.access_token);
  assert.equal((await userc.auth.test()).user_id, 'UTWINUSR');
  const reuse = await rejects(() => anon.oauth.v2.access({ client_id: '123.456', client_secret: 's3cret', code }));
  assert.equal(reuse.data.error, 'invalid_code');
});

test('seeding: the e-commerce preset seeds users, #orders and its messages', async () => {
  const ctx = await newRun({ scenario_id: 'preset-ecommerce-checkout', twins: ['slack', 'stripe'] });
  const sr = ctx.run.seed_results.slack;
  assert.equal(sr.status, 'seeded');
  assert.deepEqual([sr.users, sr.channels, sr.messages], [3, 3, 8]);
  const chans = (await ctx.bot.conversations.list()).channels;
  const orders = chans.find((c) => c.name === 'orders');
  assert.equal(orders.topic.value, 'Checkout events from Stripe');
  const h = await ctx.bot.conversations.history({ channel: orders.id });
  assert.equal(h.messages.length, 5);
  assert.match(h.messages[4].text, /^Order #1001 paid/);
  const maya = await ctx.bot.users.lookupByEmail({ email: 'maya@shop.example' });
  assert.equal(maya.user.real_name, 'Maya Chen');
  const botMsg = h.messages[0];
  assert.ok(botMsg.bot_id, 'orderbot messages carry a bot_id');
});

test('seeding: high-volume preset pages 250 messages; seeds are deterministic', async () => {
  const a = await newRun({ scenario_id: 'preset-high-volume-messaging', twins: ['slack'] });
  const b = await newRun({ scenario_id: 'preset-high-volume-messaging', twins: ['slack'] });
  assert.equal(a.run.seed_results.slack.status, 'seeded');
  const fa = (await a.bot.conversations.list()).channels.find((c) => c.name === 'firehose');
  const fb = (await b.bot.conversations.list()).channels.find((c) => c.name === 'firehose');
  assert.equal(fa.id, fb.id);
  let n = 0;
  for await (const page of a.bot.paginate('conversations.history', { channel: fa.id, limit: 100 })) n += page.messages.length;
  assert.equal(n, 250);
});

test('seeding via admin config: tokens with narrow scopes and a tier', async () => {
  const ctx = await newRun();
  const put = await admin(ctx, 'PUT', '/config', { seed: {
    users: [{ name: 'ann', real_name: 'Ann Example', email: 'ann@example.com' }],
    channels: [{ name: 'ops', messages: ['plain text', { text: 'reply', user: 'ann', thread_of: 0 }] }],
    tokens: [{ token: 'xoxp-narrow', user_id: 'ann', scopes: ['channels:read'], is_bot: false }],
    tier: 'business_plus',
  } });
  assert.equal(put.status, 200);
  assert.equal((await admin(ctx, 'GET', '/tier')).json.tier, 'business_plus');
  const narrow = client(ctx, 'xoxp-narrow');
  const me = await narrow.auth.test();
  assert.notEqual(me.user_id, 'UTWINUSR');
  const ops = (await narrow.conversations.list()).channels.find((c) => c.name === 'ops');
  const err = await rejects(() => narrow.conversations.history({ channel: ops.id }));
  assert.equal(err.data.needed, 'channels:history');
  const h = await ctx.bot.conversations.history({ channel: ops.id });
  assert.equal(h.messages.length, 1);
  assert.equal(h.messages[0].reply_count, 1);
});
