import net from 'node:net';
import { BSON, type Document } from 'bson';
import type { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, startTestServer, uniqueDbName, type TestServer } from './harness.js';

let server: TestServer;
let client: MongoClient;
const dbName = uniqueDbName('wire');

beforeAll(async () => {
  server = await startTestServer();
  client = await connect(server);
});

afterAll(async () => {
  await client.close();
  await server.stop();
});

/** host/port of the server under test, from its URI. */
function address(): { host: string; port: number } {
  const url = new URL(server.uri);
  return { host: url.hostname, port: Number(url.port) };
}

function opMsg(requestId: number, body: Document, flags = 0): Buffer {
  const bson = BSON.serialize(body);
  const buf = Buffer.alloc(21 + bson.length);
  buf.writeInt32LE(buf.length, 0);
  buf.writeInt32LE(requestId, 4);
  buf.writeInt32LE(2013, 12);
  buf.writeUInt32LE(flags, 16);
  buf.set(bson, 21);
  return buf;
}

function opQuery(requestId: number, collection: string, query: Document): Buffer {
  const name = Buffer.from(`${collection}\0`);
  const bson = BSON.serialize(query);
  const buf = Buffer.alloc(16 + 4 + name.length + 8 + bson.length);
  buf.writeInt32LE(buf.length, 0);
  buf.writeInt32LE(requestId, 4);
  buf.writeInt32LE(2004, 12);
  name.copy(buf, 20);
  buf.writeInt32LE(-1, 20 + name.length + 4);
  buf.set(bson, 20 + name.length + 8);
  return buf;
}

interface RawReply {
  opCode: number;
  responseTo: number;
  body: Document;
}

/** A raw socket that collects replies (OP_MSG or OP_REPLY) as they arrive. */
async function rawSocket(): Promise<{ socket: net.Socket; replies: (count: number) => Promise<RawReply[]>; closed: Promise<void> }> {
  const socket = net.connect(address());
  await new Promise((resolve) => socket.once('connect', resolve));
  let pending = Buffer.alloc(0);
  const parsed: RawReply[] = [];
  socket.on('data', (chunk: Buffer) => {
    pending = Buffer.concat([pending, chunk]);
    while (pending.length >= 4 && pending.length >= pending.readInt32LE(0)) {
      const frame = pending.subarray(0, pending.readInt32LE(0));
      pending = pending.subarray(frame.length);
      const opCode = frame.readInt32LE(12);
      const offset = opCode === 1 ? 36 : 21;
      parsed.push({ opCode, responseTo: frame.readInt32LE(8), body: BSON.deserialize(frame.subarray(offset)) });
    }
  });
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  const replies = async (count: number): Promise<RawReply[]> => {
    for (let i = 0; i < 200 && parsed.length < count; i++) await new Promise((r) => setTimeout(r, 10));
    return parsed.slice(0, count);
  };
  return { socket, replies, closed };
}

describe('handshake', () => {
  it('hello describes the primary of a one-member replica set', async () => {
    const hello = await client.db('admin').command({ hello: 1 });
    const { host, port } = address();
    expect(hello.isWritablePrimary).toBe(true);
    expect(hello.secondary).toBe(false);
    expect(hello.setName).toBeTypeOf('string');
    expect(hello.hosts).toEqual([`${host}:${port}`]);
    expect(hello.primary).toBe(`${host}:${port}`);
    expect(hello.me).toBe(`${host}:${port}`);
    expect(hello.maxBsonObjectSize).toBe(16 * 1024 * 1024);
    expect(hello.maxMessageSizeBytes).toBe(48_000_000);
    expect(hello.maxWriteBatchSize).toBe(100_000);
    expect(hello.logicalSessionTimeoutMinutes).toBe(30);
    expect(hello.maxWireVersion).toBeGreaterThanOrEqual(21);
    expect(hello.localTime).toBeInstanceOf(Date);
    expect(hello.ok).toBe(1);
    expect(hello.operationTime).toBeDefined();
    expect(hello.$clusterTime.clusterTime).toBeDefined();
  });

  it('answers the legacy isMaster names with ismaster: true', async () => {
    const legacy = await client.db('admin').command({ isMaster: 1 });
    const lower = await client.db('admin').command({ ismaster: 1 });
    expect(legacy.ismaster).toBe(true);
    expect(lower.ismaster).toBe(true);
  });

  it('answers an OP_QUERY handshake with OP_REPLY', async () => {
    const raw = await rawSocket();
    raw.socket.write(opQuery(7, 'admin.$cmd', { isMaster: 1, helloOk: true }));
    const [reply] = await raw.replies(1);
    raw.socket.destroy();
    expect(reply?.opCode).toBe(1);
    expect(reply?.responseTo).toBe(7);
    expect(reply?.body.ismaster).toBe(true);
    expect(reply?.body.helloOk).toBe(true);
  });
});

describe('framing', () => {
  it('handles several frames in one chunk and a frame split across chunks', async () => {
    const raw = await rawSocket();
    raw.socket.write(Buffer.concat([opMsg(1, { ping: 1, $db: 'admin' }), opMsg(2, { ping: 1, $db: 'admin' })]));
    const third = opMsg(3, { buildInfo: 1, $db: 'admin' });
    raw.socket.write(third.subarray(0, 10));
    await new Promise((r) => setTimeout(r, 30));
    raw.socket.write(third.subarray(10));
    const replies = await raw.replies(3);
    raw.socket.destroy();
    expect(replies.map((r) => r.responseTo)).toEqual([1, 2, 3]);
    expect(replies.map((r) => r.body.ok)).toEqual([1, 1, 1]);
    expect(replies[2]?.body.version).toBeTypeOf('string');
  });

  it('reads kind-1 document sequences as an array field of the body', async () => {
    const coll = 'sequence';
    const body = BSON.serialize({ insert: coll, $db: dbName });
    const docs = [BSON.serialize({ _id: 1 }), BSON.serialize({ _id: 2 })];
    const ident = Buffer.from('documents\0');
    const seqSize = 4 + ident.length + docs.reduce((n, d) => n + d.length, 0);
    const frame = Buffer.alloc(16 + 4 + 1 + body.length + 1 + seqSize);
    frame.writeInt32LE(frame.length, 0);
    frame.writeInt32LE(9, 4);
    frame.writeInt32LE(2013, 12);
    let at = 21;
    frame.set(body, at);
    at += body.length;
    frame[at++] = 1;
    frame.writeInt32LE(seqSize, at);
    ident.copy(frame, at + 4);
    at += 4 + ident.length;
    for (const d of docs) at += (frame.set(d, at), d.length);
    const raw = await rawSocket();
    raw.socket.write(frame);
    const [reply] = await raw.replies(1);
    raw.socket.destroy();
    expect(reply?.body.n).toBe(2);
    expect(await client.db(dbName).collection(coll).countDocuments()).toBe(2);
  });

  it('sends no reply when the client sets moreToCome', async () => {
    const raw = await rawSocket();
    raw.socket.write(opMsg(1, { insert: 'fireAndForget', documents: [{ _id: 'x' }], $db: dbName }, 2));
    raw.socket.write(opMsg(2, { ping: 1, $db: 'admin' }));
    const replies = await raw.replies(1);
    raw.socket.destroy();
    expect(replies.map((r) => r.responseTo)).toEqual([2]);
    expect(await client.db(dbName).collection('fireAndForget').findOne({})).toEqual({ _id: 'x' });
  });

  it('skips the CRC-32C trailer when checksumPresent is set', async () => {
    const frame = opMsg(4, { ping: 1, $db: 'admin' }, 1);
    const withChecksum = Buffer.concat([frame, Buffer.alloc(4)]);
    withChecksum.writeInt32LE(withChecksum.length, 0);
    const raw = await rawSocket();
    raw.socket.write(withChecksum);
    const [reply] = await raw.replies(1);
    raw.socket.destroy();
    expect(reply?.body.ok).toBe(1);
  });
});

describe('connections', () => {
  it('serves many concurrent connections', async () => {
    const clients = await Promise.all(Array.from({ length: 10 }, () => connect(server)));
    const coll = (c: MongoClient): ReturnType<ReturnType<MongoClient['db']>['collection']> => c.db(dbName).collection('concurrent');
    await Promise.all(clients.map((c, i) => Promise.all(Array.from({ length: 20 }, (_, j) => coll(c).insertOne({ i, j })))));
    expect(await coll(client).countDocuments()).toBe(200);
    await Promise.all(clients.map((c) => c.close()));
    expect((await client.db('admin').command({ ping: 1 })).ok).toBe(1);
  });

  it('answers unknown commands with CommandNotFound', async () => {
    await expect(client.db('admin').command({ noSuchThing: 1 })).rejects.toMatchObject({
      code: 59,
      message: "no such command: 'noSuchThing'",
    });
  });
});
