/**
 * Re-checks a condition held in a database (which has no change events) until it holds; fails after
 * `timeoutMs`. A bounded wait on a condition, never a fixed sleep.
 */
export async function until(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
