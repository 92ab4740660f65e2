/**
 * The insert lock of one Arc database and measurement: holders run one after another, in the
 * order they asked, so the id and dedup checks of an insert see every earlier insert.
 */
export class InsertLock {
  private tail: Promise<void> = Promise.resolve();

  /** Waits for the lock; call the result to release it. */
  acquire(): Promise<() => void> {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const ready = this.tail.then(() => release);
    this.tail = this.tail.then(() => held);
    return ready;
  }
}

/**
 * Takes the locks one after another in the order given (callers sort them by target, so two
 * inserts never wait for each other in a circle).
 * @returns releases every lock taken, the last taken first
 */
export async function lockAll(locks: readonly InsertLock[]): Promise<() => void> {
  const releases: (() => void)[] = [];
  for (const l of locks) releases.push(await l.acquire());
  return () => releases.reverse().forEach((r) => r());
}
