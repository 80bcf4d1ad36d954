// The words the tree shows for protection (core/protection.ts decides) and for tags sharing one image.
import * as vscode from 'vscode';
import type { ProjectProtection, Verdict } from '../../core/protection';
import type { AccessLevelName } from '../../core/types';

function roleName(level: AccessLevelName | null): string {
  return level === 'owner' ? vscode.l10n.t('Owner') : level === 'admin' ? vscode.l10n.t('Administrator') : vscode.l10n.t('Maintainer');
}

/** "protected: release-* needs Owner" / "immutable", or undefined when deletable or unknown. */
export function protectionText(v: Verdict): string | undefined {
  if (v.deletable !== false) return undefined;
  if (v.reason === 'immutable') return vscode.l10n.t('immutable');
  return v.rule ? vscode.l10n.t('protected: {0} needs {1}', v.rule, roleName(v.needs)) : vscode.l10n.t('protected: needs {0}', roleName(v.needs));
}

/** "= v1.4.0" for one other tag with the same image, "+2 tags" for more. */
export function sameImageMark(others: readonly string[]): string | undefined {
  if (others.length === 0) return undefined;
  return others.length === 1 ? `= ${others[0]}` : vscode.l10n.t('+{0} tags', others.length);
}

/** The project's readable rules, one line each ("tag release-.*: delete Owner, push Owner"); [] when unread or unreadable. */
export function protectionRuleLines(p: ProjectProtection | undefined): string[] {
  if (!p) return [];
  const levels = (r: { minimum_access_level_for_delete: AccessLevelName | null; minimum_access_level_for_push: AccessLevelName | null }) =>
    r.minimum_access_level_for_delete === null && r.minimum_access_level_for_push === null
      ? vscode.l10n.t('immutable')
      : vscode.l10n.t('delete {0}, push {1}',
        r.minimum_access_level_for_delete ? roleName(r.minimum_access_level_for_delete) : '—',
        r.minimum_access_level_for_push ? roleName(r.minimum_access_level_for_push) : '—');
  return [
    ...(p.tagRules ?? []).map((r) => vscode.l10n.t('tag {0}: {1}', r.tag_name_pattern, levels(r))),
    ...(p.repositoryRules ?? []).map((r) => vscode.l10n.t('repository {0}: {1}', r.repository_path_pattern, levels(r))),
  ];
}
