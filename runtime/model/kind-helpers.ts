/** Pieces several node kinds share (runtime/model/kinds/). */
import type { ComposeBroker, EmitContext, KindField, Part } from './node-kind.ts';

/** The official image listens only on localhost without a config; this one ships with it. */
export const MOSQUITTO: ComposeBroker = { service: 'mosquitto', image: 'eclipse-mosquitto:2', command: ['mosquitto', '-c', '/mosquitto-no-auth.conf'], url: 'mqtt://mosquitto:1883' };
export const REDIS: ComposeBroker = { service: 'redis', image: 'redis:7-alpine', url: 'redis://redis:6379' };

/** `message` (template) or `value` (expression): what a send step sends. */
export const MESSAGE_FIELDS: Readonly<Record<string, KindField>> = {
  message: { kind: 'template', help: 'Text to send, a template: `${conn.params.name}: ${text}`.' },
  value: { kind: 'expr', help: 'Or an expression to send as is: a string, bytes (`data`), or an object sent as JSON.' },
};

export const sendPayload = (e: EmitContext): Part => (e.has('message') ? e.t('message') : e.x('value', 'undefined'));

/** What a publish step sends by default: the event's text or bytes. */
export const eventPayload = (e: EmitContext): Part => (e.event === 'onText' ? 'text' : e.event === 'onBinary' ? 'data' : "''");

export const mentionsAwait = (value: unknown): boolean => typeof value === 'string' && /\bawait\b/.test(value);

/** The broker URL field of a connector. */
export const urlField = (schemes: string, example: string) => ({
  kind: 'template' as const,
  required: true as const,
  help: `Broker or endpoint URL (${schemes}), usually \`${example}\`.`,
});

export const present = (raw: Readonly<Record<string, unknown>>, field: string): boolean => raw[field] !== undefined && raw[field] !== null;
