import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/**
 * Where a webhook may go. A user's webhook URL makes the node send requests on their behalf,
 * so it must not reach the node's own network: loopback, private (RFC 1918), CGNAT,
 * link-local (cloud metadata at 169.254.169.254 included), unique-local, unspecified,
 * multicast and reserved addresses are refused — in IPv4-mapped IPv6 form too — unless the
 * operator allows a host or range (ACCORD_WEBHOOK_ALLOW).
 */
const INTERNAL = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24], ['203.0.113.0', 24], ['224.0.0.0', 3],
] as const) INTERNAL.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [
  ['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['fec0::', 10], ['ff00::', 8], ['64:ff9b::', 96], ['64:ff9b:1::', 48], ['100::', 64], ['2001:db8::', 32],
] as const) INTERNAL.addSubnet(net, bits, 'ipv6');

/** The operator's exceptions: host names, and addresses or CIDR ranges. */
export interface WebhookAllowList {
  hosts: Set<string>;
  ranges: BlockList;
}

export function parseWebhookAllow(entries: readonly string[]): WebhookAllowList {
  const hosts = new Set<string>();
  const ranges = new BlockList();
  for (const raw of entries) {
    const e = raw.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1');
    const [addr, bits] = e.split('/');
    const family = isIP(addr ?? '');
    if (family === 0) hosts.add(e);
    else if (bits === undefined) ranges.addAddress(addr!, family === 4 ? 'ipv4' : 'ipv6');
    else ranges.addSubnet(addr!, Number(bits), family === 4 ? 'ipv4' : 'ipv6');
  }
  return { hosts, ranges };
}

export function isInternalAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return true;
  // BlockList matches IPv4-mapped IPv6 (::ffff:127.0.0.1) against the IPv4 ranges as well.
  return INTERNAL.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** A webhook target the node refuses to contact; the message is what the user sees. */
export class WebhookTargetError extends Error {
  override name = 'WebhookTargetError';
  constructor(readonly detail: string) {
    super('the webhook address is not allowed: it must resolve to a public address');
  }
}

export interface WebhookTarget {
  host: string;
  address: string;
  family: 4 | 6;
}

/**
 * Resolves the URL's host (every address) and checks each one; the caller connects to the
 * returned address, so a DNS answer that changes after the check is never used.
 */
export async function resolveWebhookTarget(url: string, allow: WebhookAllowList): Promise<WebhookTarget> {
  const host = new URL(url).hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  let addresses: { address: string; family: number }[];
  if (isIP(host)) addresses = [{ address: host, family: isIP(host) }];
  else {
    try {
      addresses = await lookup(host, { all: true, verbatim: true });
    } catch (e) {
      throw new WebhookTargetError(`${host} does not resolve: ${(e as Error).message}`);
    }
  }
  if (addresses.length === 0) throw new WebhookTargetError(`${host} has no address`);
  if (!allow.hosts.has(host)) {
    for (const a of addresses) {
      const allowed = allow.ranges.check(a.address, a.family === 4 ? 'ipv4' : 'ipv6');
      if (isInternalAddress(a.address) && !allowed) throw new WebhookTargetError(`${host} resolves to the internal address ${a.address}`);
    }
  }
  const first = addresses[0]!;
  return { host, address: first.address, family: first.family === 6 ? 6 : 4 };
}
