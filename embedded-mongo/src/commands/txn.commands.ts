import type { CommandTable } from './context.js';

/** `commitTransaction` / `abortTransaction` (on admin, with the session's lsid and txnNumber). */
export const txnCommands: CommandTable = {
  commitTransaction: (ctx) => {
    ctx.server.sessions.commit(ctx.body);
    return {};
  },
  abortTransaction: (ctx) => {
    ctx.server.sessions.abort(ctx.body);
    return {};
  },
};
