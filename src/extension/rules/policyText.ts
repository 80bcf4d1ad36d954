// A cleanup policy in words, for the tree's policy node (label, description, tooltip) and the Edit
// Cleanup Policy pickers. Pure (no vscode import): the caller passes the translator.
import type { CleanupPolicy } from '../../core/types';
import type { Translate } from './previewModel';

export function cadenceText(cadence: string, t: Translate): string {
  switch (cadence) {
    case '1d': return t('every day');
    case '7d': return t('every week');
    case '14d': return t('every 2 weeks');
    case '1month': return t('every month');
    case '3month': return t('every 3 months');
    default: return cadence;
  }
}

/** "on · every week · keep 5 · older than 30d", or "off". */
export function policyDescription(policy: CleanupPolicy, t: Translate): string {
  if (!policy.enabled) return t('off');
  const parts = [t('on'), cadenceText(policy.cadence, t)];
  if (policy.keep_n !== null) parts.push(t('keep {0}', policy.keep_n));
  if (policy.older_than !== null) parts.push(t('older than {0}', policy.older_than));
  return parts.join(' · ');
}

/** Label/value lines for the tooltip (values shown verbatim; the caller escapes them). */
export function policyDetails(policy: CleanupPolicy, t: Translate): Array<[string, string]> {
  const none = t('none');
  return [
    [t('Enabled'), policy.enabled ? t('yes') : t('no')],
    [t('Runs'), `${cadenceText(policy.cadence, t)} (${policy.cadence})`],
    [t('Keep the newest'), policy.keep_n === null ? none : String(policy.keep_n)],
    [t('Delete tags older than'), policy.older_than ?? none],
    [t('Delete regex'), policy.name_regex ?? none],
    [t('Keep regex'), policy.name_regex_keep ?? none],
    [t('Next run'), policy.enabled && policy.next_run_at ? policy.next_run_at : t('not scheduled')],
  ];
}
