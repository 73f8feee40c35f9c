import { Command } from 'commander';
import { nodeOptions, print, printJson, table, withNode } from '../common.js';

const CLI = { ref: 'cli' };
const collect = (v: string, prev: string[]) => [...prev, v];

function quorumOf(o: Record<string, unknown>): { kind: 'all' } | { kind: 'at_least'; n: number } {
  if (o.quorum === undefined) return { kind: 'all' };
  const n = Number(o.quorum);
  if (!Number.isInteger(n) || n < 1) throw new Error('--quorum must be a positive integer (members whose consent adopts a change)');
  return { kind: 'at_least', n };
}

/** Groups of nodes (bilateral, regional, global) whose changes need the members' signed consent. */
export function groupCommand(): Command {
  const group = new Command('group').description('groups of nodes and the agreements behind them; every change needs the members\' consent');
  const svc = () => import('../../groups/groups.service.js');

  nodeOptions(group.command('create'))
    .description('found a group: each invited node must consent before it is a member')
    .requiredOption('--name <text>', 'name of the group')
    .requiredOption('--level <level>', 'bilateral, regional or global')
    .requiredOption('--member <node>', 'an invited node (repeat; a bilateral group has one)', collect, [])
    .requiredOption('--instrument <text>', 'the legal instrument, e.g. "SCO Agreement of 16 June 2009"')
    .option('--title <text>', 'title of the agreement (default: the instrument)')
    .option('--channel <name>', 'an allowed channel (repeat; default federation)', collect, [])
    .option('--request-type <type>', 'an allowed request type (repeat; * for any; default *)', collect, [])
    .option('--language <tag>', 'a working language (repeat; default en)', collect, [])
    .option('--confidentiality <text>', 'confidentiality terms', '')
    .option('--quorum <n>', 'consents needed to adopt a change (default: every member)')
    .option('--json', 'print as JSON')
    .action((o: Record<string, unknown>) =>
      withNode(o, async (ctx) => {
        const level = o.level as string;
        if (!['bilateral', 'regional', 'global'].includes(level)) throw new Error('--level must be bilateral, regional or global');
        const list = (k: string, d: string[]) => ((o[k] as string[]).length ? (o[k] as string[]) : d);
        const g = await (await svc()).createGroup(ctx, CLI, {
          name: o.name as string,
          level: level as 'bilateral' | 'regional' | 'global',
          charter: { quorum: quorumOf(o) },
          agreement: {
            title: (o.title as string | undefined) ?? (o.instrument as string),
            instrument: o.instrument as string,
            channels: list('channel', ['federation']),
            request_types: list('requestType', ['*']),
            languages: list('language', ['en']),
            confidentiality: o.confidentiality as string,
          },
          members: o.member as string[],
        });
        if (o.json) return printJson(g);
        print(`Proposed group ${g.id} (${g.name}) to ${(o.member as string[]).join(', ')}; it takes effect when each of them consents`);
      }),
    );

  nodeOptions(group.command('list'))
    .description('groups this node founded, belongs to, is invited to or left')
    .option('--json', 'print as JSON')
    .action((o: Record<string, unknown>) =>
      withNode(o, async (ctx) => {
        const groups = await (await svc()).listGroups(ctx);
        if (o.json) return printJson(groups);
        print(table(groups.map((g) => ({ ...g, members: g.members.join(','), instrument: g.agreement?.instrument, open: g.proposals.filter((p) => p.status === 'open').length })), ['id', 'name', 'level', 'status', 'my_role', 'members', 'open', 'instrument']));
      }),
    );

  nodeOptions(group.command('show <id>'))
    .description('a group: members, agreement, open proposals and the signed history')
    .option('--json', 'print as JSON')
    .action((id: string, o: Record<string, unknown>) =>
      withNode(o, async (ctx) => {
        const g = await (await svc()).getGroup(ctx, id);
        if (o.json) return printJson(g);
        print(`${g.name} (${g.level}, ${g.status}); this node: ${g.my_role}\nMembers: ${g.members.join(', ') || '-'}\nAgreement: ${g.agreement?.title} — ${g.agreement?.instrument}`);
        print('\nProposals:');
        print(table(g.proposals.map((p) => ({ ...p, kind: p.change.kind, consents: `${p.consents.join(',')} (${p.needed} of ${p.voters.join(',')})` })), ['id', 'kind', 'author', 'status', 'consents', 'decided_at']));
        print('\nSigned history:');
        print(table(g.history.map((h) => ({ ...h, key: h.signature.key.slice(0, 16) })), ['created_at', 'author', 'type', 'kind', 'proposal_id', 'key']));
      }),
    );

  nodeOptions(group.command('propose <id>'))
    .description('propose a change: add or remove a member, or change the quorum')
    .option('--add <node>', 'add this node')
    .option('--remove <node>', 'remove this member (it does not take part in the decision)')
    .option('--quorum <n>', 'change the charter: consents needed to adopt a change')
    .option('--json', 'print as JSON')
    .action((id: string, o: Record<string, unknown>) =>
      withNode(o, async (ctx) => {
        const given = ['add', 'remove', 'quorum'].filter((k) => o[k] !== undefined);
        if (given.length !== 1) throw new Error('give exactly one of --add, --remove, --quorum');
        const change = o.add !== undefined ? { kind: 'add_member' as const, node: o.add as string } : o.remove !== undefined ? { kind: 'remove_member' as const, node: o.remove as string } : { kind: 'change_charter' as const, charter: { quorum: quorumOf(o) } };
        const g = await (await svc()).proposeChange(ctx, CLI, id, change);
        if (o.json) return printJson(g);
        print(`Proposal ${g.proposal_id} sent to the members of ${g.name}`);
      }),
    );

  for (const [name, answer] of [['consent', 'consent'], ['refuse', 'refusal']] as const) {
    nodeOptions(group.command(`${name} <id> <proposal>`))
      .description(name === 'consent' ? "sign this node's consent to a proposal" : "sign this node's refusal of a proposal")
      .option('--reason <text>', 'grounds (refusal)')
      .option('--json', 'print as JSON')
      .action((id: string, proposal: string, o: Record<string, unknown>) =>
        withNode(o, async (ctx) => {
          const g = await (await svc()).answerProposal(ctx, CLI, id, proposal, answer, o.reason as string | undefined);
          if (o.json) return printJson(g);
          const p = g.proposals.find((x) => x.id === proposal);
          print(`${name === 'consent' ? 'Consented to' : 'Refused'} ${proposal}; it is ${p?.status ?? 'unknown'}`);
        }),
      );
  }
  return group;
}
