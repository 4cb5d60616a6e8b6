import { type Logger, pino } from 'pino';

/**
 * Structured JSON logs (pino): one object per line on stdout. LOG_LEVEL sets the level (default `info`; `silent`
 * turns logging off, as the tests do). Variables, cursors, tokens and credentials are never logged.
 */
export type { Logger };

export function createLogger(level = 'info'): Logger {
  return pino({
    level,
    base: { service: 'deadline-graphql' },
    timestamp: pino.stdTimeFunctions.isoTime,
    // Belt and braces: redact anything that looks like a secret if some caller ever logs it.
    redact: {
      paths: ['*.authorization', '*.cursorSecret', '*.routerSecret', '*.variables', '*.nextToken'],
      censor: '[redacted]',
    },
  });
}

export const silentLogger: Logger = pino({ level: 'silent' });
