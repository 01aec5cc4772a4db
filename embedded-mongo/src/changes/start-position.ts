import { CommandError, ErrorCode } from '../errors.js';
import type { LogicalClock } from '../clock.js';
import type { ChangeHistory, StoredEvent } from './change-history.js';
import { classify, type StreamScope } from './event-filter.js';
import { baseEventKey, decodeKey, highWaterMarkKey, nextTimestamp } from './resume-token.js';
import type { StartPoint } from './stream-spec.js';

/** Where a new cursor begins. */
export interface StartState {
  /** Sequence number of the first history entry to scan. */
  readonly position: number;
  /** The resume token reported until the first batch moves it. */
  readonly resumeKey: string;
  /** Set when resuming right after an invalidating event whose invalidate was not seen yet. */
  readonly pendingInvalidate: StoredEvent | null;
}

const HISTORY_LOST_MESSAGE = 'Resume of change stream was not possible, as the resume point may no longer be in the oplog.';

/**
 * Locate a stream's starting point in the history, failing as mongod does
 * when the events after it have been forgotten (286) or when a resume token
 * names an event that never happened here (280).
 *
 * @example
 *   resolveStart(history, clock, scope, { kind: 'now' }); // position = history.nextSeq
 */
export function resolveStart(history: ChangeHistory, clock: Pick<LogicalClock, 'current'>, scope: StreamScope, start: StartPoint): StartState {
  switch (start.kind) {
    case 'now':
      return { position: history.nextSeq, resumeKey: highWaterMarkKey(nextTimestamp(clock.current())), pendingInvalidate: null };
    case 'startAtOperationTime':
      return fromKey(history, highWaterMarkKey(start.time), null);
    case 'resumeAfter':
    case 'startAfter':
      return fromKey(history, start.key, resumedEvent(history, scope, start.key));
  }
}

/**
 * History-lost error for a cursor that fell out of the window while open.
 *
 * @example
 *   if (history.lostBefore(position)) throw historyLostError(); // code 286
 */
export function historyLostError(): CommandError {
  return new CommandError(ErrorCode.ChangeStreamHistoryLost, HISTORY_LOST_MESSAGE);
}

function fromKey(history: ChangeHistory, key: string, pendingInvalidate: StoredEvent | null): StartState {
  if (history.lostAfter(key)) throw historyLostError();
  return { position: history.seqAfter(key), resumeKey: key, pendingInvalidate };
}

/**
 * For an event token: check the event exists, and return it when it would
 * invalidate this stream (the client saw the drop but not the invalidate, so
 * the invalidate comes first, as mongod re-derives it from the oplog).
 */
function resumedEvent(history: ChangeHistory, scope: StreamScope, key: string): StoredEvent | null {
  const token = decodeKey(key);
  if (token === null || token.highWaterMark) return null;
  const eventKey = baseEventKey(key);
  const newest = history.newest() ?? history.lastDropped();
  if (newest === null || eventKey > newest.key) return null;
  const event = history.find(eventKey);
  if (event === null) {
    if (history.lostAfter(key)) throw historyLostError();
    throw new CommandError(ErrorCode.ChangeStreamFatalError, `cannot resume stream; the resume token was not found. {_data: "${key}"}`);
  }
  return !token.fromInvalidate && classify(scope, event.entry).invalidate ? event : null;
}
