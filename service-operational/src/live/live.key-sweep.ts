import { AppError, apiKeyVerifier, hashApiKey, looksLikeApiKey, type StoredApiKey } from '@icc/shared';
import type { Models } from '../db/models.js';
import { sessionsFor } from '../sessions/session.service.js';
import { presentedKey } from './live.auth.js';
import type { LiveServer, LiveSocket } from './live.socket.js';

/**
 * How often open sockets have their key checked again. HTTP trusts a verified
 * key for up to 10 s (the verifier's cache); a sweep every 5 s bypasses that
 * cache, so a revoked key's sockets close within 5 s (plus one lookup).
 */
export const KEY_SWEEP_INTERVAL_MS = 5_000;

/**
 * One sweep: every distinct key of the connected sockets is verified afresh
 * (one query for all of them, then the shared verifier's rules on each), and
 * the sockets whose key is refused, or now names another key id, are
 * disconnected; sockets signed in by cookie, when their session ended (signed out, expired, key revoked). A disconnect by the server ends the session: it cannot be recovered.
 */
export async function sweepRevokedKeys(models: Models, io: LiveServer): Promise<number> {
  const byKey = new Map<string, LiveSocket[]>();
  const bySession = new Map<string, LiveSocket[]>();
  for (const socket of io.of('/').sockets.values()) {
    const { sessionId } = socket.data;
    if (sessionId !== undefined) {
      bySession.set(sessionId, [...(bySession.get(sessionId) ?? []), socket]);
      continue;
    }
    const key = presentedKey(socket) ?? '';
    byKey.set(key, [...(byKey.get(key) ?? []), socket]);
  }
  let disconnected = 0;
  if (bySession.size > 0) {
    const active = await sessionsFor(models).stillActive([...bySession.keys()]);
    for (const [sessionId, sockets] of bySession) {
      if (active.has(sessionId)) continue;
      for (const socket of sockets) socket.disconnect(true);
      disconnected += sockets.length;
    }
  }
  if (byKey.size === 0) return disconnected;
  const hashes = [...byKey.keys()].filter(looksLikeApiKey).map(hashApiKey);
  const stored = await models.ApiKey.find({ keyHash: { $in: hashes } }).lean<Array<StoredApiKey & { keyHash: string }>>();
  const byHash = new Map(stored.map((key) => [key.keyHash, key]));
  // A verifier of this sweep only: its cache starts empty, so every key is judged on what was just read.
  const verify = apiKeyVerifier((keyHash) => Promise.resolve(byHash.get(keyHash) ?? null));
  for (const [key, sockets] of byKey) {
    const accepted = await verify(key).then(
      (principal) => principal.apiKeyId,
      (error: unknown) => {
        if (error instanceof AppError && error.code === 'UNAUTHORIZED') return undefined;
        throw error;
      },
    );
    for (const socket of sockets) {
      if (accepted !== undefined && accepted === socket.data.principal.apiKeyId) continue;
      socket.disconnect(true);
      disconnected += 1;
    }
  }
  return disconnected;
}
