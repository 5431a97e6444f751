/**
 * The handler API (runtime/api/wsflow-handler-api.d.ts) is a global script that snippets see, so
 * it cannot import the engine's types and spells `ctx.http`'s request and response out again. The
 * assertions below make `npm run typecheck` fail when the two spellings drift apart (a field
 * added, dropped, made optional or retyped on one side only).
 */
import { expect, it } from 'vitest';
import type { HttpCallSpec } from '../../runtime/engine/contracts.ts';
import type { HttpResult } from '../../runtime/connectors/http.ts';

/** True only when A and B are the same type, optional fields and readonly included. */
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

const requestIsTheEngines: Same<HttpRequest, HttpCallSpec> = true;
const responseIsTheConnectors: Same<HttpResponse, HttpResult> = true;

it('ctx.http request and response in the handler API are the engine types (checked by the compiler)', () => {
  expect([requestIsTheEngines, responseIsTheConnectors]).toEqual([true, true]);
});
