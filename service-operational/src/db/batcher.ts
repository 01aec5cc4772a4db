interface Waiting<I, O> {
  input: I;
  resolve(output: O): void;
  reject(error: unknown): void;
}

/** A group has an entry while a run of it is due or under way; `waiting` are the calls for the next run. */
interface Group<I, O> {
  waiting: Array<Waiting<I, O>>;
}

/**
 * Answers many calls with one run of `run`, as DataLoader or a database's group
 * commit do. A call runs at the end of its turn of the event loop
 * (setImmediate), together with every call made in that turn; while a run is
 * under way, new calls wait and go together in the next run. Alone, a call
 * waits for nothing but the end of its turn; under load, one query serves
 * every request that reached the same step meanwhile, at the price of one
 * round trip instead of one each.
 *
 * Calls of different groups (e.g. tenants) never share a run. `run` gets the
 * inputs in call order and returns one output per input in the same order; a
 * run that fails fails every call of its batch, and only those.
 *
 * @example
 *   const customerByCode = batcher(async (codes: string[]) => {
 *     const found = await customers.find({ code: { $in: codes } });
 *     return codes.map((code) => found.find((c) => c.code === code) ?? null);
 *   });
 *   const [a, b] = await Promise.all([customerByCode('C1'), customerByCode('C2')]); // one query
 */
export function batcher<I, O>(run: (inputs: I[]) => Promise<O[]>, groupOf: (input: I) => string = () => ''): (input: I) => Promise<O> {
  const groups = new Map<string, Group<I, O>>();

  async function runNext(key: string, group: Group<I, O>): Promise<void> {
    const batch = group.waiting;
    group.waiting = [];
    try {
      const outputs = await run(batch.map((waiting) => waiting.input));
      batch.forEach((waiting, index) => waiting.resolve(outputs[index]!));
    } catch (error) {
      for (const waiting of batch) waiting.reject(error);
    }
    if (group.waiting.length > 0) setImmediate(() => void runNext(key, group));
    else groups.delete(key);
  }

  return (input) =>
    new Promise<O>((resolve, reject) => {
      const key = groupOf(input);
      let group = groups.get(key);
      if (!group) {
        const opened: Group<I, O> = { waiting: [] };
        groups.set(key, (group = opened));
        setImmediate(() => void runNext(key, opened));
      }
      group.waiting.push({ input, resolve, reject });
    });
}
