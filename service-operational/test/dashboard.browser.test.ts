import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueSignInCode } from '../src/sessions/session.service.js';
import { aCustomer, aLocation, aProduct } from './support/builders.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));
const [SKU, LOW_SKU, GAP_SKU, WH] = ['DASH-1', 'DASH-2', 'DASH-3', 'DASH-WH'];

let t: TestApp;
let browser: Browser;

/** Debian's Chromium; a missing browser is a failure with the fix, never a skip. */
async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`The dashboard browser test needs Chromium at ${CHROMIUM}. Install it with: sudo apt-get install chromium`);
  }
  return chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
}

async function adjust(sku: string, quantity: number) {
  const res = await t.as(t.keys.warehouse).post('/api/stock/adjustment', { sku, locationCode: WH, quantity, reason: 'browser test' });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
}

/** What the browser sent for each request of the page: its URL, its Referer, and the Referrer-Policy answered. */
interface Sent {
  url: string;
  referer: string | undefined;
  referrerPolicy: string | undefined;
}

/** A page with its uncaught errors and its requests collected, so a broken script fails the test. */
async function openPage(path: string): Promise<{ page: Page; errors: string[]; sent: Sent[] }> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 800 } });
  const errors: string[] = [];
  const sent: Sent[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('response', (response) => {
    const request = response.request();
    sent.push({ url: request.url(), referer: request.headers().referer, referrerPolicy: response.headers()['referrer-policy'] });
  });
  await page.goto(`${t.baseUrl}${path}`);
  return { page, errors, sent };
}

/** The URLs of the tab's history entries (back/forward list), as the browser keeps them. */
async function historyUrls(page: Page): Promise<string[]> {
  const cdp = await page.context().newCDPSession(page);
  const { entries } = (await cdp.send('Page.getNavigationHistory')) as { entries: Array<{ url: string }> };
  await cdp.detach();
  return entries.map((entry) => entry.url);
}

/** A one-time sign-in link for a key of the test tenant, as `pnpm start` prints one. */
async function signInLink(keyName: string): Promise<{ path: string; code: string }> {
  const key = await t.models.ApiKey.collection.findOne({ name: keyName });
  const code = await issueSignInCode(t.models, String(key!._id));
  return { path: `/signin?code=${code}`, code };
}

beforeAll(async () => {
  browser = await launchChromium();
  t = await startTestApp();
  const admin = t.as(t.keys.admin);
  expect((await admin.post('/api/products', aProduct({ sku: SKU, reorderPoint: 10 }))).status).toBe(201);
  expect((await admin.post('/api/products', aProduct({ sku: LOW_SKU, reorderPoint: 50 }))).status).toBe(201);
  expect((await admin.post('/api/products', aProduct({ sku: GAP_SKU, reorderPoint: 1 }))).status).toBe(201);
  expect((await admin.post('/api/locations', aLocation({ code: WH }))).status).toBe(201);
  await adjust(SKU, 30);
  await adjust(GAP_SKU, 100);
  await adjust(LOW_SKU, 20);
});
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

describe('the live dashboard in a browser', () => {
  it('shows the snapshot, then updates rows in place as stock and orders change', async () => {
    const link = await signInLink('admin key');
    const { page, errors, sent } = await openPage(link.path);
    await page.click('nav a[data-view="stock"]');
    const row = page.locator(`#stock-rows tr[data-sku="${SKU}"][data-location="${WH}"]`);
    const cell = (field: string) => row.locator(`[data-field="${field}"]`);
    const poll = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 10_000 });
    const classes = async () => (await row.getAttribute('class')) ?? '';

    await row.waitFor({ timeout: 10_000 });
    await poll(() => page.locator('#status').getAttribute('data-state')).toBe('live');
    // The one-time code left the address bar and the history with the redirect to / (the stock view is its own hash).
    expect(page.url()).toBe(`${t.baseUrl}/#/stock`);
    expect((await historyUrls(page)).filter((url) => url.includes(link.code))).toEqual([]);
    // Only the sign-in request carried the code; nothing sent a Referer, and the dashboard's own files say no Referer either.
    expect(sent.filter((request) => request.url.includes(link.code)).map((request) => request.url)).toEqual([`${t.baseUrl}${link.path}`]);
    expect(sent.filter((request) => request.url.includes(t.keys.admin) || Boolean(request.referer))).toEqual([]);
    const dashboardFiles = sent.filter((request) => request.url === `${t.baseUrl}/` || request.url.startsWith(`${t.baseUrl}/dashboard/`));
    expect(dashboardFiles.length).toBeGreaterThan(3);
    expect(dashboardFiles.filter((request) => request.referrerPolicy !== 'no-referrer')).toEqual([]);
    expect(await cell('onHand').textContent()).toBe('30');
    expect(await classes()).not.toContain('low-stock');
    // SKU order, as the stock list pages it; low stock marked.
    expect(await page.locator('#stock-rows tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-sku')))).toEqual([SKU, LOW_SKU, GAP_SKU]);
    expect(await page.locator(`#stock-rows tr[data-sku="${LOW_SKU}"]`).getAttribute('class')).toContain('low-stock');

    await adjust(SKU, -25);
    await poll(() => cell('onHand').textContent()).toBe('5');
    expect(await cell('available').textContent()).toBe('5');
    await poll(classes).toContain('low-stock');

    const customer = aCustomer();
    expect((await t.as(t.keys.admin).post('/api/customers', customer)).status).toBe(201);
    const order = await t
      .as(t.keys.sales)
      .post('/api/orders/sales', { customerCode: customer.code, locationCode: WH, lines: [{ sku: SKU, quantity: 3 }], confirm: true });
    expect(order.status, JSON.stringify(order.body)).toBe(201);
    await poll(() => cell('reserved').textContent()).toBe('3');
    expect(await cell('available').textContent()).toBe('2');
    const orderItem = page.locator(`#stream [data-order-id="${order.body.id}"]`);
    await poll(() => orderItem.locator('[data-field="status"]').textContent()).toBe('confirmed');
    expect(await orderItem.textContent()).toContain(order.body.orderNumber);

    await adjust(SKU, 40);
    await poll(() => cell('available').textContent()).toBe('42');
    await poll(classes).not.toContain('low-stock');

    const snapshot = await t.as(t.keys.admin).get('/api/live/snapshot');
    await poll(() => page.locator('#seq').textContent()).toBe(String(snapshot.body.seq));
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: `${ARTIFACTS}dashboard.png`, fullPage: true, animations: 'disabled' });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('notices a lost event by its seq and reloads the snapshot', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    // Sit between the page and the server's WebSocket so one event frame can be lost, as on a flaky network.
    let seenOverWebSocket = 0;
    let dropNext = false;
    await page.routeWebSocket(/\/socket\.io\//, (ws) => {
      const server = ws.connectToServer();
      server.onMessage((message) => {
        if (typeof message === 'string' && message.startsWith('42["stock:updated"')) {
          seenOverWebSocket += 1;
          if (dropNext) {
            dropNext = false;
            return;
          }
        }
        ws.send(message);
      });
    });
    // The deprecated link form: the key in the fragment, exchanged for the cookie at once.
    await page.goto(`${t.baseUrl}/#key=${t.keys.admin}`);
    await page.click('nav a[data-view="stock"]');
    const onHand = page.locator(`#stock-rows tr[data-sku="${GAP_SKU}"] [data-field="onHand"]`);
    const poll = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 10_000 });
    await poll(() => page.locator('#status').getAttribute('data-state')).toBe('live');
    expect(await onHand.textContent()).toBe('100');
    expect(await page.locator('body').getAttribute('data-resyncs')).toBe('1');

    // Socket.IO may start on HTTP long-polling; go on once events come over the WebSocket.
    let expected = 100;
    while (seenOverWebSocket === 0) {
      await adjust(GAP_SKU, 1);
      expected += 1;
      await poll(() => onHand.textContent()).toBe(String(expected));
    }
    dropNext = true;
    await adjust(GAP_SKU, 5); // lost on the way
    await poll(async () => dropNext).toBe(false);
    expect(await onHand.textContent()).toBe(String(expected));
    await adjust(GAP_SKU, 7); // its seq reveals the gap
    await poll(() => onHand.textContent()).toBe(String(expected + 12));
    expect(await page.locator('body').getAttribute('data-resyncs')).toBe('2');
    const snapshot = await t.as(t.keys.admin).get('/api/live/snapshot');
    await poll(() => page.locator('#seq').textContent()).toBe(String(snapshot.body.seq));
    expect(errors).toEqual([]);
    await page.close();
  });

  it('sends a visitor without a session to the sign-in page; the key, typed once, ends up in no URL, history or storage', async () => {
    const { page, errors, sent } = await openPage('/');
    await page.waitForURL(`${t.baseUrl}/signin`, { timeout: 10_000 });
    // Keyboard only: the field has focus, Enter submits.
    await expect.poll(() => page.evaluate('document.activeElement?.id')).toBe('key-input');
    await page.keyboard.type('icc_wrong');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('#key-error').textContent(), { timeout: 10_000 }).toMatch(/not valid/);
    expect(await page.evaluate('document.activeElement?.id')).toBe('key-input');
    expect(await page.getByLabel('API key').getAttribute('type')).toBe('password');

    await page.getByLabel('API key').fill(t.keys.planner);
    await page.keyboard.press('Enter');
    await page.waitForURL(`${t.baseUrl}/`, { timeout: 10_000 });
    await page.click('nav a[data-view="stock"]');
    await page.locator(`#stock-rows tr[data-sku="${SKU}"]`).waitFor({ timeout: 10_000 });
    await expect.poll(() => page.locator('#status').getAttribute('data-state'), { timeout: 10_000 }).toBe('live');

    const cookies = await page.context().cookies();
    expect(cookies.map(({ name, httpOnly, sameSite, path }) => ({ name, httpOnly, sameSite, path }))).toEqual([
      { name: 'icc_session', httpOnly: true, sameSite: 'Strict', path: '/' },
    ]);
    expect(await page.evaluate('document.cookie')).toBe('');
    const stored = String(await page.evaluate('JSON.stringify({ ...sessionStorage }) + JSON.stringify({ ...localStorage })'));
    expect(stored).not.toContain(t.keys.planner);
    expect(page.url()).not.toContain(t.keys.planner);
    expect((await historyUrls(page)).filter((url) => url.includes('icc_'))).toEqual([]);
    expect(sent.filter((request) => request.url.includes(t.keys.planner))).toEqual([]);

    // Sign out: back to the sign-in page, and the session no longer opens the API.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${t.baseUrl}/signin`, { timeout: 10_000 });
    const after = await page.evaluate("fetch('/api/live/snapshot').then((response) => response.status)");
    expect(after).toBe(401);
    expect(errors).toEqual([]);
    await page.close();
  });
});
