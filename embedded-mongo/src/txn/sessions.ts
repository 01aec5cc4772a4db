import type { Document, Timestamp } from 'bson';
import { CommandError, ErrorCode } from '../errors.js';
import type { Engine } from '../storage/engine.js';
import { encodeKey } from '../storage/key-encoding.js';
import { DirectView, type StoreView } from '../storage/view.js';
import { Transaction, type LockTable } from './transaction.js';

const TRANSIENT = ['TransientTransactionError'];

interface SessionState {
  txnNumber: number;
  txn: Transaction | null;
  outcome: 'active' | 'committed' | 'aborted';
  /** The reply of the last retryable write, answered again when the driver retries the same txnNumber. */
  retryReply?: Document;
}

/**
 * Logical sessions (`lsid`) and what they carry: the open transaction, and the
 * last retryable write's reply. A command with `autocommit: false` belongs to
 * a transaction; `lsid` + `txnNumber` without `autocommit` is a retryable write.
 */
export class Sessions {
  private readonly sessions = new Map<string, SessionState>();
  private readonly locks: LockTable = new Map();
  readonly direct: DirectView;

  constructor(private readonly engine: Engine) {
    this.direct = new DirectView(engine);
  }

  /** The view a command reads and writes through. */
  viewFor(body: Document): StoreView {
    if (body.autocommit === undefined) return this.direct;
    if (body.autocommit !== false) throw new CommandError(ErrorCode.InvalidOptions, 'autocommit must be false');
    const lsid = requireLsid(body);
    const txnNumber = Number(body.txnNumber);
    if (!Number.isFinite(txnNumber)) throw new CommandError(ErrorCode.BadValue, 'txnNumber is required with autocommit: false');
    const key = encodeKey(lsid.id);
    const state = this.sessions.get(key);
    if (body.startTransaction === true) return this.start(key, lsid, txnNumber, state);
    if (state?.txnNumber !== txnNumber || !state.txn) throw noSuchTransaction(txnNumber);
    return state.txn;
  }

  commit(body: Document): Timestamp {
    const { state, txnNumber } = this.stateOf(body);
    if (state?.txnNumber === txnNumber && state.outcome === 'committed') return this.engine.clock.current();
    if (state?.txnNumber !== txnNumber || state.outcome !== 'active' || !state.txn) throw noSuchTransaction(txnNumber);
    const txn = state.txn;
    state.txn = null;
    try {
      const time = txn.commit();
      state.outcome = 'committed';
      return time;
    } catch (error) {
      state.outcome = 'aborted';
      throw error;
    }
  }

  abort(body: Document): void {
    const { state, txnNumber } = this.stateOf(body);
    if (state?.txnNumber === txnNumber && state.outcome === 'committed') {
      throw new CommandError(ErrorCode.TransactionCommitted, 'Transaction has been committed');
    }
    if (state?.txnNumber !== txnNumber || state.outcome !== 'active' || !state.txn) throw noSuchTransaction(txnNumber);
    state.txn.abort();
    state.txn = null;
    state.outcome = 'aborted';
  }

  /** A failed command inside a transaction aborts it, as mongod does. */
  abortAfterError(view: StoreView): void {
    if (!(view instanceof Transaction)) return;
    const state = this.sessions.get(encodeKey(view.lsid.id));
    if (state?.txn !== view) return;
    view.abort();
    state.txn = null;
    state.outcome = 'aborted';
  }

  retryReply(body: Document): Document | undefined {
    if (body.lsid === undefined || body.txnNumber === undefined || body.autocommit !== undefined) return undefined;
    const state = this.sessions.get(encodeKey((body.lsid as Document).id));
    return state?.txnNumber === Number(body.txnNumber) ? state.retryReply : undefined;
  }

  rememberRetryable(body: Document, reply: Document): void {
    if (body.lsid === undefined || body.txnNumber === undefined || body.autocommit !== undefined) return;
    const key = encodeKey((body.lsid as Document).id);
    const state = this.sessions.get(key);
    state?.txn?.abort();
    this.sessions.set(key, { txnNumber: Number(body.txnNumber), txn: null, outcome: 'committed', retryReply: reply });
  }

  /** `endSessions` / `killAllSessions`: open transactions of those sessions abort. */
  end(lsids: Document[] | 'all'): void {
    const keys = lsids === 'all' ? [...this.sessions.keys()] : lsids.map((lsid) => encodeKey(lsid.id));
    for (const key of keys) {
      this.sessions.get(key)?.txn?.abort();
      this.sessions.delete(key);
    }
  }

  private start(key: string, lsid: Document, txnNumber: number, state: SessionState | undefined): Transaction {
    if (state && txnNumber < state.txnNumber) {
      throw new CommandError(
        ErrorCode.TransactionTooOld,
        `Cannot start transaction ${txnNumber} on session because a newer transaction ${state.txnNumber} has already started`,
      );
    }
    if (state && txnNumber === state.txnNumber && state.outcome !== 'aborted') {
      throw new CommandError(ErrorCode.IllegalOperation, `Transaction with { txnNumber: ${txnNumber} } has already been started`);
    }
    state?.txn?.abort();
    const txn = new Transaction(this.engine, this.locks, lsid, txnNumber);
    this.sessions.set(key, { txnNumber, txn, outcome: 'active' });
    return txn;
  }

  private stateOf(body: Document): { state: SessionState | undefined; txnNumber: number } {
    const lsid = requireLsid(body);
    return { state: this.sessions.get(encodeKey(lsid.id)), txnNumber: Number(body.txnNumber) };
  }
}

function requireLsid(body: Document): Document {
  const lsid = body.lsid as Document | undefined;
  if (!lsid || lsid.id === undefined) throw new CommandError(ErrorCode.InvalidOptions, 'Transactions require a logical session id (lsid)');
  return lsid;
}

function noSuchTransaction(txnNumber: number): CommandError {
  return new CommandError(ErrorCode.NoSuchTransaction, `Transaction with { txnNumber: ${txnNumber} } has been aborted.`, {}, TRANSIENT);
}
