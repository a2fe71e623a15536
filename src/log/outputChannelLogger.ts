import type * as vscode from 'vscode';
import type { Logger } from './logger';
import { redact, redactValue } from './redact';

/** A Logger that writes to a LogOutputChannel, redacting every message and argument first. */
export function createLogger(channel: vscode.LogOutputChannel): Logger {
  const args = (values: unknown[]): string[] => values.map(redactValue);
  return {
    trace: (message, ...rest) => channel.trace(redact(message), ...args(rest)),
    debug: (message, ...rest) => channel.debug(redact(message), ...args(rest)),
    info: (message, ...rest) => channel.info(redact(message), ...args(rest)),
    warn: (message, ...rest) => channel.warn(redact(message), ...args(rest)),
    error: (message, ...rest) => channel.error(redactValue(message), ...args(rest)),
  };
}
