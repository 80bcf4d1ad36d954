// Public API of the deletion journal and restore (see journal.ts and restore.ts).
export * from './journal';
export * from './restore';
