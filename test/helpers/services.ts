/**
 * Real servers for integration tests (PostgreSQL, Redis, NATS). Outside CI an unreachable one
 * skips its tests with a LOUD warning; with CI set it fails them, never a silent skip.
 */
import net from 'node:net';

/** Whether a TCP connection to the URL's host and port opens within the timeout. */
export function tcpReachable(url: string, defaultPort: number, timeoutMs = 1000): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname, port: Number(port || defaultPort) });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** `ok`, or: under CI throw naming `what`; elsewhere warn loudly that `skipping` is skipped. */
export function requireOrSkip(ok: boolean, what: string, skipping: string): boolean {
  if (!ok && process.env['CI']) throw new Error(`${what} is required in CI but unavailable`);
  if (!ok) console.warn(`\n!!! ${what} is unavailable: SKIPPING ${skipping} !!!\n`);
  return ok;
}
