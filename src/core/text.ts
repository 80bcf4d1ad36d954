// Text that came from a server (GitLab, a registry, a proxy in between) is shown to people in a terminal,
// a tree label, a tooltip or a notification. Control characters in it could move the cursor, recolour or
// retitle a terminal (ESC/CSI/OSC sequences, C1 controls) or forge lines, so they never pass through.

// C0 (U+0000–U+001F), DEL (U+007F) and C1 (U+0080–U+009F); also the bidirectional overrides and isolates,
// which reorder what a reader sees without being visible themselves.
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/**
 * A server string made safe to show: every control character removed, except that line breaks and tabs
 * become one space, so "a\nb" stays two readable words. ESC's printable remainder ("[31m") stays as
 * visible text, which is harmless without the ESC.
 */
export function stripControls(text: string): string {
  return text.replace(CONTROLS, (c) => (c === '\n' || c === '\r' || c === '\t' ? ' ' : ''));
}

/** stripControls for an optional value. */
export function stripControlsOpt<T extends string | null | undefined>(text: T): T {
  return (typeof text === 'string' ? stripControls(text) : text) as T;
}

/** Compares strings by Unicode code point (not UTF-16 unit): the order the CLI and the tree promise. */
export function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const x = ia.next();
    const y = ib.next();
    if (x.done) return y.done ? 0 : -1;
    if (y.done) return 1;
    const cx = x.value.codePointAt(0) as number;
    const cy = y.value.codePointAt(0) as number;
    if (cx !== cy) return cx < cy ? -1 : 1;
  }
}

/** True when a server string holds a character stripControls would remove (such a name is not shown or sent). */
export function hasControls(text: string): boolean {
  CONTROLS.lastIndex = 0;
  const found = CONTROLS.test(text);
  CONTROLS.lastIndex = 0;
  return found;
}
