/**
 * What the store contracts share: each test runs on a freshly opened adapter,
 * cleaned up after it whatever happens.
 */

/** What a contract's fixture opens: the adapter, maybe a way to reopen it, and its cleanup. */
export interface Opened<T> {
  readonly reopen?: () => Promise<T>;
  cleanup(): Promise<void>;
}

/**
 * A `Deno.test` named `<title>: <name>` whose body is given the adapter that
 * `open` opens (picked out of what it opens by `adapterOf`) and its reopen.
 */
export function contractTest<T, O extends Opened<T>>(
  title: string,
  open: () => Promise<O>,
  adapterOf: (opened: O) => T,
): (name: string, body: (adapter: T, reopen?: () => Promise<T>) => Promise<void>) => void {
  return (name, body) =>
    Deno.test(`${title}: ${name}`, async () => {
      const opened = await open();
      try {
        await body(adapterOf(opened), opened.reopen);
      } finally {
        await opened.cleanup();
      }
    });
}
