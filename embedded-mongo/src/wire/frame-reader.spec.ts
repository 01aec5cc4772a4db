import { describe, expect, it } from 'vitest';
import { FrameReader } from './frame-reader.js';
import { ProtocolError } from './protocol.js';

/** A frame of `length` bytes: its length, then a byte pattern naming it. */
function frame(length: number, fill: number): Buffer {
  const bytes = Buffer.alloc(length, fill);
  bytes.writeInt32LE(length, 0);
  return bytes;
}

/** Cut `bytes` into pieces of the given sizes (the rest as a last piece). */
function cut(bytes: Buffer, sizes: number[]): Buffer[] {
  const pieces: Buffer[] = [];
  let at = 0;
  for (const size of sizes) {
    pieces.push(bytes.subarray(at, at + size));
    at += size;
  }
  if (at < bytes.length) pieces.push(bytes.subarray(at));
  return pieces;
}

describe('FrameReader', () => {
  it('returns the frames of a stream however it is cut, byte for byte', () => {
    const frames = [frame(16, 1), frame(40, 2), frame(100_000, 3), frame(17, 4)];
    const stream = Buffer.concat(frames);
    for (const sizes of [[stream.length], [1, 1, 1, 1, 1], [3, 14, 2], [20, 30, 40, 65_536], Array(200).fill(513)]) {
      const reader = new FrameReader();
      const out = cut(stream, sizes).flatMap((piece) => reader.push(piece));
      expect(out.map((f) => f.length)).toEqual([16, 40, 100_000, 17]);
      out.forEach((f, i) => expect(f.equals(frames[i]!)).toBe(true));
    }
  });

  it('returns nothing until a frame is complete, and keeps the bytes of the next one', () => {
    const reader = new FrameReader();
    const stream = Buffer.concat([frame(20, 7), frame(24, 8)]);
    expect(reader.push(stream.subarray(0, 19))).toEqual([]);
    const first = reader.push(stream.subarray(19, 30));
    expect(first).toHaveLength(1);
    expect(first[0]!.equals(frame(20, 7))).toBe(true);
    const second = reader.push(stream.subarray(30));
    expect(second).toHaveLength(1);
    expect(second[0]!.equals(frame(24, 8))).toBe(true);
  });

  it('rejects a length below the header size as fatal, even when the length bytes arrive apart', () => {
    const reader = new FrameReader();
    const bad = Buffer.alloc(8);
    bad.writeInt32LE(3, 0);
    expect(reader.push(bad.subarray(0, 2))).toEqual([]);
    expect(() => reader.push(bad.subarray(2))).toThrow(ProtocolError);
  });
});
