import { HEADER_SIZE, MAX_MESSAGE_SIZE_BYTES, ProtocolError } from './protocol.js';

/**
 * Splits a TCP byte stream into whole wire-protocol frames. TCP gives no
 * message boundaries: one chunk may hold half a frame or several frames.
 *
 * @example
 *   const reader = new FrameReader();
 *   for (const frame of reader.push(chunk)) handle(frame);
 */
export class FrameReader {
  private pending: Buffer = Buffer.alloc(0);

  /** Feed a chunk; returns every frame completed by it. Throws a fatal ProtocolError on a bad length. */
  push(chunk: Buffer): Buffer[] {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const frames: Buffer[] = [];
    while (this.pending.length >= 4) {
      const length = this.pending.readInt32LE(0);
      if (length < HEADER_SIZE || length > MAX_MESSAGE_SIZE_BYTES) {
        throw new ProtocolError(`invalid message length ${length}`, true);
      }
      if (this.pending.length < length) break;
      frames.push(this.pending.subarray(0, length));
      this.pending = this.pending.subarray(length);
    }
    return frames;
  }
}
