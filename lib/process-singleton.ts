/**
 * One instance per server process. Next bundles route handlers, pages and server actions
 * separately, so a plain module-level value would exist once per bundle.
 */
export function processSingleton<T>(name: string, create: () => T): T {
  const store = globalThis as Record<symbol, unknown>;
  const key = Symbol.for(`verbatim.${name}`);
  if (!(key in store)) store[key] = create();
  return store[key] as T;
}
