#!/usr/bin/env node
// Evidence transfer between two `accord serve` processes on 127.0.0.1 (issue 13: node-to-node
// transfer >= 100 MB/s on loopback). Node A holds a case with node B; the bench uploads one
// generated file to A (tus, not timed), then times from the moment A's offer leaves until B
// has pulled every chunk (each read from A's encrypted store, decrypted and checked, sent
// over HTTP, checked against the offer's hash, sealed under B's own key and acknowledged),
// verified the whole file and shown it as received. Printed beside this machine's SHA-256
// and AES-256-GCM speed measured in the same run.
//
// Env: BENCH_DIALECTS, BENCH_PG_URL, BENCH_ROOT, BENCH_STRICT=1, BENCH_TRANSFER_MB (default
//      512), BENCH_FED_PIN=0 (do not pin A to CPU 0 and B to CPU 1), BENCH_PROF=1 (CPU
//      profiles of both nodes under test-results/bench-prof/). The per-peer bandwidth
//      limit is lifted (ACCORD_EVIDENCE_PEER_BYTES_PER_SECOND=0) for the measurement.
// Run `npm run build:server` first. JSON result: stdout and test-results/bench-evidence-transfer.json.
import { loadavg } from 'node:os';
import { loadCatalogue, requestContent, rng } from './cases-data.js';
import { benchHeader, dialectsFromEnv, eachDialect, finishBench, hasTaskset, log, posInt, printTable, round, runMain, sleep } from './lib.js';
import { api, cpuOf, profDir, scalar, startPair } from './pair.js';
import { machineSpeeds, tusUpload } from './evidence-lib.js';

const MB = posInt(process.env.BENCH_TRANSFER_MB, 512);
const PIN = process.env.BENCH_FED_PIN !== '0' && hasTaskset;
const PROF = process.env.BENCH_PROF === '1' ? profDir : null;
const TARGET = 100;
const LOAD_AT_START = loadavg().map((x) => round(x, 2));
const upload = (node, caseId) => tusUpload(node.url, node.token, caseId, MB);

async function measure(dialect) {
  const pair = await startPair(dialect, `transfer-${dialect}`, { nodes: [{ id: 'bench-a', cpu: PIN ? '0' : null }, { id: 'bench-b', cpu: PIN ? '1' : null }], env: { ACCORD_EVIDENCE_PEER_BYTES_PER_SECOND: '0', ACCORD_EVIDENCE_MAX_BYTES: String(4 * MB * (1 << 20)) }, prof: PROF });
  try {
    const [a, b] = pair.nodes;
    const catalogue = await loadCatalogue();
    const draft = await api(a, 'POST', '/api/v1/cases/drafts', { requested: 'bench-b', content: requestContent(rng(3), catalogue.requestTypes.find((t) => t.id === 'preservation-stored-data') ?? catalogue.requestTypes[0], catalogue, 0) });
    const c = await api(a, 'POST', `/api/v1/cases/drafts/${draft.id}/send`);
    for (let i = 0; (await scalar(b.reader, `select count(*) from cases where case_id = '${c.id}'`)) === 0; i++) {
      if (i > 600) throw new Error('the case did not reach B');
      await sleep(100);
    }
    const id = await upload(a, c.id);
    log(`[${dialect}] ${MB} MiB attached on A as ${id}`);
    // The offer leaves A within a second (its job); time from when B records it.
    let t0 = null;
    let c0 = null;
    for (let i = 0; ; i++) {
      const row = (await b.reader.all(`select state, created_at, finished_at, error from evidence_transfers where attachment_id = '${id}'`))[0];
      if (row && t0 === null) {
        t0 = performance.now();
        c0 = cpuOf(pair.nodes);
      }
      if (row?.state === 'received') break;
      if (row?.state === 'failed') throw new Error(`transfer failed: ${row.error}`);
      if (i > 20 * 60 * 20) throw new Error('the transfer did not finish in 20 minutes');
      await sleep(50);
    }
    const seconds = (performance.now() - t0) / 1000;
    const c1 = cpuOf(pair.nodes);
    // CPU-seconds each node spent per GiB moved: the figure that holds on a loaded machine, where wall time does not.
    const perGiB = (x) => round((x * 1024) / MB, 2);
    const pg = c0.pg === null || c1.pg === null ? null : perGiB(c1.pg - c0.pg);
    return { dialect, mib: MB, seconds: round(seconds, 2), mib_s: round(MB / seconds), cpu_s_per_gib: { sender: perGiB(c1.a - c0.a), receiver: perGiB(c1.b - c0.b), postgres: pg } };
  } finally {
    await pair.cleanup();
  }
}

runMain(async () => {
  const machine = machineSpeeds(MB);
  log(`machine: sha256 ${machine.sha256} MiB/s, aes-256-gcm ${machine.aes_256_gcm} MiB/s (one core)`);
  const { results, failures } = await eachDialect(dialectsFromEnv(), measure);
  printTable(results.map((r) => r.dialect), results, [
    ['file (MiB)', (r) => r.mib],
    ['seconds', (r) => r.seconds],
    ['node to node (MiB/s)', (r) => r.mib_s],
    ['sender CPU-s per GiB', (r) => r.cpu_s_per_gib.sender],
    ['receiver CPU-s per GiB', (r) => r.cpu_s_per_gib.receiver],
    ['postgres CPU-s per GiB', (r) => r.cpu_s_per_gib.postgres ?? '-'],
    ['machine sha256 (MiB/s)', () => machine.sha256],
    ['machine aes-256-gcm (MiB/s)', () => machine.aes_256_gcm],
  ]);
  const missed = results.some((r) => r.mib_s < TARGET);
  log(`target ≥ ${TARGET} MiB/s node to node: ${missed ? 'FAIL' : 'PASS'}`);
  finishBench('bench-evidence-transfer.json', { ...benchHeader(LOAD_AT_START), target_mib_s: TARGET, machine, results, failures }, { failed: false, missed, failures });
});
