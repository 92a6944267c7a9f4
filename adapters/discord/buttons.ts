import {
  type APIActionRowComponent,
  type APIButtonComponent,
  type APIButtonComponentWithCustomId,
  type APIButtonComponentWithURL,
  ButtonStyle,
  ComponentType,
} from 'discord.js';
import type { PaperItem } from '../../src/chat/platform.ts';
import { paperLinks } from '../../src/papers/paper.ts';
import { LIMITS } from './limits.ts';
import { markdownUrl, truncate } from './text.ts';

const SHARE_PREFIX = 'share:';
/** The custom id of the Share button for a paper (`share:<paperId>`, within Discord's 100 characters). */
export function shareCustomId(paperId: string): string {
  return `${SHARE_PREFIX}${paperId}`.slice(0, LIMITS.customId);
}

/** The paper id in a Share button's custom id, or null when the id is not one of ours. */
export function parseShareCustomId(customId: string): string | null {
  return customId.startsWith(SHARE_PREFIX) && customId.length > SHARE_PREFIX.length
    ? customId.slice(SHARE_PREFIX.length)
    : null;
}

type Links = ReturnType<typeof paperLinks>;

/** The paper's usable links, each URL already made safe by {@link markdownUrl}. */
function linkList(links: Links): { label: string; url: string }[] {
  const list = [
    { label: 'arXiv', url: links.abs },
    { label: 'PDF', url: links.pdf },
    { label: 'Hugging Face', url: links.hf },
    { label: 'Code', url: links.code ?? links.project },
  ];
  return list
    .map((l) => ({ label: l.label, url: l.url === null ? null : markdownUrl(l.url) }))
    .filter((l): l is { label: string; url: string } => l.url !== null && l.url.length <= LIMITS.buttonUrl);
}

/** The paper's links as markdown, for lists too long for a row of buttons each. */
export function inlineLinks(links: Links): string {
  return linkList(links)
    .map((l) => `[${l.label}](${l.url})`)
    .join(' · ');
}

/**
 * Buttons for the shown papers. Up to 5 papers: a row each (Share when shareable, then arXiv, PDF,
 * Hugging Face, Code), the first label numbered when there are several. More papers (compact): only the
 * Share buttons, numbered and packed five to a row; their links are inline in the embeds.
 */
export function buttonRows(
  items: readonly PaperItem[],
  compact: boolean,
): APIActionRowComponent<APIButtonComponent>[] {
  const numberOf = (item: PaperItem, i: number) => item.rank ?? i + 1;
  // Discord refuses a whole message in which two components share a custom id, and a paper listed twice
  // (a search's hits, a watch's matches) would give two Share buttons for it: the first one is enough.
  const shared = new Set<string>();
  const firstShare = (item: PaperItem) => {
    const id = shareCustomId(item.paper.id);
    if (!item.shareable || shared.has(id)) return false;
    shared.add(id);
    return true;
  };
  if (compact) {
    const shares = items
      .map((item, i) => ({ item, n: numberOf(item, i) }))
      .filter(({ item }) => firstShare(item))
      .map(({ item, n }) => shareButton(item, `Share #${n}`));
    return chunk(shares, LIMITS.buttonsPerRow).slice(0, LIMITS.rows).map(row);
  }
  return items
    .map((item, i) => {
      const prefix = items.length > 1 ? `#${numberOf(item, i)} ` : '';
      const list: (APIButtonComponentWithURL | APIButtonComponentWithCustomId)[] = [];
      if (firstShare(item)) list.push(shareButton(item, 'Share'));
      for (const l of linkList(paperLinks(item.paper))) {
        list.push({ type: ComponentType.Button, style: ButtonStyle.Link, label: l.label, url: l.url });
      }
      const first = list[0];
      if (first) first.label = truncate(`${prefix}${first.label ?? ''}`, LIMITS.label);
      return list.slice(0, LIMITS.buttonsPerRow);
    })
    .filter((list) => list.length > 0)
    .map(row);
}

function shareButton(item: PaperItem, label: string): APIButtonComponentWithCustomId {
  return {
    type: ComponentType.Button,
    style: ButtonStyle.Primary,
    label,
    custom_id: shareCustomId(item.paper.id),
  };
}

function row(components: APIButtonComponent[]): APIActionRowComponent<APIButtonComponent> {
  return { type: ComponentType.ActionRow, components };
}

function chunk<T>(list: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}
