import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/**
 * Ports for the test servers that must be told one before they listen (node processes, the
 * demo, SMTP servers, a peer address that must refuse connections). They are taken below the
 * kernel's ephemeral range: every outgoing connection and every server listening on port 0 (in
 * any test file running beside this one) takes its port from that range, and could take one
 * handed out here between the check and the listen, or while a node restarts on its port.
 */
const FIRST = 10_000;
const ephemeralLow = (() => {
  try {
    return Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]) || 32_768;
  } catch {
    return 32_768;
  }
})();

function isFree(port: number): Promise<boolean> {
  return new Promise((res) => {
    const s = createServer();
    s.once('error', () => res(false));
    s.listen(port, '127.0.0.1', () => s.close(() => res(true)));
  });
}

/** The first of `n` consecutive ports that nobody listens on now, below the ephemeral range. */
export async function freePortRange(n: number): Promise<number> {
  const top = Math.max(FIRST + 1_000, ephemeralLow - n);
  for (;;) {
    const base = FIRST + Math.floor(Math.random() * (top - FIRST));
    let ok = true;
    for (let i = 0; i < n && ok; i++) ok = await isFree(base + i);
    if (ok) return base;
  }
}

/** A port that nobody listens on now, below the ephemeral range. */
export function freePort(): Promise<number> {
  return freePortRange(1);
}
