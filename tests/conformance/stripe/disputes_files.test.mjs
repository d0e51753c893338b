// Stripe twin: the PaymentIntent 3-D Secure page, disputes from the dispute
// test card, the 0341 card, files (multipart upload, download) and file links.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { newRun, raw, rejects, stopServer, assertSchema } from './helpers.mjs';

let t;
before(async () => { t = await newRun(); });
after(stopServer);

const card = (number) => ({ type: 'card', card: { number, exp_month: 12, exp_year: 2034, cvc: '123' } });
const events = async (type) => (await t.stripe.events.list({ type, limit: 100 })).data;

// Confirms a 3DS intent, loads its authentication page and answers it.
async function authenticate(params, action) {
  const pi = await t.stripe.paymentIntents.create({ amount: 4200, currency: 'usd', confirm: true, ...params });
  assert.equal(pi.status, 'requires_action');
  const url = pi.next_action.redirect_to_url?.url ?? pi.next_action.use_stripe_sdk?.stripe_js;
  assert.ok(url.startsWith(`${t.base}/3ds/authenticate/${pi.id}?`), url);
  const page = await fetch(url);
  assert.equal(page.status, 200);
  const html = await page.text();
  assert.match(html, /Complete authentication/);
  assert.match(html, /Fail authentication/);
  const secret = /name="client_secret" value="([^"]+)"/.exec(html)[1];
  assert.equal(secret, pi.client_secret);
  const res = await fetch(`${t.base}/3ds/authenticate/${pi.id}`, {
    method: 'POST', body: new URLSearchParams({ client_secret: secret, action }), redirect: 'manual',
  });
  return { pi, res };
}

test('3DS page: complete -> 303 to return_url with redirect_status=succeeded; intent succeeded with its charge', async () => {
  const { pi, res } = await authenticate({ payment_method: 'pm_card_authenticationRequired', return_url: 'https://shop.example/back?order=7' }, 'complete');
  assert.equal(pi.next_action.type, 'redirect_to_url');
  assert.equal(pi.next_action.redirect_to_url.return_url, 'https://shop.example/back?order=7');
  assertSchema('POST', '/v1/payment_intents', pi);
  assert.equal(res.status, 303);
  const loc = new URL(res.headers.get('location'));
  assert.equal(loc.origin + loc.pathname, 'https://shop.example/back');
  assert.equal(loc.searchParams.get('order'), '7');
  assert.equal(loc.searchParams.get('payment_intent'), pi.id);
  assert.equal(loc.searchParams.get('payment_intent_client_secret'), pi.client_secret);
  assert.equal(loc.searchParams.get('redirect_status'), 'succeeded');
  const done = await t.stripe.paymentIntents.retrieve(pi.id, { expand: ['latest_charge'] });
  assert.equal(done.status, 'succeeded');
  assert.equal(done.next_action, null);
  assert.equal(done.amount_received, 4200);
  assert.equal(done.latest_charge.status, 'succeeded');
  assertSchema('GET', '/v1/payment_intents/{intent}', done);
  assert.ok((await events('payment_intent.succeeded')).some((e) => e.data.object.id === pi.id));
  // The page is gone once the intent moved on.
  const again = await fetch(`${t.base}/3ds/authenticate/${pi.id}?client_secret=${pi.client_secret}`);
  assert.equal(again.status, 409);
});

test('3DS page: fail -> redirect_status=failed; intent requires_payment_method with payment_intent_authentication_failure', async () => {
  const pm = await t.stripe.paymentMethods.create(card('4000000000003220'));
  const { pi, res } = await authenticate({ payment_method: pm.id, return_url: 'https://shop.example/back' }, 'fail');
  assert.equal(res.status, 303);
  const loc = new URL(res.headers.get('location'));
  assert.equal(loc.searchParams.get('redirect_status'), 'failed');
  assert.equal(loc.searchParams.get('payment_intent'), pi.id);
  const failed = await t.stripe.paymentIntents.retrieve(pi.id);
  assert.equal(failed.status, 'requires_payment_method');
  assert.equal(failed.last_payment_error.code, 'payment_intent_authentication_failure');
  assert.equal(failed.payment_method, null);
  assertSchema('GET', '/v1/payment_intents/{intent}', failed);
  assert.ok((await events('payment_intent.payment_failed')).some((e) => e.data.object.id === pi.id));
});

test('3DS without return_url: use_stripe_sdk; the page ends on a done page; manual capture -> requires_capture', async () => {
  const { pi, res } = await authenticate({ payment_method: 'pm_card_threeDSecure2Required', capture_method: 'manual' }, 'complete');
  assert.equal(pi.next_action.type, 'use_stripe_sdk');
  assertSchema('POST', '/v1/payment_intents', pi);
  assert.equal(res.status, 200);
  assert.match(await res.text(), /Authentication complete/);
  const held = await t.stripe.paymentIntents.retrieve(pi.id);
  assert.equal(held.status, 'requires_capture');
  assert.equal(held.amount_capturable, 4200);
  const captured = await t.stripe.paymentIntents.capture(pi.id);
  assert.equal(captured.status, 'succeeded');
});

test('3DS page refuses a wrong client secret or an unknown intent', async () => {
  const pi = await t.stripe.paymentIntents.create({ amount: 1000, currency: 'usd', confirm: true, payment_method: 'pm_card_authenticationRequired', return_url: 'https://x.example' });
  assert.equal((await fetch(`${t.base}/3ds/authenticate/${pi.id}?client_secret=nope`)).status, 404);
  assert.equal((await fetch(`${t.base}/3ds/authenticate/pi_missing?client_secret=x`)).status, 404);
  const still = await t.stripe.paymentIntents.retrieve(pi.id);
  assert.equal(still.status, 'requires_action');
});

test('dispute card 0259: charge succeeds, dispute needs_response, charge.disputed, events; list and retrieve', async () => {
  const pi = await t.stripe.paymentIntents.create({ amount: 5000, currency: 'usd', payment_method: 'pm_card_createDispute', confirm: true });
  assert.equal(pi.status, 'succeeded');
  const list = await t.stripe.disputes.list({ payment_intent: pi.id });
  assert.equal(list.data.length, 1);
  assertSchema('GET', '/v1/disputes', list);
  const dp = list.data[0];
  assert.match(dp.id, /^dp_/);
  assert.equal(dp.status, 'needs_response');
  assert.equal(dp.reason, 'fraudulent');
  assert.equal(dp.amount, 5000);
  assert.equal(dp.charge, pi.latest_charge);
  assert.equal(dp.payment_intent, pi.id);
  assert.equal(dp.evidence.uncategorized_text, null);
  assert.equal(dp.evidence_details.has_evidence, false);
  assert.equal(dp.evidence_details.submission_count, 0);
  assert.ok(dp.evidence_details.due_by > dp.created);
  assert.equal(dp.balance_transactions.length, 1);
  assert.equal(dp.balance_transactions[0].amount, -5000);
  assert.equal(dp.balance_transactions[0].fee, 1500);
  const ch = await t.stripe.charges.retrieve(pi.latest_charge);
  assert.equal(ch.status, 'succeeded');
  assert.equal(ch.disputed, true);
  const got = await t.stripe.disputes.retrieve(dp.id, { expand: ['charge'] });
  assert.equal(got.charge.id, ch.id);
  assertSchema('GET', '/v1/disputes/{dispute}', got);
  const created = await events('charge.dispute.created');
  assert.ok(created.some((e) => e.data.object.id === dp.id));
  const byCharge = await t.stripe.disputes.list({ charge: ch.id });
  assert.deepEqual(byCharge.data.map((d) => d.id), [dp.id]);
});

test('dispute: stage evidence (submit=false), submit, close -> lost; closing again fails', async () => {
  const ch = await t.stripe.charges.create({ amount: 2500, currency: 'usd', source: 'tok_createDispute' });
  assert.equal(ch.disputed, true);
  const [dp] = (await t.stripe.disputes.list({ charge: ch.id })).data;
  const staged = await t.stripe.disputes.update(dp.id, {
    evidence: { customer_name: 'Jane Doe', product_description: 'Tea' }, metadata: { case: '1' }, submit: false,
  });
  assert.equal(staged.status, 'needs_response');
  assert.equal(staged.evidence.customer_name, 'Jane Doe');
  assert.equal(staged.evidence_details.has_evidence, true);
  assert.equal(staged.evidence_details.submission_count, 0);
  assert.equal(staged.metadata.case, '1');
  assertSchema('POST', '/v1/disputes/{dispute}', staged);
  const submitted = await t.stripe.disputes.update(dp.id, { evidence: { uncategorized_text: 'see receipt' } });
  assert.equal(submitted.status, 'under_review');
  assert.equal(submitted.evidence_details.submission_count, 1);
  const closed = await t.stripe.disputes.close(dp.id);
  assert.equal(closed.status, 'lost');
  assertSchema('POST', '/v1/disputes/{dispute}/close', closed);
  assert.ok((await events('charge.dispute.closed')).some((e) => e.data.object.id === dp.id));
  const err = await rejects(() => t.stripe.disputes.close(dp.id));
  assert.equal(err.statusCode, 400);
  const late = await rejects(() => t.stripe.disputes.update(dp.id, { evidence: { customer_name: 'x' } }));
  assert.equal(late.statusCode, 400);
});

test('dispute: winning_evidence wins; unknown evidence is refused; missing dispute is 404', async () => {
  const ch = await t.stripe.charges.create({ amount: 1800, currency: 'usd', source: 'tok_createDispute' });
  const [dp] = (await t.stripe.disputes.list({ charge: ch.id })).data;
  const bad = await rejects(() => t.stripe.disputes.update(dp.id, { evidence: { favourite_colour: 'blue' } }));
  assert.equal(bad.statusCode, 400);
  assert.equal(bad.param, 'evidence[favourite_colour]');
  const won = await t.stripe.disputes.update(dp.id, { evidence: { uncategorized_text: 'winning_evidence' } });
  assert.equal(won.status, 'won');
  assert.equal(won.balance_transactions.length, 2);
  const missing = await rejects(() => t.stripe.disputes.retrieve('dp_missing'));
  assert.equal(missing.statusCode, 404);
  assert.equal(missing.code, 'resource_missing');
});

test('card 0341: attaching to a customer succeeds, charging it fails with card_declined', async () => {
  const cus = await t.stripe.customers.create({ email: 'fail@example.com' });
  const pm = await t.stripe.paymentMethods.create(card('4000000000000341'));
  const attached = await t.stripe.paymentMethods.attach(pm.id, { customer: cus.id });
  assert.equal(attached.customer, cus.id);
  const err = await rejects(() => t.stripe.paymentIntents.create({ amount: 1500, currency: 'usd', customer: cus.id, payment_method: pm.id, confirm: true }));
  assert.equal(err.type, 'StripeCardError');
  assert.equal(err.statusCode, 402);
  assert.equal(err.code, 'card_declined');
  assert.equal(err.decline_code, 'generic_decline');
  const viaToken = await t.stripe.paymentMethods.attach('pm_card_chargeCustomerFail', { customer: cus.id });
  assert.equal(viaToken.customer, cus.id);
  const err2 = await rejects(() => t.stripe.paymentIntents.create({ amount: 1500, currency: 'usd', customer: cus.id, payment_method: viaToken.id, confirm: true }));
  assert.equal(err2.code, 'card_declined');
});

const upload = (name, data, type, purpose = 'dispute_evidence', extra = {}) =>
  t.stripe.files.create({ purpose, file: { data: Buffer.from(data), name, type }, ...extra });

test('files: upload evidence.txt (multipart), retrieve, download the bytes', async () => {
  const f = await upload('evidence.txt', 'Delivered on 2024-05-01\n', 'text/plain');
  assert.match(f.id, /^file_/);
  assert.equal(f.object, 'file');
  assert.equal(f.purpose, 'dispute_evidence');
  assert.equal(f.filename, 'evidence.txt');
  assert.equal(f.size, 24);
  assert.equal(f.type, 'txt');
  assert.equal(f.url, `${t.base}/v1/files/${f.id}/contents`);
  assert.ok(f.expires_at > f.created);
  assert.deepEqual(f.links.data, []);
  assertSchema('POST', '/v1/files', f);
  const got = await t.stripe.files.retrieve(f.id);
  assert.equal(got.size, 24);
  assertSchema('GET', '/v1/files/{file}', got);
  const res = await fetch(f.url, { headers: { authorization: `Bearer ${t.key}` } });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /^text\/plain/);
  assert.equal(await res.text(), 'Delivered on 2024-05-01\n');
  const anon = await fetch(f.url);
  assert.equal(anon.status, 401);
});

test('files: binary bytes survive; png type; list filtered by purpose', async () => {
  const bytes = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff, 0x10, 0x00, 0x7f]);
  const logo = await upload('Logo.PNG', bytes, 'image/png', 'business_logo');
  assert.equal(logo.type, 'png');
  assert.equal(logo.size, bytes.length);
  const res = await fetch(logo.url, { headers: { authorization: `Bearer ${t.key}` } });
  assert.equal(res.headers.get('content-type'), 'image/png');
  assert.deepEqual(Buffer.from(await res.arrayBuffer()), bytes);
  const logos = await t.stripe.files.list({ purpose: 'business_logo' });
  assert.deepEqual(logos.data.map((x) => x.id), [logo.id]);
  assertSchema('GET', '/v1/files', logos);
  const all = await t.stripe.files.list({ limit: 100 });
  assert.ok(all.data.length >= 2);
});

test('files: missing file part is parameter_missing on file; bad purpose is 400; unknown file 404', async () => {
  const form = new FormData();
  form.append('purpose', 'dispute_evidence');
  const res = await fetch(`${t.base}/v1/files`, { method: 'POST', headers: { authorization: `Bearer ${t.key}` }, body: form });
  assert.equal(res.status, 400);
  const body = await res.json();
  assert.equal(body.error.type, 'invalid_request_error');
  assert.equal(body.error.code, 'parameter_missing');
  assert.equal(body.error.param, 'file');
  const bad = await rejects(() => upload('a.txt', 'x', 'text/plain', 'not_a_purpose'));
  assert.equal(bad.statusCode, 400);
  assert.equal(bad.param, 'purpose');
  const missing = await rejects(() => t.stripe.files.retrieve('file_missing'));
  assert.equal(missing.statusCode, 404);
});

test('file links: create, public url serves the bytes, update metadata, list by file, expire', async () => {
  const f = await upload('receipt.pdf', '%PDF-1.4 fake', 'application/pdf');
  const link = await t.stripe.fileLinks.create({ file: f.id, metadata: { order: '9' } });
  assert.match(link.id, /^link_/);
  assert.equal(link.file, f.id);
  assert.equal(link.expired, false);
  assert.equal(link.expires_at, null);
  assert.equal(link.metadata.order, '9');
  assert.equal(link.url, `${t.base}/links/${link.id}`);
  assertSchema('POST', '/v1/file_links', link);
  const pub = await fetch(link.url);
  assert.equal(pub.status, 200);
  assert.equal(pub.headers.get('content-type'), 'application/pdf');
  assert.equal(await pub.text(), '%PDF-1.4 fake');
  const withFile = await t.stripe.fileLinks.retrieve(link.id, { expand: ['file'] });
  assert.equal(withFile.file.id, f.id);
  assertSchema('GET', '/v1/file_links/{link}', withFile);
  const later = Math.floor(Date.now() / 1000) + 3600;
  const up = await t.stripe.fileLinks.update(link.id, { expires_at: later, metadata: { order: '' } });
  assert.equal(up.expires_at, later);
  assert.deepEqual(up.metadata, {});
  assertSchema('POST', '/v1/file_links/{link}', up);
  const list = await t.stripe.fileLinks.list({ file: f.id });
  assert.deepEqual(list.data.map((l) => l.id), [link.id]);
  assertSchema('GET', '/v1/file_links', list);
  const file = await t.stripe.files.retrieve(f.id);
  assert.deepEqual(file.links.data.map((l) => l.id), [link.id]);
  const gone = await t.stripe.fileLinks.update(link.id, { expires_at: 'now' });
  assert.equal(gone.expired, true);
  assert.equal((await fetch(link.url)).status, 410);
  const expired = await t.stripe.fileLinks.list({ file: f.id, expired: true });
  assert.equal(expired.data.length, 1);
  const err = await rejects(() => t.stripe.fileLinks.update(link.id, { metadata: { a: 'b' } }));
  assert.equal(err.statusCode, 400);
});

test('file links: created with the upload (file_link_data); refused for private purposes and past expiry', async () => {
  const f = await upload('photo.jpeg', 'jpegdata', 'image/jpeg', 'dispute_evidence', { file_link_data: { create: true } });
  assert.equal(f.type, 'jpg');
  assert.equal(f.links.data.length, 1);
  assert.equal(f.links.data[0].file, f.id);
  assertSchema('POST', '/v1/files', f);
  const id = await upload('passport.png', 'png', 'image/png', 'identity_document');
  const priv = await rejects(() => t.stripe.fileLinks.create({ file: id.id }));
  assert.equal(priv.statusCode, 400);
  const past = await rejects(() => t.stripe.fileLinks.create({ file: f.id, expires_at: 1000 }));
  assert.equal(past.statusCode, 400);
  assert.equal(past.param, 'expires_at');
  const none = await rejects(() => t.stripe.fileLinks.create({ file: 'file_missing' }));
  assert.equal(none.statusCode, 404);
  assert.equal(none.param, 'file');
});

test('file as dispute evidence: a file id is accepted, an unknown one is 404', async () => {
  const ch = await t.stripe.charges.create({ amount: 900, currency: 'usd', source: 'tok_createDispute' });
  const [dp] = (await t.stripe.disputes.list({ charge: ch.id })).data;
  const f = await upload('evidence.txt', 'proof', 'text/plain');
  const up = await t.stripe.disputes.update(dp.id, { evidence: { receipt: f.id }, submit: false });
  assert.equal(up.evidence.receipt, f.id);
  const err = await rejects(() => t.stripe.disputes.update(dp.id, { evidence: { receipt: 'file_missing' }, submit: false }));
  assert.equal(err.statusCode, 404);
  assert.equal(err.param, 'evidence[receipt]');
});
