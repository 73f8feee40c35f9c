import { Command } from 'commander';
import { print, printJson } from '../common.js';
import type { VerifyResult } from '../../statements/statements.rules.js';

/** The report for people: each check with its outcome, then the verdict naming every part at fault. */
export function describeStatementReport(file: string, doc: unknown, r: VerifyResult): string[] {
  const lines: string[] = [];
  const d = typeof doc === 'object' && doc !== null ? (doc as Record<string, unknown>) : {};
  const signed = typeof d.document === 'object' && d.document !== null ? (d.document as Record<string, unknown>) : {};
  const fault = (part: string) => r.problems.find((p) => p.part === part);
  const mark = (part: string, ok: string) => {
    const p = fault(part);
    return p ? `${p.problem.toUpperCase()}  ${p.detail}` : ok;
  };
  if (typeof signed.statement_id === 'string') lines.push(`statement ${signed.statement_id} of group ${String(signed.group_id)} (${String(signed.kind)}): ${String(signed.title)}`);
  if (typeof d.adopted_at === 'string') lines.push(`  adopted at ${d.adopted_at}; parties: ${Array.isArray(d.parties) ? d.parties.join(', ') : '(none)'}`);
  const malformed = fault('document');
  if (malformed) lines.push(`  document: ${malformed.problem.toUpperCase()}  ${malformed.detail}`);
  const langs = [...new Set([...r.languages, ...r.problems.filter((p) => p.part.startsWith('texts.')).map((p) => p.part.slice(6))])].sort();
  for (const l of langs) lines.push(`  text ${l}: ${mark(`texts.${l}`, 'matches its hash')}`);
  if (!malformed) lines.push(`  digest: ${mark('digest', `${String(d.digest)} is the signed document's`)}`);
  const sigs = Array.isArray(d.signatures) ? d.signatures : [];
  for (const [i, x] of sigs.entries()) {
    const node = typeof x === 'object' && x !== null && typeof (x as { node?: unknown }).node === 'string' ? (x as { node: string }).node : `#${i}`;
    const key = typeof x === 'object' && x !== null ? String((x as { key?: unknown }).key) : '';
    lines.push(`  signature ${node}: ${mark(`signatures.${node}`, `verifies (Ed25519, key ${key}: compare it with ${node}'s fingerprint read out of band)`)}`);
  }
  for (const p of r.problems.filter((x) => x.part.startsWith('parties.'))) lines.push(`  party ${p.part.slice(8)}: ${p.problem.toUpperCase()}  ${p.detail}`);
  if (r.valid && r.complete) lines.push(`${file}: VERIFIED, signed by every party (${r.signed_by.join(', ')})`);
  else if (r.valid) lines.push(`${file}: NOT COMPLETE, the signatures present verify but ${r.problems.map((p) => p.part).join(', ')} missing`);
  else {
    const faults = r.problems.filter((p) => !p.part.startsWith('parties.'));
    lines.push(`${file}: NOT VERIFIED, ${faults.length} problem${faults.length === 1 ? '' : 's'}:`);
    for (const p of r.problems) lines.push(`  ${p.problem}  ${p.part}  ${p.detail}`);
  }
  return lines;
}

/** `accord statement verify FILE`: checks a co-signed statement document offline; needs no node. */
export function statementCommand(): Command {
  const cmd = new Command('statement').description('joint statements and agreements: verify a co-signed document offline, without any node');
  cmd
    .command('verify <file>')
    .description(
      'check a co-signed statement document (GET /api/v1/statements/:id/document): each language text against its hash, the digest, each Ed25519 signature, and that every party signed; exits 0 only when all verify and every party signed, 1 otherwise, naming each altered or missing part',
    )
    .option('--json', 'print the report as JSON')
    .action(async (file: string, o: Record<string, unknown>) => {
      const { existsSync, readFileSync, statSync } = await import('node:fs');
      const { verifyStatementDocument } = await import('../../statements/statements.rules.js');
      if (!existsSync(file) || !statSync(file).isFile()) throw new Error(`${file}: no such file`);
      let doc: unknown;
      try {
        doc = JSON.parse(readFileSync(file, 'utf8'));
      } catch (e) {
        throw new Error(`${file}: not JSON (${e instanceof Error ? e.message : String(e)}); expected a co-signed statement document`, { cause: e });
      }
      const report = verifyStatementDocument(doc);
      if (o.json) printJson({ file, ...report });
      else for (const l of describeStatementReport(file, doc, report)) print(l);
      if (!report.valid || !report.complete) process.exitCode = 1;
    });
  return cmd;
}
