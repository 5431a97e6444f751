/**
 * The Node half of the `http` step's SSRF rules (docs/connectors/http.md): before a guarded
 * request, and before each redirect it follows, the host is resolved and every address checked.
 * With `allow`, the host must be listed by name or all its addresses must be in a listed
 * address or CIDR; without it, no address may be loopback, link-local, private or otherwise
 * not on the public Internet.
 */
import { BlockList, isIP } from 'node:net';
import { lookup } from 'node:dns/promises';
import type { HttpGuardSpec } from '../model/http-guard.ts';
import { ConnectorError } from './errors.ts';

/** Addresses a client-chosen URL may not reach by default (IANA special-purpose registries). */
const NOT_PUBLIC = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.88.99.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24],
  ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) NOT_PUBLIC.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [
  ['::', 128], ['::1', 128], ['100::', 64], ['2001::', 23], ['2001:db8::', 32], ['fc00::', 7], ['fe80::', 10], ['fec0::', 10], ['ff00::', 8],
] as const) NOT_PUBLIC.addSubnet(net, bits, 'ipv6');

/** `::ffff:10.0.0.1` and NAT64 `64:ff9b::a00:1` are IPv4 addresses in disguise: check the IPv4 one. */
function embeddedIpv4(address: string): string | undefined {
  const dotted = /^(?:::ffff:|64:ff9b::)(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (dotted) return dotted[1];
  const hex = /^(?:::ffff:|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(address);
  if (!hex) return undefined;
  const hi = parseInt(hex[1] as string, 16);
  const lo = parseInt(hex[2] as string, 16);
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
}

function inList(list: BlockList, address: string): boolean {
  const v4 = embeddedIpv4(address);
  if (v4 !== undefined) return list.check(v4, 'ipv4');
  return list.check(address, isIP(address) === 6 ? 'ipv6' : 'ipv4');
}

export function isPublicAddress(address: string): boolean {
  return !inList(NOT_PUBLIC, address);
}

interface CompiledAllow {
  names: string[];
  suffixes: string[];
  addresses: BlockList;
}

// Compiled per request: the list crosses from the handler host as a fresh copy every time, and is short.
function compileAllow(allow: string[]): CompiledAllow {
  const c: CompiledAllow = { names: [], suffixes: [], addresses: new BlockList() };
  for (const raw of allow) {
    const entry = raw.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1');
    const [addr = '', bits] = entry.split('/');
    const family = isIP(addr);
    if (family !== 0) {
      const type = family === 6 ? 'ipv6' : 'ipv4';
      try {
        if (bits === undefined) c.addresses.addAddress(addr, type);
        else c.addresses.addSubnet(addr, Number(bits), type);
      } catch {
        // A malformed prefix (validation reports it) allows nothing.
      }
    } else if (entry.startsWith('*.')) c.suffixes.push(entry.slice(1));
    else c.names.push(entry);
  }
  return c;
}

export type Resolve = (host: string) => Promise<string[]>;

const resolveAll: Resolve = async (host) => (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);

/**
 * Throws `WSF_HTTP_BLOCKED` when `url` may not be requested under `guard`. Resolves the host
 * itself; fetch resolves it again when it connects, so a name whose answer changes in between
 * (DNS rebinding with a short TTL) is not caught: docs/security.md says so.
 */
export async function checkGuardedUrl(url: URL, guard: HttpGuardSpec, resolve: Resolve = resolveAll): Promise<void> {
  const host = url.hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');
  // The guard comes from generated code or a snippet: take only what has the right shape.
  const listed = Array.isArray(guard.allow) ? guard.allow.filter((a): a is string => typeof a === 'string') : [];
  const allow = listed.length > 0 ? compileAllow(listed) : undefined;
  if (allow && (allow.names.includes(host) || allow.suffixes.some((s) => host.endsWith(s)))) return;
  let addresses: string[];
  if (isIP(host) !== 0) addresses = [host];
  else {
    try {
      addresses = await resolve(host);
    } catch (error) {
      throw new ConnectorError('WSF_HTTP_FAILED', `${host} cannot be resolved (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
    }
  }
  if (addresses.length === 0) throw new ConnectorError('WSF_HTTP_FAILED', `${host} has no address`);
  for (const address of addresses) {
    if (allow) {
      if (!inList(allow.addresses, address)) throw new ConnectorError('WSF_HTTP_BLOCKED', `${host}${address === host ? '' : ` (${address})`} is not in the step's allow list`);
    } else if (!isPublicAddress(address)) {
      throw new ConnectorError('WSF_HTTP_BLOCKED', `${host}${address === host ? '' : ` (${address})`} is a loopback, link-local or private address, and the host comes from client input; list it in the step's allow list to reach it`);
    }
  }
}
