/**
 * Poll `check` every 20 ms until it holds; throws naming `what` after `timeoutMs`.
 * @example await waitFor(() => consumer.status().state === 'streaming', 'streaming');
 */
export async function waitFor(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
