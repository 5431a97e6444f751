/**
 * TypeScript types of the JSON messages each service accepts (`messages.incoming` with a JSON
 * schema), generated with json-schema-to-typescript, so that `json` in a chain's expressions is
 * typed: IntelliSense knows its fields and a typo is a located type error. Node only (the library
 * resolves `$ref`s itself); the compiler receives the declarations as text.
 */
import { compile } from 'json-schema-to-typescript';
import type { FlowDocument, MessageSpec } from '../model/types.ts';

type Schema = Parameters<typeof compile>[0];

const isJsonMessage = (m: MessageSpec): boolean => {
  const type = m.schema?.type;
  if (m.contentType !== undefined) return /json/i.test(m.contentType);
  return type === 'object' || type === 'array';
};

const typeName = (name: string, i: number) => `Incoming${name.replace(/[^A-Za-z0-9]/g, '').replace(/^./, (c) => c.toUpperCase()) || i}`;

/** Per service id: declarations ending in `type IncomingMessage = A | B;` (services with JSON messages only). */
export async function incomingTypes(flow: FlowDocument): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const node of Array.isArray(flow.nodes) ? flow.nodes : []) {
    if (node?.type !== 'service') continue;
    const incoming = Array.isArray(node.messages?.incoming) ? node.messages.incoming.filter((m) => m && typeof m.schema === 'object' && isJsonMessage(m)) : [];
    if (incoming.length === 0) continue;
    const names: string[] = [];
    const parts: string[] = [];
    for (const [i, message] of incoming.entries()) {
      const name = typeName(String(message.name), i);
      // The message name, not a schema title, names the type (titles may clash with the API's globals).
      const { title: _title, ...schema } = message.schema as Record<string, unknown>;
      try {
        const ts = await compile(schema as Schema, name, { bannerComment: '', format: false, additionalProperties: false, declareExternallyReferenced: true, strictIndexSignatures: true });
        parts.push(ts.replace(/^export /gm, '').trim());
        names.push(name);
      } catch {
        // A schema the generator cannot read: `json` stays untyped for that message.
        parts.push(`type ${name} = any;`);
        names.push(name);
      }
    }
    out[node.id] = `${parts.join('\n')}\ntype IncomingMessage = ${names.join(' | ')};`;
  }
  return out;
}
