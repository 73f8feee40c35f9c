import { createDraft, sendDraft } from '../../cases/cases.service.js';
import type { RequestContent } from '../../cases/cases.schemas.js';
import type { NodeContext } from '../../context.js';

/** A request the demo federation starts with: who asks whom, and the request as a user would draft it. */
interface DemoCase {
  from: string;
  to: string;
  content: RequestContent;
}

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

const handling = { do_not_notify: true, use_limited_to_proceedings: true, onward: 'none' } as const;

/**
 * Three requests between the demo authorities, so that a first look finds cases on every node:
 * an urgent preservation request, a request for stored data and a CERT's request for help.
 * They are made through the same service calls as the web app's, so they are signed, queued
 * and delivered like any other request.
 */
export const DEMO_CASES: DemoCase[] = [
  {
    from: 'kz-cybercrime',
    to: 'uz-cert',
    content: {
      type: 'preservation-traffic-data',
      priority: 'urgent',
      subject: 'Preserve traffic data of a botnet controller hosted in Tashkent',
      reference: 'KZ-2026-000417',
      legal_basis: { instrument: 'un-cybercrime', article: 43 },
      language: 'en',
      fields: {
        requesting_authority: 'Cybercrime unit (24/7), Astana',
        offences: ['un-cybercrime-7', 'un-cybercrime-10'],
        facts_summary: 'Since 2 November a botnet has been used to enter the payment systems of three Kazakh banks. The controller answers from an address allocated to a hosting provider in Tashkent.',
        data_and_link_to_offence: 'Connection logs (source addresses, ports, times) of the controller for 1–30 November: they show which infected hosts and which operators connected to it.',
        custodian_or_location: 'Hosting provider in Tashkent (name and address in the annex of the mutual legal assistance request to follow)',
        necessity: 'The provider keeps connection logs for 30 days: without preservation the first weeks of the attack are lost.',
        mla_request_will_follow: true,
        confidential_do_not_notify_user: true,
      },
      translations: [],
      handling,
    },
  },
  {
    from: 'kg-central-authority',
    to: 'kz-cybercrime',
    content: {
      type: 'mla-production',
      priority: 'routine',
      subject: 'Subscriber information behind a phishing campaign against Kyrgyz pension holders',
      reference: 'KG-2026-000088',
      legal_basis: { instrument: 'un-cybercrime', article: 44 },
      language: 'ru',
      fields: {
        requesting_authority: 'Центральный орган по взаимной правовой помощи, Бишкек',
        proceeding_and_conducting_authority: 'Уголовное дело № 2026-114, следственная служба МВД Кыргызской Республики',
        offences: ['un-cybercrime-13'],
        facts_summary: 'С сентября пенсионерам рассылаются письма от имени Социального фонда со ссылкой на поддельный сайт, собирающий данные банковских карт.',
        assistance_sought: 'Сведения об абоненте и платёжные данные владельца домена и хостинга поддельного сайта.',
        time_period: { from: day(-75), to: day(-5) },
        purpose: 'Установление организаторов рассылки и возмещение ущерба потерпевшим.',
        proposed_deadline: day(45),
      },
      translations: [],
      handling,
    },
  },
  {
    from: 'uz-cert',
    to: 'kg-central-authority',
    content: {
      type: 'spontaneous-information',
      priority: 'routine',
      subject: 'Indicators of a ransomware group targeting hospitals in the region',
      reference: 'UZ-CERT-2026-0311',
      legal_basis: { instrument: 'un-cybercrime', article: 40 },
      language: 'en',
      fields: {
        sending_authority: 'Uzbekistan national CERT, Tashkent',
        information: 'Two hospitals in Uzbekistan were encrypted this month by the same group. Its tools contact servers that also appear in traffic from Kyrgyz networks; the addresses and file hashes are attached to this case.',
        confidentiality_or_use_conditions: 'TLP:AMBER — for the receiving authority and the health sector CERTs it works with.',
      },
      translations: [],
      handling,
    },
  },
];

/** Opens the demo cases from the nodes that ask; each node's delivery sends them on. */
export async function seedDemoCases(nodes: Map<string, NodeContext>): Promise<number> {
  let opened = 0;
  for (const c of DEMO_CASES) {
    const ctx = nodes.get(c.from);
    if (!ctx || !nodes.has(c.to)) continue;
    const draft = await createDraft(ctx, { ref: 'cli' }, c.to, c.content);
    await sendDraft(ctx, { ref: 'cli' }, draft.id);
    opened++;
  }
  return opened;
}
