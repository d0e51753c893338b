// Stripe twin's hosted pages in a real headless Chromium (Debian's
// /usr/bin/chromium driven by playwright-core): pay a checkout session with
// 4242…, fail one with 4000…0002, pass a 3-D Secure challenge, and see the
// payment on the dashboard.  Screenshots go to build/screenshots/.
//
// Run: make all && (cd tests && node --test browser/)
//   (TWINS_BIN=<path to twins> to use another build; scripts/setup.sh installs chromium.)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { newRun, stopServer } from '../conformance/stripe/helpers.mjs';

const require = createRequire(import.meta.url);
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const shots = join(repo, 'build/screenshots');

let browser;
let page;
let t;
let shop;   // the merchant's success / cancel pages

before(async () => {
  assert.ok(existsSync(CHROMIUM),
    `Chromium not found at ${CHROMIUM}: install Debian's chromium (scripts/setup.sh does; apt-get install chromium) ` +
    'or set CHROMIUM_PATH');
  const { chromium } = require('playwright-core');
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
  shop = http.createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    const what = req.url.startsWith('/success') ? 'Order confirmed' : 'Order canceled';
    res.end(`<!doctype html><title>${what}</title><h1 id="result">${what}</h1>`);
  });
  await new Promise((r) => shop.listen(0, '127.0.0.1', r));
  t = await newRun();
  mkdirSync(shots, { recursive: true });
});

after(async () => {
  if (browser) await browser.close();
  if (shop) await new Promise((r) => shop.close(r));
  await stopServer();
});

const shopUrl = (path) => `http://127.0.0.1:${shop.address().port}${path}`;

async function session(amount, name) {
  const price = await t.stripe.prices.create({ unit_amount: amount, currency: 'usd', product_data: { name } });
  return t.stripe.checkout.sessions.create({
    mode: 'payment',
    line_items: [{ price: price.id, quantity: 1 }],
    success_url: shopUrl('/success?session_id={CHECKOUT_SESSION_ID}'),
    cancel_url: shopUrl('/cancel'),
  });
}

async function fillCard(email, number) {
  await page.fill('#email', email);
  await page.fill('#cardnumber', number);
  await page.fill('#cardexpiry', '12 / 34');
  await page.fill('#cardcvc', '123');
  await page.fill('#name', 'Jenny Rosen');
}

test('pay with 4242 4242 4242 4242: lands on success_url, session complete', async () => {
  const cs = await session(2000, 'Premium plan');
  await page.goto(cs.url);
  await page.getByText('$20.00').first().waitFor();
  await fillCard('jenny@example.com', '4242 4242 4242 4242');
  await page.screenshot({ path: join(shots, 'stripe_checkout.png'), fullPage: true });
  await Promise.all([page.waitForURL(/\/success\?session_id=/), page.click('#submit')]);
  assert.equal(page.url(), shopUrl(`/success?session_id=${cs.id}`));
  assert.equal(await page.textContent('#result'), 'Order confirmed');
  const done = await t.stripe.checkout.sessions.retrieve(cs.id, { expand: ['payment_intent'] });
  assert.equal(done.status, 'complete');
  assert.equal(done.payment_status, 'paid');
  assert.equal(done.payment_intent.status, 'succeeded');
});

test('pay with 4000 0000 0000 0002: decline message shown, session still open', async () => {
  const cs = await session(1500, 'Declined item');
  await page.goto(cs.url);
  await fillCard('decline@example.com', '4000 0000 0000 0002');
  await Promise.all([page.waitForSelector('#error'), page.click('#submit')]);
  assert.match(await page.textContent('#error'), /Your card was declined\./);
  await page.screenshot({ path: join(shots, 'stripe_checkout_declined.png'), fullPage: true });
  const s = await t.stripe.checkout.sessions.retrieve(cs.id);
  assert.equal(s.status, 'open');
  assert.equal(s.payment_status, 'unpaid');
});

test('3-D Secure card: the challenge page completes the payment', async () => {
  const cs = await session(3100, '3DS item');
  await page.goto(cs.url);
  await fillCard('secure@example.com', '4000 0025 0000 3155');
  await Promise.all([page.waitForURL(/\/3ds$/), page.click('#submit')]);
  await page.getByText('Complete authentication').waitFor();
  await page.screenshot({ path: join(shots, 'stripe_3ds.png'), fullPage: true });
  await Promise.all([page.waitForURL(/\/success\?session_id=/), page.click('#complete')]);
  const s = await t.stripe.checkout.sessions.retrieve(cs.id);
  assert.equal(s.status, 'complete');
});

test('cancel link returns to cancel_url', async () => {
  const cs = await session(900, 'Canceled item');
  await page.goto(cs.url);
  await Promise.all([page.waitForURL(/\/cancel$/), page.click('#cancel')]);
  assert.equal(await page.textContent('#result'), 'Order canceled');
});

test('the dashboard shows the successful payment', async () => {
  await page.goto(new URL('/dashboard/payments', t.base).href);
  const table = page.locator('#payments');
  await table.waitFor();
  const text = await table.textContent();
  assert.match(text, /\$20\.00/);
  assert.match(text, /\$31\.00/);
  assert.match(text, /succeeded/);
  assert.match(text, /jenny@example\.com/);
  await page.screenshot({ path: join(shots, 'stripe_dashboard_payments.png'), fullPage: true });
  await page.goto(new URL('/dashboard', t.base).href);
  await page.getByText('Recent payments').waitFor();
  await page.screenshot({ path: join(shots, 'stripe_dashboard.png'), fullPage: true });
});

test('subscription mode: paying the hosted page creates an active subscription with a paid invoice', async () => {
  const price = await t.stripe.prices.create({
    unit_amount: 1900, currency: 'usd', recurring: { interval: 'month' }, product_data: { name: 'Browser plan' },
  });
  const cs = await t.stripe.checkout.sessions.create({
    mode: 'subscription',
    line_items: [{ price: price.id, quantity: 1 }],
    success_url: shopUrl('/success?session_id={CHECKOUT_SESSION_ID}'),
    cancel_url: shopUrl('/cancel'),
  });
  await page.goto(cs.url);
  await page.getByText('$19.00').first().waitFor();
  await fillCard('subscriber@example.com', '4242 4242 4242 4242');
  await Promise.all([page.waitForURL(/\/success\?session_id=/), page.click('#submit')]);
  const done = await t.stripe.checkout.sessions.retrieve(cs.id, { expand: ['subscription', 'invoice'] });
  assert.equal(done.status, 'complete');
  assert.equal(done.subscription.status, 'active');
  assert.equal(done.invoice.status, 'paid');
  assert.equal(done.invoice.amount_paid, 1900);
  await page.goto(new URL('/dashboard/subscriptions', t.base).href);
  await page.getByText('subscriber@example.com').first().waitFor();
});
