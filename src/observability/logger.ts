/** Structured JSON logs on stderr (stdout stays for command output), with secrets redacted. */
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string, bindings: Record<string, unknown> = {}): Logger {
  return pino(
    {
      level,
      base: { service: 'strata', ...bindings },
      redact: { paths: ['password', '*.password', 'token', '*.token', 'authorization', '*.authorization', 'secret', '*.secret'], censor: '[redacted]' },
    },
    pino.destination(2),
  );
}
