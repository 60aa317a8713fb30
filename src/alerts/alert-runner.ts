/**
 * A tiny interval runner: calls `job(now)` every `intervalMs`, never two at once (a slow run
 * delays the next instead of piling up), and `runNow` joins the same queue. A failing run is
 * reported to `onError` and the loop goes on. The timer is unref'd: it never keeps a process alive.
 */
export interface IntervalRunner<T> {
  runNow(now?: Date): Promise<T>;
  stop(): Promise<void>;
}

export function startIntervalRunner<T>(job: (now: Date) => Promise<T>, options: { readonly intervalMs: number; readonly onError?: (error: unknown) => void; readonly immediately?: boolean }): IntervalRunner<T> {
  let tail: Promise<unknown> = Promise.resolve();
  let stopped = false;
  const enqueue = (now?: Date): Promise<T> => {
    const next = tail.then(() => job(now ?? new Date()));
    tail = next.catch((error: unknown) => options.onError?.(error));
    return next;
  };
  const tick = (): void => {
    if (!stopped) void enqueue().catch(() => undefined);
  };
  const timer = options.intervalMs > 0 ? setInterval(tick, options.intervalMs) : null;
  timer?.unref();
  if (options.immediately && timer) setImmediate(tick);
  return {
    runNow: (now) => enqueue(now),
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      await tail.catch(() => undefined);
    },
  };
}
