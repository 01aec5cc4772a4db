/**
 * Server-side errors answered to the client in mongod's shape:
 * `{ ok: 0, errmsg, code, codeName, errorLabels? }`.
 *
 * The codes are mongod's own, because the driver and Mongoose react to them
 * (retry on 112 + TransientTransactionError, resume on change-stream errors,
 * duplicate-key handling on 11000, ...).
 *
 * @example
 *   throw new CommandError(ErrorCode.NamespaceNotFound, 'ns does not exist: app.users');
 */
export const ErrorCode = {
  InternalError: 1,
  BadValue: 2,
  FailedToParse: 9,
  Unauthorized: 13,
  TypeMismatch: 14,
  IllegalOperation: 20,
  NamespaceNotFound: 26,
  IndexNotFound: 27,
  ConflictingUpdateOperators: 40,
  CursorNotFound: 43,
  NamespaceExists: 48,
  MaxTimeMSExpired: 50,
  CommandNotFound: 59,
  InvalidOptions: 72,
  InvalidNamespace: 73,
  IndexOptionsConflict: 85,
  IndexKeySpecsConflict: 86,
  ImmutableField: 66,
  WriteConflict: 112,
  TransactionTooOld: 225,
  NoSuchTransaction: 251,
  TransactionCommitted: 256,
  TransactionTooLarge: 257,
  ChangeStreamHistoryLost: 286,
  ChangeStreamFatalError: 280,
  InvalidResumeToken: 260,
  BSONObjectTooLarge: 10334,
  DuplicateKey: 11000,
  OutOfDiskSpace: 14031,
  MergeStageNoMatchingDocument: 13113,
  Location40324: 40324,
  // Change-stream validation codes mongod raises by number (codeName LocationNNNNN).
  NoMatchingDocument: 47,
  Location40415: 40415,
  Location40647: 40647,
  Location40674: 40674,
  Location50865: 50865,
} as const;

export type ErrorCodeValue = (typeof ErrorCode)[keyof typeof ErrorCode];

const codeNames = new Map<number, string>(Object.entries(ErrorCode).map(([name, code]) => [code, name]));

/** Name of a mongod error code, as mongod reports it in `codeName`. */
export function codeNameOf(code: number): string {
  return codeNames.get(code) ?? 'UnknownError';
}

export class CommandError extends Error {
  constructor(
    readonly code: number,
    message: string,
    /** Extra fields merged into the error reply, e.g. `keyPattern`/`keyValue` for 11000. */
    readonly extra: Record<string, unknown> = {},
    readonly errorLabels: string[] = [],
  ) {
    super(message);
    this.name = 'CommandError';
  }

  /** The reply document mongod would send for this error. */
  toReply(): Record<string, unknown> {
    return {
      ok: 0,
      errmsg: this.message,
      code: this.code,
      codeName: codeNameOf(this.code),
      ...this.extra,
      ...(this.errorLabels.length > 0 ? { errorLabels: this.errorLabels } : {}),
    };
  }
}
