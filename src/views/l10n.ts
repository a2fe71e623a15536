/**
 * The slice of `vscode.l10n` the pure view helpers need. Helpers take it as a
 * parameter (named `l10n`, so `l10n.t('...')` calls stay extractable by the
 * localization tooling) and run in plain Node with `plainL10n`.
 */
export interface L10n {
  t(message: string, ...args: Array<string | number | boolean>): string;
}

/** English, with `{0}`-style placeholders filled in: what `vscode.l10n.t` does without a bundle. */
export const plainL10n: L10n = {
  t(message, ...args) {
    return message.replace(/\{(\d+)\}/g, (whole, index: string) => {
      const value = args[Number(index)];
      return value === undefined ? whole : String(value);
    });
  },
};
