/**
 * The checks of one upgrade route, built once per (re)load from its upgrader node: the origin
 * allow-list and the authenticator. Env references are resolved here, so a missing secret stops
 * the flow from starting instead of refusing every client later.
 */
import type { UpgraderNode } from '../../model/types.ts';
import { createAuthenticator } from './auth.ts';
import type { Authenticator } from './auth.ts';
import { createOriginCheck } from './origins.ts';
import type { OriginCheck } from './origins.ts';

export interface RouteGuard {
  origins?: OriginCheck;
  auth?: Authenticator;
}

export type Env = Readonly<Record<string, string | undefined>>;

export function buildGuard(upgrader: UpgraderNode, env: Env): RouteGuard | undefined {
  const guard: RouteGuard = {};
  if (Array.isArray(upgrader.allowedOrigins)) guard.origins = createOriginCheck(upgrader.allowedOrigins);
  if (upgrader.auth) guard.auth = createAuthenticator(upgrader.id, upgrader.auth, env);
  return guard.origins || guard.auth ? guard : undefined;
}

/** Guards by route index; throws AuthConfigError when an auth field cannot be resolved. */
export function buildGuards(routes: readonly { idx: number; upgrader: UpgraderNode }[], env: Env): (RouteGuard | undefined)[] {
  const out: (RouteGuard | undefined)[] = [];
  for (const r of routes) out[r.idx] = buildGuard(r.upgrader, env);
  return out;
}
