// One page of a listing the tree shows, fetched from GitLab; the projects and repositories in it are kept
// in the account's cache so that later lookups by id find them.
import type { Page, PageRequest, Project, Repository } from '../../core/types';
import type { RegistryApi } from '../../core/registryApi';
import type { AccountCache, ListKey } from './cache';

export async function loadListPage(api: RegistryApi, c: AccountCache, key: ListKey, page: PageRequest): Promise<Page<unknown>> {
  switch (key.list) {
    case 'groups': return api.listGroups({ topLevelOnly: true }, page);
    case 'projects': return keepProjects(c, await api.listProjects({}, page));
    case 'subgroups': return api.listSubgroups(key.groupId, page);
    case 'groupProjects': return keepProjects(c, await api.listGroupProjects(key.groupId, { minAccessLevel: 20, directOnly: true }, page));
    case 'groupRepositories': return keepRepositories(c, await api.listGroupRepositories(key.groupId, page));
    case 'projectRepositories': return keepRepositories(c, await api.listProjectRepositories(key.projectId, page));
  }
}

function keepProjects(c: AccountCache, page: Page<Project>): Page<Project> {
  for (const p of page.items) c.projects.set(p.id, p);
  return page;
}

function keepRepositories(c: AccountCache, page: Page<Repository>): Page<Repository> {
  for (const r of page.items) {
    c.repositories.set(r.id, r);
    c.goneRepositories.delete(r.id);
  }
  return page;
}
