#!/usr/bin/env node
// The client side of bench/evidence-upload.js, in a process of its own so that the node's
// core does not also pay for the client's socket writes: uploads MIB MiB over the tus routes
// and prints {"ms": …} (from the creating POST to the PATCH's 204).
// Usage: node bench/evidence-upload-client.js BASE_URL TOKEN CASE_ID MIB
import { tusUpload } from './evidence-lib.js';

const [base, token, caseId, mib] = process.argv.slice(2);
const t0 = performance.now();
await tusUpload(base, token, caseId, Number(mib));
process.stdout.write(JSON.stringify({ ms: performance.now() - t0 }) + '\n');
