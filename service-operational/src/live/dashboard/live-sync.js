// Keeps the page consistent with the server: start from a snapshot, apply
// events in seq order, and reload the snapshot on a gap or a new epoch (the
// service restarted). Events that arrive while a snapshot loads are held and
// replayed after it; those the snapshot already covers (seq <= its seq) are dropped.

const RETRY_MS = 2_000;

/**
 * @param {{
 *   loadSnapshot: () => Promise<{ epoch: string, seq: number }>,
 *   applySnapshot: (snapshot: any) => void,
 *   applyEvent: (name: string, data: any) => void,
 *   onSeq: (seq: number, epoch: string) => void,
 *   onResync: (reason: string) => void,
 *   onError: (error: Error) => boolean,
 * }} handlers onError returns false to stop retrying (e.g. the key was refused).
 */
export function createLiveSync(handlers) {
  let epoch = null;
  let seq = 0;
  let loading = null;
  let held = [];

  function resync(reason) {
    if (loading) return loading;
    held = [];
    handlers.onResync(reason);
    loading = (async () => {
      for (;;) {
        try {
          const snapshot = await handlers.loadSnapshot();
          epoch = snapshot.epoch;
          seq = snapshot.seq;
          handlers.applySnapshot(snapshot);
          handlers.onSeq(seq, epoch);
          break;
        } catch (error) {
          if (!handlers.onError(error)) {
            loading = null;
            return;
          }
          await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
        }
      }
      const pending = held;
      held = [];
      loading = null;
      for (const [name, envelope] of pending) receive(name, envelope);
    })();
    return loading;
  }

  function receive(name, envelope) {
    if (loading) {
      held.push([name, envelope]);
      return;
    }
    if (envelope.epoch !== epoch) {
      void resync('the service restarted');
      held.push([name, envelope]);
      return;
    }
    if (envelope.seq <= seq) return;
    if (envelope.seq !== seq + 1) {
      void resync(`missed events ${seq + 1}–${envelope.seq - 1}`);
      held.push([name, envelope]);
      return;
    }
    seq = envelope.seq;
    handlers.applyEvent(name, envelope.data);
    handlers.onSeq(seq, epoch);
  }

  return {
    resync,
    receive,
    get seq() {
      return seq;
    },
  };
}
