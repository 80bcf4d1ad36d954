// What a command is doing that must not be cut short: main.ts's SIGINT handler reads it, so that a second
// Ctrl-C while `image rm` has a tag pointing at a placeholder says what is going on instead of exiting
// silently. One process runs one command, so one slot is enough.
import type { CriticalState } from '../core/registry';

let current: CriticalState | null = null;

export function setCriticalSection(state: CriticalState | null): void {
  current = state;
}

export function criticalSection(): CriticalState | null {
  return current;
}
