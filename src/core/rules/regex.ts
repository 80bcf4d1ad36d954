// RE2 regular expressions for tag-name rules, with GitLab's exact semantics. User patterns are never
// compiled with JavaScript's RegExp: GitLab evaluates them with RE2 (Gitlab::UntrustedRegexp), which has
// no look-around and no backreferences, and a pattern JS accepts may be one GitLab rejects (or reads
// differently). re2js is a port of RE2/J, so syntax and matching follow RE2.
import type { RE2JS } from 're2js';

type Re2Module = typeof import('re2js');
let re2Module: Re2Module | undefined;
/**
 * re2js, loaded at the first regex (the largest dependency: the extension ships it as its own file,
 * dist/re2js.js, so activation does not pay for it; see scripts/build.js).
 */
function re2(): Re2Module {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  re2Module ??= require('re2js') as Re2Module;
  return re2Module;
}
import { UsageError } from '../errors';

export interface CompileOptions {
  /**
   * Wrap the pattern literally as "\\A" + pattern + "\\z", exactly like GitLab's cleanup services do
   * (no grouping: a top-level `a|b` means "starts with a" OR "ends with b").
   * Unanchored patterns match anywhere in the name (GitLab's tag protection rules).
   */
  anchored: boolean;
  /** How the pattern is named in error messages, e.g. "delete regex". Default "regex". */
  label?: string;
}

/** A compiled RE2 pattern. `test` is safe to call many times (linear time, DFA path). */
export interface Re2Pattern {
  /** The pattern as the user wrote it. */
  readonly source: string;
  /** What was compiled: `source`, or "\\A" + source + "\\z" when anchored. */
  readonly compiled: string;
  readonly anchored: boolean;
  test(name: string): boolean;
}

/** A pattern RE2 rejects. It is a UsageError (the CLI exits 2); position is 0-based in `pattern`. */
export class RegexSyntaxError extends UsageError {
  constructor(
    message: string,
    readonly pattern: string,
    /** 0-based index in `pattern` of the offending part, or -1 when RE2 did not point at one. */
    readonly position: number,
    /** The part RE2 complained about (e.g. "(?=", "\\1"), or "" when unknown. */
    readonly offending: string,
    /** RE2's own description, e.g. "invalid escape sequence". */
    readonly description: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * Compile `pattern` with RE2 semantics. The raw pattern is validated first (as GitLab's API and model
 * validators do), so error positions refer to what the user typed; then the anchored form is compiled.
 * @throws RegexSyntaxError (a UsageError) for anything RE2 rejects.
 */
export function compileRe2(pattern: string, options: CompileOptions): Re2Pattern {
  const label = options.label ?? 'regex';
  if (typeof pattern !== 'string') throw new UsageError(`The ${label} must be a string.`);
  const raw = compileOrExplain(pattern, pattern, label);
  const compiled = options.anchored ? `\\A${pattern}\\z` : pattern;
  const re = options.anchored ? compileOrExplain(compiled, pattern, label) : raw;
  // Speed: "\\A" + p + "\\z" means exactly "p matches the whole name" when p has no top-level `|` and
  // no \Q (an unterminated \Q…would swallow the \z), so RE2's whole-input test on the raw pattern gives
  // the same answer on a faster path. Otherwise the literally wrapped pattern is used.
  const exact = options.anchored && !hasTopLevelAlternation(pattern) && !pattern.includes('\\Q');
  return {
    source: pattern,
    compiled,
    anchored: options.anchored,
    test: exact ? (name: string) => raw.testExact(name) : (name: string) => re.test(name),
  };
}

/** True when `pattern` is valid RE2. */
export function isValidRe2(pattern: string): boolean {
  try {
    re2().RE2JS.compile(pattern);
    return true;
  } catch {
    return false;
  }
}

function compileOrExplain(toCompile: string, userPattern: string, label: string): RE2JS {
  try {
    return re2().RE2JS.compile(toCompile);
  } catch (err) {
    if (err instanceof re2().RE2JSSyntaxException) {
      const description = err.getDescription() || 'invalid syntax';
      const offending = err.getPattern() ?? '';
      const position = locate(userPattern, offending);
      const where =
        position >= 0 && offending !== userPattern
          ? ` at position ${position + 1}: \`${offending}\``
          : offending && offending !== userPattern
            ? `: \`${offending}\``
            : '';
      const hint = hintFor(offending, description);
      throw new RegexSyntaxError(
        `Invalid ${label} "${userPattern}": RE2 rejects it (${description})${where}.${hint ? ` ${hint}` : ''}`,
        userPattern,
        position,
        offending,
        description,
      );
    }
    const text = err instanceof re2().RE2JSException || err instanceof Error ? err.message : String(err);
    throw new RegexSyntaxError(`Invalid ${label} "${userPattern}": ${text}.`, userPattern, -1, '', text);
  }
}

/** Index of `part` in `pattern`, skipping occurrences that are themselves escaped (preceded by an odd run of `\`). */
function locate(pattern: string, part: string): number {
  if (!part) return -1;
  let from = 0;
  for (;;) {
    const at = pattern.indexOf(part, from);
    if (at < 0) return -1;
    let slashes = 0;
    for (let k = at - 1; k >= 0 && pattern[k] === '\\'; k--) slashes++;
    if (slashes % 2 === 0) return at;
    from = at + 1;
  }
}

function hintFor(offending: string, description: string): string {
  if (/^\(\?(=|!)/.test(offending)) return 'Look-ahead assertions are not supported by RE2 (GitLab).';
  if (/^\(\?<(=|!)/.test(offending)) return 'Look-behind assertions are not supported by RE2 (GitLab).';
  if (/^\\[1-9]/.test(offending)) return 'Backreferences are not supported by RE2 (GitLab).';
  if (/^\\[Zz]$/.test(offending) || offending === '\\Z') return 'RE2 has no \\Z; GitLab anchors patterns itself.';
  if (description === 'missing closing )' || description === 'unexpected )') return 'Check the parentheses.';
  if (description === 'missing closing ]') return 'Check the square brackets (escape a literal [ as \\[).';
  if (description === 'missing argument to repetition operator') return 'Escape a literal *, + or ? with a backslash.';
  return '';
}

/**
 * True when `pattern` has a `|` outside every group and character class (respecting escapes and \Q…\E).
 * GitLab wraps patterns as "\\A" + pattern + "\\z" without grouping, so `v1|latest` means "starts with v1"
 * OR "ends with latest" rather than "exactly v1 or latest": callers should warn and suggest `(v1|latest)`.
 */
export function hasTopLevelAlternation(pattern: string): boolean {
  const n = pattern.length;
  let depth = 0;
  let i = 0;
  while (i < n) {
    const c = pattern[i];
    if (c === '\\') {
      if (pattern[i + 1] === 'Q') {
        const end = pattern.indexOf('\\E', i + 2);
        i = end < 0 ? n : end + 2;
      } else {
        i += 2;
      }
      continue;
    }
    if (c === '[') {
      i = skipClass(pattern, i);
      continue;
    }
    if (c === '(') depth++;
    else if (c === ')') depth = Math.max(0, depth - 1);
    else if (c === '|' && depth === 0) return true;
    i++;
  }
  return false;
}

/** Given `pattern[start] === '['`, the index just past the matching `]` (or the end). */
function skipClass(pattern: string, start: number): number {
  const n = pattern.length;
  let i = start + 1;
  if (pattern[i] === '^') i++;
  if (pattern[i] === ']') i++; // a leading ] is literal
  while (i < n) {
    const c = pattern[i];
    if (c === '\\') {
      i += 2;
      continue;
    }
    if (c === '[' && pattern[i + 1] === ':') {
      const end = pattern.indexOf(':]', i + 2);
      if (end >= 0) {
        i = end + 2;
        continue;
      }
    }
    if (c === ']') return i + 1;
    i++;
  }
  return n;
}

/** The warning text for a top-level alternation in the pattern named `label`. */
export function alternationWarning(label: string, pattern: string): string {
  return (
    `The ${label} "${pattern}" has a top-level "|": GitLab anchors it as \\A${pattern}\\z, so each side is ` +
    `anchored at one end only (for "v1|latest": names starting with "v1" OR ending with "latest"). ` +
    `Wrap it in a group, "(${pattern})", to match whole names.`
  );
}
