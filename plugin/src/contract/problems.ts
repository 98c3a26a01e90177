// How every side reports a bad setting: the setting, what is wrong with it,
// and how to fix it - "field: problem. Fix: ..." - never quoting the key.

/** What a rule says about one value. */
export interface Finding {
  problem: string;
  fix: string;
}

/** A finding about a named setting: "apiUrl", "allowedPaths[2]", "apiKey". */
export interface SettingProblem extends Finding {
  field: string;
}

export function formatProblem({ field, problem, fix }: SettingProblem): string {
  return `${field}: ${problem}. Fix: ${fix}`;
}
