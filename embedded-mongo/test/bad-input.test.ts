import net from 'node:net';
import { BSON } from 'bson';
import type { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, startTestServer, uniqueDbName, type TestServer } from './harness.js';

let server: TestServer;
let client: MongoClient;
const dbName = uniqueDbName('bad');

beforeAll(async () => {
  server = await startTestServer();
  client = await connect(server);
});

afterAll(async () => {
  await client.close();
  await server.stop();
});

/** Send raw bytes; resolve with whatever came back before the server closed or 500 ms passed. */
async function sendRaw(bytes: Buffer): Promise<{ data: Buffer; closed: boolean }> {
  const url = new URL(server.uri);
  const socket = net.connect({ host: url.hostname, port: Number(url.port) });
  const chunks: Buffer[] = [];
  let closed = false;
  socket.on('data', (c: Buffer) => chunks.push(c));
  socket.on('error', () => undefined);
  await new Promise((resolve) => socket.once('connect', resolve));
  socket.write(bytes);
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 500);
    socket.once('close', () => {
      closed = true;
      clearTimeout(timer);
      resolve();
    });
  });
  socket.destroy();
  return { data: Buffer.concat(chunks), closed };
}

async function stillServes(): Promise<void> {
  const coll = client.db(dbName).collection('alive');
  await coll.insertOne({ at: Date.now() });
  expect(await coll.countDocuments()).toBeGreaterThan(0);
}

describe('malformed frames', () => {
  it('closes a connection that sends garbage, and keeps serving others', async () => {
    const result = await sendRaw(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
    expect(result.closed).toBe(true);
    expect(result.data.length).toBe(0);
    await stillServes();
  });

  it('answers an OP_MSG with broken BSON with an error reply', async () => {
    const frame = Buffer.alloc(21 + 12);
    frame.writeInt32LE(frame.length, 0);
    frame.writeInt32LE(5, 4);
    frame.writeInt32LE(2013, 12);
    frame.writeInt32LE(12, 21);
    frame.fill(0xff, 25);
    const { data } = await sendRaw(frame);
    expect(data.readInt32LE(8)).toBe(5);
    const reply = BSON.deserialize(data.subarray(21));
    expect(reply.ok).toBe(0);
    expect(reply.code).toBe(9);
    await stillServes();
  });

  it('closes on an impossible message length', async () => {
    const frame = Buffer.alloc(16);
    frame.writeInt32LE(100_000_000, 0);
    const result = await sendRaw(frame);
    expect(result.closed).toBe(true);
    await stillServes();
  });

  it('answers an unsupported opcode by closing only that connection', async () => {
    const frame = Buffer.alloc(20);
    frame.writeInt32LE(20, 0);
    frame.writeInt32LE(2010, 12);
    const result = await sendRaw(frame);
    expect(result.closed).toBe(true);
    await stillServes();
  });
});

describe('bad commands', () => {
  it('rejects an unknown query operator with BadValue', async () => {
    const coll = client.db(dbName).collection('ops');
    await coll.insertOne({ a: 1 });
    await expect(coll.find({ a: { $foo: 1 } }).toArray()).rejects.toMatchObject({ code: 2 });
    await expect(coll.find({ $foo: 1 }).toArray()).rejects.toMatchObject({ code: 2 });
    await stillServes();
  });

  it('rejects an unknown update operator with FailedToParse', async () => {
    const coll = client.db(dbName).collection('ops');
    await expect(coll.updateOne({ a: 1 }, { $foo: { a: 2 } })).rejects.toMatchObject({ code: 9 });
    expect(await coll.findOne({ a: 1 }, { projection: { _id: 0 } })).toEqual({ a: 1 });
  });

  it('rejects documents over 16 MiB with BSONObjectTooLarge', async () => {
    const big = 'x'.repeat(16 * 1024 * 1024 + 10);
    const reply = await client.db(dbName).command({ insert: 'big', documents: [{ big }] });
    expect(reply.n).toBe(0);
    expect(reply.writeErrors).toMatchObject([{ index: 0, code: 10334 }]);
    await expect(client.db(dbName).collection('big').countDocuments()).resolves.toBe(0);
  });

  it('rejects an update that changes _id', async () => {
    const coll = client.db(dbName).collection('immutable');
    await coll.insertOne({ _id: 1, v: 1 } as never);
    await expect(coll.updateOne({ _id: 1 } as never, { $set: { _id: 2 } })).rejects.toMatchObject({ code: 66 });
  });

  it('rejects invalid collection names', async () => {
    await expect(client.db(dbName).command({ insert: 'bad$name', documents: [{}] })).rejects.toMatchObject({ code: 73 });
  });

  it('reports CursorNotFound for an unknown cursor', async () => {
    await expect(client.db(dbName).command({ getMore: BSON.Long.fromNumber(12345), collection: 'ops' })).rejects.toMatchObject({ code: 43 });
  });
});
