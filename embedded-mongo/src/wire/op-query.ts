import { BSON, type Document } from 'bson';
import { HEADER_SIZE, OpCode, ProtocolError, writeHeader } from './protocol.js';

/**
 * The legacy OP_QUERY, which drivers still use for the very first handshake
 * (`isMaster`/`hello` on `admin.$cmd`) before they know the server speaks OP_MSG.
 */
export interface OpQueryRequest {
  collection: string;
  query: Document;
}

export function parseOpQuery(frame: Buffer): OpQueryRequest {
  let offset = HEADER_SIZE + 4;
  const nul = frame.indexOf(0, offset);
  if (nul < 0) throw new ProtocolError('unterminated OP_QUERY collection name', false);
  const collection = frame.toString('utf8', offset, nul);
  offset = nul + 1 + 8;
  const size = frame.readInt32LE(offset);
  if (size < 5 || offset + size > frame.length) throw new ProtocolError('OP_QUERY document exceeds message', false);
  let query = BSON.deserialize(frame.subarray(offset, offset + size));
  // Old shells wrap the command as { $query: {...}, $readPreference }.
  if (query.$query && typeof query.$query === 'object') query = query.$query as Document;
  return { collection, query };
}

/** OP_REPLY with one document, cursor id 0. */
export function encodeOpReply(requestId: number, responseTo: number, reply: Document): Buffer {
  const bson = BSON.serialize(reply);
  const buf = Buffer.allocUnsafe(HEADER_SIZE + 20 + bson.length);
  writeHeader(buf, requestId, responseTo, OpCode.Reply);
  buf.writeInt32LE(0, HEADER_SIZE);
  buf.writeBigInt64LE(0n, HEADER_SIZE + 4);
  buf.writeInt32LE(0, HEADER_SIZE + 12);
  buf.writeInt32LE(1, HEADER_SIZE + 16);
  buf.set(bson, HEADER_SIZE + 20);
  return buf;
}
