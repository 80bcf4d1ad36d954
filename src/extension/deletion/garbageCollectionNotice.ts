import * as vscode from 'vscode';
import { instanceHost, isGitLabDotCom } from '../accounts/account';
import { Settings } from '../commandIds';
import type { Ui } from '../ui';

const SHOWN_KEY = 'gitlabRegistry.garbageCollectionNoticeShown';
const SELF_MANAGED_DOCS = 'https://docs.gitlab.com/administration/packages/container_registry/#container-registry-garbage-collection';
const GITLAB_COM_DOCS = 'https://docs.gitlab.com/user/packages/container_registry/reduce_container_registry_storage/';

/**
 * After the first deletion on an instance, says once (per instance, remembered in globalState) that
 * storage comes back only through garbage collection. Does not wait for the user. Off with the setting
 * `gitlabRegistry.showGarbageCollectionNotice`.
 */
export async function showGarbageCollectionNoticeOnce(ui: Ui, state: vscode.Memento, instanceUrl: string): Promise<boolean> {
  // Turned off in the settings: not shown, and not remembered as shown (turning it on again shows it once).
  if (!vscode.workspace.getConfiguration(Settings.section).get<boolean>(Settings.showGarbageCollectionNotice, true)) return false;
  const shown = state.get<string[]>(SHOWN_KEY, []);
  if (shown.includes(instanceUrl)) return false;
  await state.update(SHOWN_KEY, [...shown, instanceUrl]);
  const dotCom = isGitLabDotCom(instanceUrl);
  const message = dotCom
    ? vscode.l10n.t('Deleted images free storage only after garbage collection. GitLab.com collects unreferenced data online, about 24 hours after a deletion.')
    : vscode.l10n.t('Deleted images free storage on {0} only after garbage collection: an administrator runs "sudo gitlab-ctl registry-garbage-collect" ("-m" also removes untagged manifests). With the registry metadata database, collection runs online after about 24 hours.', instanceHost(instanceUrl));
  const learnMore = vscode.l10n.t('Learn more');
  void ui.info(message, learnMore).then((choice) => {
    if (choice === learnMore) void ui.openExternal(dotCom ? GITLAB_COM_DOCS : SELF_MANAGED_DOCS);
  });
  return true;
}
