// What Edit Cleanup Policy is about to change, attribute by attribute, for its closing "old → new" modal.
// Pure (no vscode import): the caller passes the translator.
import type { CleanupPolicy } from '../../core/types';
import type { PolicyPatch } from '../../core/rules/policy';
import { cadenceText } from './policyText';
import type { Translate } from './previewModel';

/** GitLab's Maintainer access level: the least role that may change a project's cleanup policy. */
export const MAINTAINER_ACCESS = 40;

/** The editor's six steps, for the "(n/6)" in each step's title. */
export const POLICY_EDIT_STEPS = 6;

export interface PolicyChange {
  attribute: string;
  before: string;
  after: string;
}

type Editable = Required<PolicyPatch>;

/** One line per attribute whose value differs, in the order the editor asked for them. */
export function policyChanges(before: CleanupPolicy | null, after: Editable, t: Translate): PolicyChange[] {
  const none = t('none');
  const shown: Array<[string, (p: Partial<Editable>) => string]> = [
    [t('Enabled'), (p) => (p.enabled ? t('yes') : t('no'))],
    [t('Runs'), (p) => (p.cadence ? cadenceText(p.cadence, t) : none)],
    [t('Keep the newest'), (p) => (p.keep_n === null || p.keep_n === undefined ? none : String(p.keep_n))],
    [t('Delete tags older than'), (p) => p.older_than ?? none],
    [t('Delete regex'), (p) => p.name_regex ?? none],
    [t('Keep regex'), (p) => p.name_regex_keep ?? none],
  ];
  const old: Partial<Editable> = before ?? {};
  return shown
    .map(([attribute, text]) => ({ attribute, before: text(old), after: text(after) }))
    .filter((c) => c.before !== c.after);
}

/** "Runs: every day → every week", one line per change. */
export function policyChangesText(changes: PolicyChange[]): string {
  return changes.map((c) => `${c.attribute}: ${c.before} → ${c.after}`).join('\n');
}
