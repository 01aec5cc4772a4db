import { HEADER_SIZE, MAX_MESSAGE_SIZE_BYTES, ProtocolError } from './protocol.js';

/**
 * Splits a TCP byte stream into whole wire-protocol frames. TCP gives no
 * message boundaries: one chunk may hold half a frame or several frames.
 *
 * A frame spread over many chunks (a 16 MB insert arrives in ~64 KB pieces)
 * is copied once, when its last byte has arrived: the chunks wait in a list
 * rather than being appended to one buffer per chunk, which copied the
 * pending bytes again on every chunk (quadratic in the frame's size).
 *
 * @example
 *   const reader = new FrameReader();
 *   for (const frame of reader.push(chunk)) handle(frame);
 */
export class FrameReader {
  /** Bytes received and not yet returned as frames, in arrival order. */
  private chunks: Buffer[] = [];
  private pendingBytes = 0;
  /** The length of the frame at the head of `chunks`, once its 4 length bytes have arrived. */
  private expected: number | null = null;

  /** Feed a chunk; returns every frame completed by it. Throws a fatal ProtocolError on a bad length. */
  push(chunk: Buffer): Buffer[] {
    if (chunk.length === 0) return [];
    this.chunks.push(chunk);
    this.pendingBytes += chunk.length;
    const frames: Buffer[] = [];
    for (;;) {
      if (this.expected === null) {
        if (this.pendingBytes < 4) break;
        const length = this.headerLength();
        if (length < HEADER_SIZE || length > MAX_MESSAGE_SIZE_BYTES) {
          throw new ProtocolError(`invalid message length ${length}`, true);
        }
        this.expected = length;
      }
      if (this.pendingBytes < this.expected) break;
      frames.push(this.take(this.expected));
      this.expected = null;
    }
    return frames;
  }

  /** The little-endian int32 at the start of the pending bytes (which may straddle chunks). */
  private headerLength(): number {
    const first = this.chunks[0]!;
    if (first.length >= 4) return first.readInt32LE(0);
    return Buffer.concat(this.chunks, 4).readInt32LE(0);
  }

  /** Remove and return the first `length` pending bytes: a view when they lie in one chunk, one copy otherwise. */
  private take(length: number): Buffer {
    const first = this.chunks[0]!;
    let frame: Buffer;
    if (first.length >= length) {
      frame = first.subarray(0, length);
      if (first.length === length) this.chunks.shift();
      else this.chunks[0] = first.subarray(length);
    } else {
      frame = Buffer.allocUnsafe(length);
      let filled = 0;
      while (filled < length) {
        const head = this.chunks[0]!;
        const used = Math.min(head.length, length - filled);
        head.copy(frame, filled, 0, used);
        filled += used;
        if (used === head.length) this.chunks.shift();
        else this.chunks[0] = head.subarray(used);
      }
    }
    this.pendingBytes -= length;
    return frame;
  }
}
