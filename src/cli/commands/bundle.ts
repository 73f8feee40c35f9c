import { Command } from 'commander';
import { print, printJson } from '../common.js';
import type { BundleReport } from '../../evidence/bundle/bundle.format.js';

/** The report for people: what was checked, then every problem with the part it concerns. */
export function describeBundleReport(file: string, r: BundleReport): string[] {
  const lines: string[] = [];
  const c = r.checked;
  if (r.case_id) {
    lines.push(`case ${r.case_id}, exported by ${r.exported_by} at ${r.created_at}`);
    lines.push(`  manifest signed with key ${r.exporter_fingerprint ?? '(none)'}: compare it with ${r.exported_by}'s fingerprint read out of band`);
    lines.push(`  attachments: ${r.attachments_included ? 'included' : 'hashes only'}`);
  }
  lines.push(`checked ${c.members} members (${c.bytes} bytes), ${c.keys} keys, ${c.signatures} signatures: ${c.events} events, ${c.receipts} receipts, ${c.custody_entries} custody entries, ${c.attachments} attachments`);
  if (r.ok) lines.push(`${file}: VERIFIED`);
  else {
    lines.push(`${file}: NOT VERIFIED, ${r.problems.length} problem${r.problems.length === 1 ? '' : 's'}:`);
    for (const p of r.problems) lines.push(`  ${p.code}  ${p.path ?? '-'}  ${p.message}`);
  }
  return lines;
}

/** `accord bundle verify FILE`: checks a case bundle offline; needs no node. */
export function bundleCommand(): Command {
  const cmd = new Command('bundle').description('case bundles: verify one offline, without any node');
  cmd
    .command('verify <file>')
    .description('check every signature, hash, receipt, custody entry and the event DAG of a case bundle; exits 0 only when all verify, 1 when anything is missing, altered or signed by a key not valid at the time')
    .option('--expect-fingerprint <fp>', "the exporting node's key fingerprint, read out of band: a manifest signed by another key fails")
    .option('--json', 'print the report as JSON')
    .action(async (file: string, o: Record<string, unknown>) => {
      const { verifyBundleFile } = await import('../../evidence/bundle/bundle.node.js');
      const { existsSync, statSync } = await import('node:fs');
      if (!existsSync(file) || !statSync(file).isFile()) throw new Error(`${file}: no such file`);
      const report = await verifyBundleFile(file, typeof o.expectFingerprint === 'string' ? { expectFingerprint: o.expectFingerprint } : {});
      if (o.json) printJson(report);
      else for (const l of describeBundleReport(file, report)) print(l);
      if (!report.ok) process.exitCode = 1;
    });
  return cmd;
}
