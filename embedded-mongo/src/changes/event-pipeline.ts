import type { Document } from 'bson';
import { Aggregator, ProcessingMode, Query } from 'mingo';
import { CommandError, ErrorCode } from '../errors.js';

// The stages mongod allows after $changeStream (its "allowed in change stream" constraint).
const ALLOWED_STAGES = new Set([
  '$match',
  '$project',
  '$addFields',
  '$set',
  '$unset',
  '$replaceRoot',
  '$replaceWith',
  '$redact',
  '$changeStreamSplitLargeEvent',
]);

// As in the engine's other pipelines: no server-side JavaScript ($where, $function, $accumulator).
const MINGO_OPTIONS = { scriptEnabled: false } as const;

const ID_MODIFIED_MESSAGE =
  'Encountered an event whose _id field, which contains the resume token, was modified by the pipeline. ' +
  'Modifying the _id field of an event makes it impossible to resume the stream from that point. ' +
  'Only transformations that retain the unmodified _id field are allowed.';

/**
 * The user stages after `$changeStream`, compiled once per cursor and applied
 * to one event at a time. Leading `$match` stages run as mingo `Query` tests
 * on the event itself (no copy); the remaining stages run in one `Aggregator`
 * over a deep copy, because mingo's `$set`/`$unset` write into nested objects
 * and events share their `fullDocument` with the history.
 *
 * @example
 *   const pipeline = new EventPipeline([{ $match: { operationType: 'insert' } }]);
 *   pipeline.apply(event); // the event, or null when filtered out
 */
export class EventPipeline {
  private readonly filters: Query[] = [];
  private readonly transform: Aggregator | null;

  constructor(stages: readonly Document[]) {
    const rest: Document[] = [];
    for (const stage of stages) {
      const name = stageName(stage);
      // $changeStreamSplitLargeEvent only matters for events over 16 MiB, which we never split.
      if (name === '$changeStreamSplitLargeEvent') continue;
      if (name === '$match' && rest.length === 0) this.filters.push(run(() => new Query(stage.$match as Document, MINGO_OPTIONS)));
      else rest.push(stage);
    }
    this.transform = rest.length === 0 ? null : run(() => new Aggregator(rest, { ...MINGO_OPTIONS, processingMode: ProcessingMode.CLONE_INPUT }));
  }

  /** The event as the pipeline outputs it, or null if a stage filtered it out. */
  apply(event: Document & { _id: { _data: string } }): Document | null {
    for (const filter of this.filters) if (!run(() => filter.test(event))) return null;
    if (this.transform === null) return event;
    const transform = this.transform;
    const [out] = run(() => transform.run([event]));
    if (out === undefined) return null;
    // mongod refuses to return an event whose resume token the client could not resume from.
    if (!sameToken(out._id, event._id._data)) throw new CommandError(ErrorCode.ChangeStreamFatalError, ID_MODIFIED_MESSAGE);
    return out;
  }
}

function stageName(stage: Document): string {
  const keys = typeof stage === 'object' && stage !== null ? Object.keys(stage) : [];
  if (keys.length !== 1 || keys[0] === undefined) {
    throw new CommandError(ErrorCode.BadValue, 'A pipeline stage specification object must contain exactly one field.');
  }
  const name = keys[0];
  if (name === '$changeStream') {
    throw new CommandError(ErrorCode.BadValue, '$changeStream is only valid as the first stage in a pipeline');
  }
  if (!ALLOWED_STAGES.has(name)) {
    throw new CommandError(ErrorCode.IllegalOperation, `${name} is not permitted in a $changeStream pipeline`);
  }
  return name;
}

function sameToken(id: unknown, data: string): boolean {
  if (typeof id !== 'object' || id === null) return false;
  const keys = Object.keys(id);
  return keys.length === 1 && (id as Document)._data === data;
}

/** mingo reports bad operators as plain Errors; answer them as the client's fault. */
function run<T>(step: () => T): T {
  try {
    return step();
  } catch (error) {
    if (error instanceof CommandError) throw error;
    throw new CommandError(ErrorCode.BadValue, `Invalid $changeStream pipeline: ${(error as Error).message}`);
  }
}
