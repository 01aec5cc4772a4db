import { BSON, type Document } from 'bson';
import { HEADER_SIZE, MsgFlag, OpCode, ProtocolError, writeHeader } from './protocol.js';

export interface OpMsgRequest {
  flags: number;
  /** The command: section kind 0, with every kind-1 document sequence added as an array field. */
  body: Document;
}

/** Options for decoding incoming documents: keep BSON types the app can see (Decimal128, Binary...). */
const DESERIALIZE_OPTIONS = { promoteBuffers: false, bsonRegExp: false } as const;

/** Parse an OP_MSG frame (header included). Throws a non-fatal ProtocolError when malformed. */
export function parseOpMsg(frame: Buffer): OpMsgRequest {
  const flags = frame.readUInt32LE(HEADER_SIZE);
  // The trailing CRC-32C is only there when the client asked for it; we trust TCP.
  const end = flags & MsgFlag.ChecksumPresent ? frame.length - 4 : frame.length;
  let offset = HEADER_SIZE + 4;
  let body: Document | undefined;
  const sequences: Array<[string, Document[]]> = [];
  while (offset < end) {
    const kind = frame[offset];
    offset += 1;
    if (kind === 0) {
      const size = frame.readInt32LE(offset);
      checkBounds(offset, size, end);
      body = BSON.deserialize(frame.subarray(offset, offset + size), DESERIALIZE_OPTIONS);
      offset += size;
    } else if (kind === 1) {
      const size = frame.readInt32LE(offset);
      checkBounds(offset, size, end);
      sequences.push(parseSequence(frame.subarray(offset + 4, offset + size)));
      offset += size;
    } else {
      throw new ProtocolError(`unknown OP_MSG section kind ${String(kind)}`, false);
    }
  }
  if (!body) throw new ProtocolError('OP_MSG has no body section', false);
  for (const [identifier, docs] of sequences) body[identifier] = docs;
  return { flags, body };
}

function checkBounds(offset: number, size: number, end: number): void {
  if (size < 5 || offset + size > end) throw new ProtocolError('OP_MSG section exceeds message', false);
}

/** A kind-1 section: `cstring identifier` then BSON documents back to back. */
function parseSequence(section: Buffer): [string, Document[]] {
  const nul = section.indexOf(0);
  if (nul < 0) throw new ProtocolError('unterminated document sequence identifier', false);
  const identifier = section.toString('utf8', 0, nul);
  const docs: Document[] = [];
  let offset = nul + 1;
  while (offset < section.length) {
    const size = section.readInt32LE(offset);
    checkBounds(offset, size, section.length);
    docs.push(BSON.deserialize(section.subarray(offset, offset + size), DESERIALIZE_OPTIONS));
    offset += size;
  }
  return [identifier, docs];
}

/** Encode a reply (one kind-0 section, no flags). */
export function encodeOpMsg(requestId: number, responseTo: number, reply: Document): Buffer {
  const bson = BSON.serialize(reply);
  const buf = Buffer.allocUnsafe(HEADER_SIZE + 5 + bson.length);
  writeHeader(buf, requestId, responseTo, OpCode.Msg);
  buf.writeUInt32LE(0, HEADER_SIZE);
  buf[HEADER_SIZE + 4] = 0;
  buf.set(bson, HEADER_SIZE + 5);
  return buf;
}
