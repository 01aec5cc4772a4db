import { crc32 } from 'node:zlib';
import { BSON, type Document } from 'bson';

/**
 * The framing of journal and checkpoint files: a sequence of records, each
 *
 *     u32 LE payload length | u32 LE crc32(length bytes + payload) | payload
 *
 * where a payload is one or more BSON documents back to back. A record is
 * whole or it is not there: reading stops at the first record that is cut
 * short, has a zero length or fails its checksum (a torn tail after a crash).
 */
export const RECORD_HEADER_BYTES = 8;

/** How stored documents are decoded: exactly as the wire decodes them, so a recovered document equals the one written. */
export const DESERIALIZE_OPTIONS = { promoteBuffers: false, bsonRegExp: false } as const;

/** Frame BSON documents (already serialised) as one record. */
export function encodeRecord(docs: readonly Uint8Array[]): Buffer {
  let length = 0;
  for (const doc of docs) length += doc.length;
  const out = Buffer.allocUnsafe(RECORD_HEADER_BYTES + length);
  out.writeUInt32LE(length, 0);
  let offset = RECORD_HEADER_BYTES;
  for (const doc of docs) {
    out.set(doc, offset);
    offset += doc.length;
  }
  out.writeUInt32LE(checksum(out.subarray(0, 4), out.subarray(RECORD_HEADER_BYTES)), 4);
  return out;
}

export interface DecodedRecords {
  /** Payloads of the complete records, in order. */
  payloads: Buffer[];
  /** End offset of each complete record. */
  ends: number[];
  /** Bytes up to the end of the last complete record; anything after is a torn or corrupt tail. */
  validLength: number;
}

/** Split a file into its complete records. */
export function decodeRecords(data: Buffer): DecodedRecords {
  const payloads: Buffer[] = [];
  const ends: number[] = [];
  let offset = 0;
  while (offset + RECORD_HEADER_BYTES <= data.length) {
    const length = data.readUInt32LE(offset);
    const end = offset + RECORD_HEADER_BYTES + length;
    if (length < 5 || end > data.length) break;
    const payload = data.subarray(offset + RECORD_HEADER_BYTES, end);
    if (checksum(data.subarray(offset, offset + 4), payload) !== data.readUInt32LE(offset + 4)) break;
    if (!wellFormed(payload)) break;
    payloads.push(payload);
    ends.push(end);
    offset = end;
  }
  return { payloads, ends, validLength: offset };
}

/** The BSON documents of a payload. */
export function payloadDocuments(payload: Buffer): Document[] {
  const docs: Document[] = [];
  let offset = 0;
  while (offset < payload.length) {
    const size = payload.readInt32LE(offset);
    docs.push(BSON.deserialize(payload.subarray(offset, offset + size), DESERIALIZE_OPTIONS));
    offset += size;
  }
  return docs;
}

/** Whether the payload is a whole number of BSON documents (their length prefixes add up exactly). */
function wellFormed(payload: Buffer): boolean {
  let offset = 0;
  while (offset + 5 <= payload.length) {
    const size = payload.readInt32LE(offset);
    if (size < 5) return false;
    offset += size;
  }
  return offset === payload.length;
}

function checksum(lengthBytes: Buffer, payload: Buffer): number {
  return crc32(payload, crc32(lengthBytes));
}
