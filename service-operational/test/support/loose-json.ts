/**
 * A JSON value as the tests read it: HTTP response bodies and live-event
 * payloads are pinned with expect() rather than typed first (the reason the
 * typescript/tests block of eslint.config.js turns the no-unsafe-* rules off).
 * Used as the default body type of the test clients, so tests that know the
 * shape can still ask for it (`request<Product>(...)`).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the one deliberately untyped JSON type of the test clients: `unknown` would need a cast at every read of a body the test then asserts on.
export type LooseJson = any;
