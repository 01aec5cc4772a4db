import type net from 'node:net';
import type { Document } from 'bson';
import { runCommand } from './commands/dispatch.js';
import type { ServerState } from './commands/context.js';
import { CommandError, ErrorCode } from './errors.js';
import { FrameReader } from './wire/frame-reader.js';
import { encodeOpMsg, parseOpMsg } from './wire/op-msg.js';
import { encodeOpReply, parseOpQuery } from './wire/op-query.js';
import { MsgFlag, OpCode, ProtocolError, readHeader } from './wire/protocol.js';

let nextRequestId = 1;
let nextConnectionId = 1;

/**
 * One client connection: frames are handled strictly in arrival order (a
 * driver may pipeline), each answered on the same socket. A malformed frame
 * gets an error reply when its header is readable, otherwise the connection
 * closes; other connections never notice.
 */
export function handleConnection(server: ServerState, socket: net.Socket): void {
  const connectionId = nextConnectionId++;
  const reader = new FrameReader();
  let queue: Promise<void> = Promise.resolve();
  server.connections++;
  socket.setNoDelay(true);
  socket.on('data', (chunk: Buffer) => {
    let frames: Buffer[];
    try {
      frames = reader.push(chunk);
    } catch (error) {
      server.log(`closing connection ${connectionId}: ${(error as Error).message}`);
      socket.destroy();
      return;
    }
    for (const frame of frames) queue = queue.then(() => handleFrame(server, socket, frame, connectionId));
  });
  socket.on('error', () => socket.destroy());
  socket.on('close', () => server.connections--);
}

async function handleFrame(server: ServerState, socket: net.Socket, frame: Buffer, connectionId: number): Promise<void> {
  if (socket.destroyed) return;
  const header = readHeader(frame);
  try {
    if (header.opCode === OpCode.Msg) {
      const request = parseOpMsg(frame);
      const reply = await runCommand(server, request.body, connectionId);
      // moreToCome from the client: an unacknowledged write, no reply at all.
      if (request.flags & MsgFlag.MoreToCome) return;
      write(socket, encodeOpMsg(nextRequestId++, header.requestId, reply));
    } else if (header.opCode === OpCode.Query) {
      const request = parseOpQuery(frame);
      const db = request.collection.split('.')[0] ?? 'admin';
      const reply = await runCommand(server, { ...request.query, $db: db }, connectionId);
      write(socket, encodeOpReply(nextRequestId++, header.requestId, reply));
    } else {
      throw new ProtocolError(`unsupported opcode ${header.opCode}`, false);
    }
  } catch (error) {
    answerBadFrame(server, socket, header.requestId, header.opCode, error);
  }
}

/** A frame we could not parse: answer it as a failed command in the same protocol, or drop the connection. */
function answerBadFrame(server: ServerState, socket: net.Socket, requestId: number, opCode: number, error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  server.log(`bad message on connection: ${message}`);
  const reply: Document = new CommandError(ErrorCode.FailedToParse, `invalid message: ${message}`).toReply();
  if (opCode === OpCode.Msg) write(socket, encodeOpMsg(nextRequestId++, requestId, reply));
  else if (opCode === OpCode.Query) write(socket, encodeOpReply(nextRequestId++, requestId, reply));
  else socket.destroy();
}

function write(socket: net.Socket, data: Buffer): void {
  if (!socket.destroyed) socket.write(data);
}
