/**
 * The few `vscode` APIs that plain-Node unit tests reach through product
 * modules (AccountService: EventEmitter and l10n.t). Importing this file
 * makes `require('vscode')` resolve to it; anything else of `vscode` is
 * absent on purpose, so a module that needs more fails loudly.
 */
import Module from 'node:module';
import { Emitter } from '../../src/auth/emitter';

export class EventEmitter<T> extends Emitter<T> {}

export const l10n = {
  /** Like VS Code's, untranslated: `{0}` placeholders take the arguments. */
  t(message: string, ...args: unknown[]): string {
    return message.replace(/\{(\d+)\}/g, (whole, i: string) => (Number(i) < args.length ? String(args[Number(i)]) : whole));
  },
};

const loader = Module as unknown as { _resolveFilename(request: string, ...rest: unknown[]): string };
const resolve = loader._resolveFilename;
loader._resolveFilename = function (this: unknown, request: string, ...rest: unknown[]): string {
  return request === 'vscode' ? __filename : resolve.call(this, request, ...rest);
};
