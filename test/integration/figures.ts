// Figures the reliability suites measure (cells passed, calls, refreshes,
// cases), handed to the runner inside the results file so it can keep them in
// bench/results/reliability.json: the README cites that file, not console output.

export interface SuiteFigures {
  /** Every test of the suite ran (false under a MODBOX_TEST_GREP that picked only some). */
  complete: boolean;
  /** Every test of the suite that ran passed. */
  passed: boolean;
  [figure: string]: unknown;
}

const recorded: Record<string, SuiteFigures> = {};

/** Records (or replaces) one suite's figures; call it from the suite's after() hook. */
export function recordFigures(suite: string, figures: SuiteFigures): void {
  recorded[suite] = figures;
}

export function recordedFigures(): Record<string, SuiteFigures> {
  return { ...recorded };
}
