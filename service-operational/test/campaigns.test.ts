import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aCampaign, aProduct } from './support/builders.js';
import { startTestApp, type ApiResponse, type TestApp } from './support/test-app.js';

interface CampaignBody {
  id: string;
  name: string;
  startsAt: string;
  endsAt: string;
  skus: string[];
  status: 'planned' | 'cancelled';
  active: boolean;
}

let t: TestApp;
let admin: ReturnType<TestApp['as']>;
let planner: ReturnType<TestApp['as']>;

const DAY = 86_400_000;
const at = (offsetDays: number) => new Date(Date.now() + offsetDays * DAY).toISOString();
const UNKNOWN_ID = '0123456789abcdef01234567';
const campaignCount = () => t.models.Campaign.collection.countDocuments();

beforeAll(async () => {
  t = await startTestApp();
  admin = t.as(t.keys.admin);
  planner = t.as(t.keys.planner);
  for (const sku of ['CMP-1', 'CMP-2', 'CMP-3']) expect((await admin.post('/api/products', aProduct({ sku }))).status).toBe(201);
});
afterAll(() => t.close());

function expectInvalid(res: ApiResponse, ...paths: string[]): void {
  expect(res.status, JSON.stringify(res.body)).toBe(400);
  expect(res.body).toMatchObject({ statusCode: 400, code: 'INVALID_INPUT', error: 'Bad Request' });
  expect(res.body.details.map((d: { path: string }) => d.path)).toEqual(expect.arrayContaining(paths));
}

async function create(overrides: Record<string, unknown> = {}, skus = ['CMP-1']): Promise<CampaignBody> {
  const res = await planner.post('/api/campaigns', aCampaign(skus, overrides));
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as CampaignBody;
}

const ids = (items: CampaignBody[]) => items.map((c) => c.id);

describe('creating and reading campaigns', () => {
  it('creates a running campaign, deduplicating SKUs', async () => {
    const body = aCampaign(['CMP-1', 'CMP-2', 'CMP-1'], { discountPercent: 12.5 });
    const before = await campaignCount();
    const res = await planner.post('/api/campaigns', body);
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{24}$/),
      name: body.name,
      discountPercent: 12.5,
      startsAt: body.startsAt,
      endsAt: body.endsAt,
      skus: ['CMP-1', 'CMP-2'],
      status: 'planned',
      active: true,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    expect(await campaignCount()).toBe(before + 1);
    expect((await admin.get(`/api/campaigns/${res.body.id}`)).body).toEqual(res.body);
  });

  it('normalises offsets to UTC', async () => {
    const res = await planner.post('/api/campaigns', aCampaign(['CMP-1'], { startsAt: '2030-03-01T09:00:00+02:00', endsAt: '2030-03-02T09:00:00+02:00' }));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ startsAt: '2030-03-01T07:00:00.000Z', endsAt: '2030-03-02T07:00:00.000Z', active: false });
  });

  it('computes active from the period: past and future campaigns are not active', async () => {
    const past = await create({ startsAt: at(-10), endsAt: at(-5) });
    const future = await create({ startsAt: at(5), endsAt: at(10) });
    expect([past.active, future.active]).toEqual([false, false]);
    expect((await admin.get(`/api/campaigns/${future.id}`)).body.active).toBe(false);
  });

  it('refuses endsAt at or before startsAt', async () => {
    const before = await campaignCount();
    expectInvalid(await planner.post('/api/campaigns', aCampaign(['CMP-1'], { startsAt: at(2), endsAt: at(1) })), 'endsAt');
    const same = at(3);
    const res = await planner.post('/api/campaigns', aCampaign(['CMP-1'], { startsAt: same, endsAt: same }));
    expectInvalid(res, 'endsAt');
    expect(res.body.details[0].message).toBe('endsAt must be after startsAt');
    expect(await campaignCount()).toBe(before);
  });

  it('refuses unknown SKUs with 404, naming them, and stores nothing', async () => {
    const before = await campaignCount();
    const res = await planner.post('/api/campaigns', aCampaign(['CMP-1', 'GHOST-1', 'GHOST-2']));
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('GHOST-1') });
    expect(res.body.message).toContain('GHOST-2');
    expect(res.body.message).not.toContain('CMP-1');
    expect(await campaignCount()).toBe(before);
  });

  it("does not let a campaign use another tenant's product", async () => {
    expect((await t.as(t.keys.otherTenant).post('/api/products', aProduct({ sku: 'GLOBEX-ONLY' }))).status).toBe(201);
    expect((await planner.post('/api/campaigns', aCampaign(['GLOBEX-ONLY']))).status).toBe(404);
  });

  const invalidCreates: Array<[string, Record<string, unknown>, string]> = [
    ['missing required field', { name: undefined }, 'name'],
    ['wrong type', { discountPercent: '10' }, 'discountPercent'],
    ['zero discount', { discountPercent: 0 }, 'discountPercent'],
    ['out of range discount', { discountPercent: 95 }, 'discountPercent'],
    ['no SKUs', { skus: [] }, 'skus'],
    ['a bad SKU', { skus: ['ok', 'not ok'] }, 'skus.1'],
    ['a date without offset', { startsAt: '2030-01-01T00:00:00' }, 'startsAt'],
    ['a date only', { endsAt: '2030-01-02' }, 'endsAt'],
    ['unknown extra field', { channel: 'web' }, 'channel'],
    ['a status on create', { status: 'planned' }, 'status'],
  ];
  it.each(invalidCreates)('refuses a campaign with %s and stores nothing', async (_label, overrides, path) => {
    const before = await campaignCount();
    expectInvalid(await planner.post('/api/campaigns', aCampaign(['CMP-1'], overrides)), path);
    expect(await campaignCount()).toBe(before);
  });

  it('refuses a bad id and answers 404 for an unknown one', async () => {
    expectInvalid(await admin.get('/api/campaigns/summer-sale'), 'id');
    expectInvalid(await planner.put('/api/campaigns/summer-sale', { name: 'x' }), 'id');
    expect((await admin.get(`/api/campaigns/${UNKNOWN_ID}`)).status).toBe(404);
    expect((await planner.put(`/api/campaigns/${UNKNOWN_ID}`, { name: 'x' })).status).toBe(404);
  });
});

describe('updating campaigns', () => {
  it('changes fields and deduplicates new SKUs', async () => {
    const c = await create({ startsAt: at(1), endsAt: at(3) });
    const res = await planner.put(`/api/campaigns/${c.id}`, { name: 'Spring', discountPercent: 30, skus: ['CMP-3', 'CMP-2', 'CMP-3'], startsAt: at(-1) });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: c.id,
      name: 'Spring',
      discountPercent: 30,
      skus: ['CMP-3', 'CMP-2'],
      endsAt: c.endsAt,
      active: true,
      status: 'planned',
    });
  });

  it('refuses an end before the start, against the stored dates too', async () => {
    const c = await create({ startsAt: at(1), endsAt: at(3) });
    expectInvalid(await planner.put(`/api/campaigns/${c.id}`, { startsAt: at(5), endsAt: at(4) }), 'endsAt');
    expectInvalid(await planner.put(`/api/campaigns/${c.id}`, { endsAt: at(0.5) }), 'endsAt');
    expectInvalid(await planner.put(`/api/campaigns/${c.id}`, { startsAt: at(4) }), 'endsAt');
    const stored = (await admin.get(`/api/campaigns/${c.id}`)).body;
    expect([stored.startsAt, stored.endsAt]).toEqual([c.startsAt, c.endsAt]);
  });

  it('refuses unknown SKUs and leaves the campaign as it was', async () => {
    const c = await create({}, ['CMP-1', 'CMP-2']);
    const res = await planner.put(`/api/campaigns/${c.id}`, { skus: ['CMP-1', 'GHOST-9'], name: 'Changed' });
    expect(res.status).toBe(404);
    expect(res.body.message).toContain('GHOST-9');
    expect((await admin.get(`/api/campaigns/${c.id}`)).body).toMatchObject({ skus: ['CMP-1', 'CMP-2'], name: c.name });
  });

  it('refuses bad update bodies', async () => {
    const c = await create();
    expectInvalid(await planner.put(`/api/campaigns/${c.id}`, {}), '');
    expectInvalid(await planner.put(`/api/campaigns/${c.id}`, { status: 'running' }), 'status');
    expectInvalid(await planner.put(`/api/campaigns/${c.id}`, { discountPercent: 91 }), 'discountPercent');
    expectInvalid(await planner.put(`/api/campaigns/${c.id}`, { active: false }), 'active');
    expect((await admin.get(`/api/campaigns/${c.id}`)).body).toMatchObject({ discountPercent: 15, status: 'planned', active: true });
  });
});

describe('active campaigns and the list', () => {
  let running: CampaignBody[];
  let future: CampaignBody;
  let past: CampaignBody;

  beforeAll(async () => {
    // This describe block works on campaigns it creates; start from an empty collection.
    await t.models.Campaign.collection.deleteMany({});
    running = [
      await create({ name: 'Run B', startsAt: at(-2), endsAt: at(1) }, ['CMP-1']),
      await create({ name: 'Run A', startsAt: at(-3), endsAt: at(2) }, ['CMP-2']),
      await create({ name: 'Run C', startsAt: at(-1), endsAt: at(3) }, ['CMP-1', 'CMP-3']),
    ];
    future = await create({ name: 'Future', startsAt: at(2), endsAt: at(4) }, ['CMP-1']);
    past = await create({ name: 'Past', startsAt: at(-4), endsAt: at(-3) }, ['CMP-2']);
  });

  it('lists only running planned campaigns, earliest start first', async () => {
    const res = await admin.get('/api/campaigns/active');
    expect(res.status).toBe(200);
    expect(res.body.map((c: CampaignBody) => c.name)).toEqual(['Run A', 'Run B', 'Run C']);
    expect(res.body.every((c: CampaignBody) => c.active && c.status === 'planned')).toBe(true);
  });

  it('filters the list by activeOnly, status and SKU, sorted by start', async () => {
    const all = await admin.get('/api/campaigns');
    expect(all.body.items.map((c: CampaignBody) => c.name)).toEqual(['Past', 'Run A', 'Run B', 'Run C', 'Future']);
    expect(all.body.items.map((c: CampaignBody) => c.active)).toEqual([false, true, true, true, false]);
    const activeOnly = await admin.get('/api/campaigns?activeOnly=true');
    expect(activeOnly.body.items.map((c: CampaignBody) => c.name)).toEqual(['Run A', 'Run B', 'Run C']);
    const notFiltered = await admin.get('/api/campaigns?activeOnly=false');
    expect(notFiltered.body.items).toHaveLength(5);
    const withSku = await admin.get('/api/campaigns?sku=CMP-1');
    expect(withSku.body.items.map((c: CampaignBody) => c.name)).toEqual(['Run B', 'Run C', 'Future']);
    const activeWithSku = await admin.get('/api/campaigns?sku=CMP-1&activeOnly=1');
    expect(activeWithSku.body.items.map((c: CampaignBody) => c.name)).toEqual(['Run B', 'Run C']);
    const byName = await admin.get('/api/campaigns?sort=name&order=desc');
    expect(byName.body.items.map((c: CampaignBody) => c.name)).toEqual(['Run C', 'Run B', 'Run A', 'Past', 'Future']);
  });

  it('walks the list page by page', async () => {
    const seen: string[] = [];
    const sizes: number[] = [];
    let cursor: string | null = null;
    do {
      const res: ApiResponse = await admin.get(`/api/campaigns?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      sizes.push(res.body.items.length);
      seen.push(...ids(res.body.items));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(sizes).toEqual([2, 2, 1]);
    expect(seen).toEqual([past, running[1]!, running[0]!, running[2]!, future].map((c) => c.id));
  });

  it('drops a cancelled campaign from the active ones', async () => {
    const cancelled = await planner.put(`/api/campaigns/${running[0]!.id}`, { status: 'cancelled' });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', active: false, name: 'Run B' });
    expect((await admin.get('/api/campaigns/active')).body.map((c: CampaignBody) => c.name)).toEqual(['Run A', 'Run C']);
    expect((await admin.get('/api/campaigns?activeOnly=true')).body.items.map((c: CampaignBody) => c.name)).toEqual(['Run A', 'Run C']);
    expect((await admin.get('/api/campaigns?status=cancelled')).body.items.map((c: CampaignBody) => c.name)).toEqual(['Run B']);
    expect((await admin.get('/api/campaigns?status=planned')).body.items).toHaveLength(4);
    // Filters combine: a cancelled campaign is never active.
    expect((await admin.get('/api/campaigns?status=cancelled&activeOnly=true')).body.items).toEqual([]);
    expect((await admin.get('/api/campaigns?status=planned&activeOnly=true')).body.items.map((c: CampaignBody) => c.name)).toEqual(['Run A', 'Run C']);
  });

  it('makes a campaign active when its period is moved to now', async () => {
    const res = await planner.put(`/api/campaigns/${future.id}`, { startsAt: at(-0.5) });
    expect(res.body.active).toBe(true);
    expect((await admin.get('/api/campaigns/active')).body.map((c: CampaignBody) => c.name)).toEqual(['Run A', 'Run C', 'Future']);
  });

  it('refuses bad list parameters', async () => {
    expectInvalid(await admin.get('/api/campaigns?activeOnly=yes'), 'activeOnly');
    expectInvalid(await admin.get('/api/campaigns?status=running'), 'status');
    expectInvalid(await admin.get('/api/campaigns?sort=discountPercent'), 'sort');
    expectInvalid(await admin.get('/api/campaigns?sku=bad%20sku'), 'sku');
    expectInvalid(await admin.get('/api/campaigns?limit=1000'), 'limit');
    expectInvalid(await admin.get('/api/campaigns?cursor=%%%'), 'cursor');
    expectInvalid(await admin.get('/api/campaigns?from=2030-01-01'), 'from');
  });
});
