import type { StateStore } from '../workspace/activeWorkspace';

/** `vscode.l10n`'s shape, so this runs in plain Node. */
interface L10n {
  t(message: string, ...args: Array<string | number | boolean>): string;
}

/** In globalState: the user's answer to the offer (no secret). */
export const OFFER_STATE_KEY = 'modbox.terminal.credentialsOffer.v1';
/** "Not Now" is asked again after this long. */
export const NOT_NOW_MS = 30 * 24 * 60 * 60 * 1000;

export interface OfferAnswer {
  readonly answer: 'turnedOn' | 'notNow' | 'never';
  /** Epoch ms. */
  readonly at: number;
}

export interface OfferSituation {
  /** `modbox.terminal.credentials` is already on. */
  readonly enabled: boolean;
  /** Signed in with a session that may create API tokens. */
  readonly canCreateTokens: boolean;
  /** The terminal opened with a workspace folder open. */
  readonly inFolder: boolean;
  /** Already offered in this window (whatever the answer, even Escape). */
  readonly offeredThisWindow: boolean;
}

function readAnswer(state: StateStore): OfferAnswer | undefined {
  const v = state.get<Partial<OfferAnswer>>(OFFER_STATE_KEY);
  return typeof v === 'object' && v !== null && ['turnedOn', 'notNow', 'never'].includes(v.answer as string) && typeof v.at === 'number'
    ? v as OfferAnswer : undefined;
}

/** Whether opening a terminal now should offer terminal credentials. */
export function shouldOffer(state: StateStore, situation: OfferSituation, now: number): boolean {
  if (situation.enabled || !situation.canCreateTokens || !situation.inFolder || situation.offeredThisWindow) {
    return false;
  }
  const previous = readAnswer(state);
  if (!previous) {
    return true;
  }
  return previous.answer === 'notNow' && now - previous.at >= NOT_NOW_MS;
}

export interface OfferPrompt {
  showInformationMessage(message: string, options: object, ...items: string[]): Thenable<string | undefined>;
}

/**
 * Asks once; "Turn On" runs `turnOn` (which sets the setting). The answer is
 * remembered; Escape is remembered only for this window (the caller's
 * `offeredThisWindow`).
 */
export async function offerTerminalCredentials(deps: {
  ui: OfferPrompt; state: StateStore; now: () => number; l10n: L10n; turnOn(): Promise<void>;
}): Promise<OfferAnswer['answer'] | undefined> {
  const { l10n } = deps;
  const turnOn = l10n.t('Turn On');
  const notNow = l10n.t('Not Now');
  const never = l10n.t("Don't Ask Again");
  const choice = await deps.ui.showInformationMessage(
    l10n.t('Sign new terminals in to Modbox? They get MODBOX_API_TOKEN, a dedicated token for this computer, so the Modbox SDKs and CLI work without pasting a token. You can turn this off in the settings (Modbox › Terminal: Credentials).'),
    {},
    turnOn,
    notNow,
    never,
  );
  const answer = choice === turnOn ? 'turnedOn' : choice === notNow ? 'notNow' : choice === never ? 'never' : undefined;
  if (answer) {
    await deps.state.update(OFFER_STATE_KEY, { answer, at: deps.now() } satisfies OfferAnswer);
  }
  if (answer === 'turnedOn') {
    await deps.turnOn();
  }
  return answer;
}
