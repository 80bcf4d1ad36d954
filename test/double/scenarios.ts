// Seed data. Deterministic: a seeded PRNG for digests, and every timestamp is an offset from `now`
// (the double's clock at start or reset). README.md lists the ids, paths and tokens.

import type { TokenName } from './contract';
import {
  ACCESS, GroupRec, PolicyRec, ProjectRec, RepoRec, RepoRuleRec, State, TagRec, TagRuleRec, UserRec, Visibility,
  compareNames, isoDate, isoTimestamp, randomHex, seededRandom, tagTimestamp,
} from './model';
import { materialize } from './registryContent';

export type ScenarioName = 'small' | 'large' | 'protected';

const DAY_MS = 86_400_000;

export const TOKEN_VALUES: Record<TokenName, string> = {
  owner: 'glpat-double-owner-alice',
  maintainer: 'glpat-double-maintainer-mary',
  developer: 'glpat-double-developer-dave',
  reporter: 'glpat-double-reporter-rita',
  guest: 'glpat-double-guest-gus',
  readApi: 'glpat-double-readapi-alice',
  readUser: 'glpat-double-readuser-alice',
  expired: 'glpat-double-expired-alice',
  revoked: 'glpat-double-revoked-alice',
  job: 'glcbt-double-job-my-project',
};

export const USERS = { alice: 1, mary: 2, dave: 3, rita: 4, gus: 5 } as const;

/** A tag to seed; tags with the same `image` share digest, revision, size and timestamp. */
interface TagSpec {
  name: string;
  image: string;
  /** Age in days relative to now; null = registry has no timestamp. */
  ageDays: number | null;
}

class ScenarioBuilder {
  readonly state: State;
  private readonly random = seededRandom(20240601);
  private ids = { group: 0, project: 0, repo: 0, token: 0, rule: 0 };

  constructor(private readonly now: number) {
    this.state = {
      users: new Map(), tokens: [], jobTokens: [], groups: new Map(), projects: new Map(), repos: new Map(),
      groupMembers: new Map(), projectMembers: new Map(), tokenNames: { ...TOKEN_VALUES },
    };
    this.seedUsersAndTokens();
  }

  private ago(days: number): number {
    return this.now - days * DAY_MS;
  }

  private seedUsersAndTokens(): void {
    const people: Array<[keyof typeof USERS, string]> = [
      ['alice', 'Alice Owner'], ['mary', 'Mary Maintainer'], ['dave', 'Dave Developer'],
      ['rita', 'Rita Reporter'], ['gus', 'Gus Guest'],
    ];
    for (const [username, name] of people) {
      const user: UserRec = {
        id: USERS[username], username, name, email: `${username}@example.test`, isAdmin: false, bot: false,
        createdAt: isoTimestamp(this.ago(900)),
      };
      this.state.users.set(user.id, user);
    }
    const tok = (name: TokenName, userId: number, scopes: string[], extra: { revoked?: boolean; expiresAt?: string | null } = {}) => {
      this.state.tokens.push({
        id: ++this.ids.token, value: TOKEN_VALUES[name], name: `double-${name}`, description: `Test double token (${name})`,
        userId, scopes, revoked: extra.revoked ?? false,
        expiresAt: extra.expiresAt === undefined ? isoDate(this.now + 365 * DAY_MS) : extra.expiresAt,
        createdAt: isoTimestamp(this.ago(30)), lastUsedAt: isoTimestamp(this.ago(1)),
      });
    };
    tok('owner', USERS.alice, ['api'], { expiresAt: null });
    tok('maintainer', USERS.mary, ['api']);
    tok('developer', USERS.dave, ['api']);
    tok('reporter', USERS.rita, ['api']);
    tok('guest', USERS.gus, ['api']);
    tok('readApi', USERS.alice, ['read_api']);
    tok('readUser', USERS.alice, ['read_user']);
    tok('expired', USERS.alice, ['api'], { expiresAt: isoDate(this.now - 10 * DAY_MS) });
    tok('revoked', USERS.alice, ['api'], { revoked: true });
  }

  group(path: string, parent: GroupRec | null, visibility: Visibility, members: Array<[number, number]> = []): GroupRec {
    const id = ++this.ids.group;
    const g: GroupRec = {
      id, name: path.replace(/(^|-)(\w)/g, (_, d: string, c: string) => `${d ? ' ' : ''}${c.toUpperCase()}`), path,
      fullPath: parent ? `${parent.fullPath}/${path}` : path, parentId: parent ? parent.id : null, visibility,
      description: `Group ${path}`, createdAt: isoTimestamp(this.ago(800 - id)),
    };
    this.state.groups.set(id, g);
    this.state.groupMembers.set(id, new Map(members));
    return g;
  }

  project(group: GroupRec, path: string, opts: { visibility?: Visibility; policy?: Partial<PolicyRec>; tagRules?: Array<Omit<TagRuleRec, 'id'>>; repoRules?: Array<Omit<RepoRuleRec, 'id'>>; members?: Array<[number, number]> } = {}): ProjectRec {
    const id = ++this.ids.project;
    const p: ProjectRec = {
      id, name: path, path, groupId: group.id, fullPath: `${group.fullPath}/${path}`,
      visibility: opts.visibility ?? 'private', registryAccessLevel: 'enabled', description: `Project ${path}`,
      createdAt: isoTimestamp(this.ago(700 - (id % 600))), lastActivityAt: isoTimestamp(this.ago(id % 50)),
      defaultBranch: 'main', archived: false,
      policy: {
        cadence: '1d', enabled: false, keep_n: 10, older_than: '90d', name_regex: '.*', name_regex_keep: null,
        next_run_at: null, ...opts.policy,
      },
      tagRules: (opts.tagRules ?? []).map((r) => ({ id: ++this.ids.rule, ...r })),
      repoRules: (opts.repoRules ?? []).map((r) => ({ id: ++this.ids.rule, ...r })),
    };
    this.state.projects.set(id, p);
    this.state.projectMembers.set(id, new Map(opts.members ?? []));
    return p;
  }

  repo(project: ProjectRec, name: string, specs: TagSpec[]): RepoRec {
    const images = new Map<string, Omit<TagRec, 'name'>>();
    const tags: TagRec[] = specs.map((spec) => {
      let image = images.get(spec.image);
      if (!image) {
        image = {
          digest: `sha256:${randomHex(this.random, 64)}`,
          revision: randomHex(this.random, 64),
          created_at: spec.ageDays === null ? null : tagTimestamp(this.ago(spec.ageDays)),
          total_size: 1_000_000 + Math.floor(this.random() * 300_000_000),
        };
        images.set(spec.image, image);
      }
      return { name: spec.name, ...image };
    });
    tags.sort((a, b) => compareNames(a.name, b.name));
    let size = 0;
    for (const image of images.values()) size += image.total_size ?? 0;
    const r: RepoRec = {
      id: ++this.ids.repo, projectId: project.id, name, createdAt: isoTimestamp(this.ago(400 - this.ids.repo % 300)),
      cleanupPolicyStartedAt: null, status: null, tags, sizeBytes: Math.round(size * 0.7), failDeletion: false,
    };
    this.state.repos.set(r.id, r);
    return r;
  }

  jobToken(project: ProjectRec, userId: number): void {
    this.state.jobTokens.push({ value: TOKEN_VALUES.job, projectId: project.id, userId });
  }

  /** `image` defaults to the tag name (a distinct digest per tag). */
  static tags(list: Array<[string, number | null, string?]>): TagSpec[] {
    return list.map(([name, ageDays, image]) => ({ name, ageDays, image: image ?? name }));
  }

  get policyNextRun(): string {
    return isoTimestamp(this.now + 7 * DAY_MS);
  }
}

const SEMVER_RULE: Omit<TagRuleRec, 'id'> = {
  tag_name_pattern: '^v\\d+\\.\\d+\\.\\d+$',
  minimum_access_level_for_push: 'maintainer',
  minimum_access_level_for_delete: 'maintainer',
};

const EVERYONE: Array<[number, number]> = [
  [USERS.alice, ACCESS.owner], [USERS.mary, ACCESS.maintainer], [USERS.dave, ACCESS.developer],
  [USERS.rita, ACCESS.reporter], [USERS.gus, ACCESS.guest],
];

function smallScenario(now: number, extend?: (b: ScenarioBuilder, platform: GroupRec) => void): State {
  const b = new ScenarioBuilder(now);
  const t = ScenarioBuilder.tags;
  const acme = b.group('acme', null, 'private', EVERYONE);
  const platform = b.group('platform', acme, 'private');
  const tools = b.group('tools', platform, 'private');
  const globex = b.group('globex', null, 'private', [[USERS.alice, ACCESS.owner]]);
  const oss = b.group('oss', null, 'public', [[USERS.alice, ACCESS.owner], [USERS.mary, ACCESS.maintainer]]);

  const my = b.project(platform, 'My.Project', {
    tagRules: [SEMVER_RULE],
    policy: {
      cadence: '7d', enabled: true, keep_n: 5, older_than: '30d', name_regex: '.*',
      name_regex_keep: 'v\\d+\\.\\d+\\.\\d+', next_run_at: b.policyNextRun,
    },
  });
  // Gone branches: feature/Login (merged) and Nightly (closed) are deleted; feature/checkout is merged but still there.
  my.branches = ['main', 'feature/checkout'];
  my.mergeRequests = [
    { iid: 1, title: 'Login', state: 'merged', source_branch: 'feature/Login', target_branch: 'main' },
    { iid: 2, title: 'Checkout', state: 'merged', source_branch: 'feature/checkout', target_branch: 'main' },
    { iid: 3, title: 'Nightly builds', state: 'closed', source_branch: 'Nightly', target_branch: 'main' },
    { iid: 4, title: 'Dev work', state: 'opened', source_branch: 'dev-0002', target_branch: 'main' },
  ];
  b.repo(my, '', t([
    ['latest', 2, 'release'], ['main', 2, 'release'], ['v1.2.3', 2, 'release'],
    ['v1.2.2', 10], ['v1.0.0', 200], ['feature-login', null], ['dev-0001', 40], ['dev-0002', 35],
  ]));
  b.repo(my, 'api', t([['latest', 1, 'a'], ['v2.1.0', 20, 'a2'], ['v2.0.0', 90], ['nightly', null]]));
  b.repo(my, 'tools/cli', t([['latest', 5, 'c'], ['v0.1.0', 5, 'c']]));

  const builder = b.project(tools, 'builder');
  const builderTags: Array<[string, number | null, string?]> = [['latest', 1, 'main-0']];
  for (let i = 0; i < 10; i++) builderTags.push([`v1.${i}.0`, 300 - i * 30]);
  for (let i = 0; i < 10; i++) builderTags.push([`main-${(0xa1b2c3 + i * 4099).toString(16)}`, 1 + i * 6, `main-${i}`]);
  for (const [i, f] of ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta', 'eta', 'theta'].entries()) {
    builderTags.push([`feature-${f}`, 3 + i * 11]);
  }
  builderTags.push(['pr-123', null]);
  b.repo(builder, '', t(builderTags));

  const website = b.project(acme, 'website', { visibility: 'internal' });
  b.repo(website, '', t([['latest', 3, 'w'], ['prod', 3, 'w'], ['staging', null], ['v2024.01', 400]]));
  b.repo(website, 'cache', []);

  const backend = b.project(globex, 'backend', { members: [[USERS.dave, ACCESS.developer]] });
  b.repo(backend, '', t([['latest', 4, 'b'], ['v1', 4, 'b']]));

  const publicApp = b.project(oss, 'public-app', { visibility: 'public' });
  b.repo(publicApp, '', t([['latest', 1, 'p2'], ['v2', 1, 'p2'], ['v1', 60]]));

  b.project(acme, 'docs');
  b.jobToken(my, USERS.dave);
  extend?.(b, platform);
  return b.state;
}

function largeScenario(now: number): State {
  const b = new ScenarioBuilder(now);
  const groups: GroupRec[] = [];
  for (let o = 1; o <= 5; o++) {
    const org = b.group(`org-${String(o).padStart(2, '0')}`, null, 'private', EVERYONE);
    groups.push(org);
    for (const team of ['team-a', 'team-b', 'team-c']) groups.push(b.group(team, org, 'private'));
  }
  const projects: ProjectRec[] = [];
  for (let i = 1; i <= 250; i++) {
    const group = groups[(i - 1) % groups.length];
    projects.push(b.project(group, `service-${String(i).padStart(3, '0')}`, {
      visibility: i === 2 ? 'public' : 'private',
      ...(i === 1 ? { tagRules: [SEMVER_RULE], policy: { enabled: true, cadence: '1d', next_run_at: b.policyNextRun } } : {}),
    }));
  }
  const first = projects[0];
  b.repo(first, 'big', buildTags(2_500));
  b.repo(first, 'huge', buildTags(10_050));
  for (const p of projects) {
    b.repo(p, '', ScenarioBuilder.tags([['latest', p.id % 30, 'l'], ['v1.0.0', 100 + (p.id % 200)], ['main', p.id % 30, 'l']]));
  }
  b.jobToken(first, USERS.dave);
  return b.state;
}

/** `count` tags: build-00001 … plus latest, spread over a year (oldest first), every 97th without timestamp. */
function buildTags(count: number): TagSpec[] {
  const specs: TagSpec[] = [{ name: 'latest', image: 'latest', ageDays: 0 }];
  const builds = count - 1;
  for (let i = 1; i <= builds; i++) {
    specs.push({
      name: `build-${String(i).padStart(5, '0')}`,
      image: `build-${i}`,
      ageDays: i % 97 === 0 ? null : ((builds - i) / builds) * 365,
    });
  }
  return specs;
}

/**
 * The small scenario plus acme/platform/vault with all three kinds of protection: tag rules release-.*
 * (delete: owner) and ^v\d (delete: maintainer), an immutable rule ^stable$, and a repository rule
 * acme/platform/vault/secure-* (delete: owner). `main`, `stable` and `v1.4.0` share one image.
 */
function protectedScenario(now: number): State {
  return smallScenario(now, (b, platform) => addVault(b, platform));
}

function addVault(b: ScenarioBuilder, platform: GroupRec): void {
  const vault = b.project(platform, 'vault', {
    tagRules: [
      { tag_name_pattern: 'release-.*', minimum_access_level_for_push: 'owner', minimum_access_level_for_delete: 'owner' },
      { tag_name_pattern: '^v\\d', minimum_access_level_for_push: 'maintainer', minimum_access_level_for_delete: 'maintainer' },
      { tag_name_pattern: '^stable$', minimum_access_level_for_push: null, minimum_access_level_for_delete: null },
    ],
    repoRules: [{ repository_path_pattern: 'acme/platform/vault/secure-*', minimum_access_level_for_push: 'maintainer', minimum_access_level_for_delete: 'owner' }],
  });
  const t = ScenarioBuilder.tags;
  b.repo(vault, '', t([
    ['main', 1, 'v14'], ['stable', 1, 'v14'], ['v1.4.0', 1, 'v14'], ['release-1', 5], ['release-2', 3],
    ['dev-1', 2], ['dev-2', 4, 'dev'], ['dev-3', 4, 'dev'],
  ]));
  b.repo(vault, 'secure-api', t([['v1', 2]]));
  b.repo(vault, 'scratch', []);
}

export function buildScenario(name: ScenarioName, now: number): State {
  const state = name === 'protected' ? protectedScenario(now) : name === 'large' ? largeScenario(now) : smallScenario(now);
  materialize(state);
  return state;
}
