/*
 * Reference-style links: `[Title][1]` in the text and `[1]: https://huggingface.co/papers/2401.12345` in a list
 * of definitions, which converters (turndown's `full` style, html2text) put at the end of the copy; and the
 * numbered links of text-mode browsers' dumps, `[1]Title` in the text and `1. https://…` (lynx) or
 * `[1] https://…` in the list of references at the end. The page is read in one pass, so the definitions are
 * gathered first, in a scan of the text that looks only at lines holding `]:` or `://`.
 */

/** `[label]: <url> "title"`, as CommonMark writes a link reference definition. */
const DEFINITION =
  /^ {0,3}\[([^\]]{1,64})\]:[ \t]*<?([^\s<>]+)>?(?:[ \t]+(?:"[^"]*"|'[^']*'|\([^()]*\)))?[ \t]*$/;

/**
 * The most definitions kept: a papers page has a few links per card, a few hundred in all. Past it, later
 * definitions are ignored (their links read as text), so a hostile list costs bounded memory.
 */
const MAX_DEFINITIONS = 50_000;
/** How far into its line a definition's `]:` (or its URL) can be. */
const MAX_LABEL_AT = 80;
/** The longest line read as a definition: a label, a URL and a title. */
const MAX_DEFINITION_LINE = 4096;

/** Link reference labels match case-insensitively and with runs of spaces as one (CommonMark). */
export function referenceKey(label: string): string {
  return label.trim().replace(/\s+/g, ' ').toLowerCase();
}

/** A text-mode browser's numbered reference: `1. https://…` or `[1] https://…`. */
const NUMBERED = /^\s*(?:(\d{1,6})\.|\[(\d{1,6})\])\s+(https?:\/\/\S+)\s*$/;

/** The definition a line is, or null: `[1]: https://…` (or `1. https://…`) → label `1` and its URL. */
export function definitionOf(line: string): { key: string; url: string } | null {
  if (line.includes('://')) {
    const n = NUMBERED.exec(line);
    const label = n?.[1] ?? n?.[2];
    if (label && n?.[3]) return { key: label, url: n[3] };
  }
  if (!line.includes(']:')) return null;
  const m = DEFINITION.exec(line);
  if (!m?.[1] || !m[2] || !/^(?:https?:\/\/|\/)/.test(m[2])) return null;
  return { key: referenceKey(m[1]), url: m[2] };
}

/** The link reference definitions of a text, by label; the first definition of a label wins, as in CommonMark. */
export function linkReferences(text: string): Map<string, string> {
  const refs = new Map<string, string>();
  // The next `]:` and the next `://`, each looked for again only once passed: linear in the text.
  let colon = text.indexOf(']:');
  let scheme = text.indexOf('://');
  while ((colon >= 0 || scheme >= 0) && refs.size < MAX_DEFINITIONS) {
    const at = colon < 0 ? scheme : scheme < 0 ? colon : Math.min(colon, scheme);
    // A definition is a short line opening with its label: its start is looked for no further back than
    // that (lastIndexOf could walk back over the whole text each time), and a line defines nothing past it.
    let start = at;
    while (start > 0 && at - start <= MAX_LABEL_AT && !isLineEnd(text[start - 1])) start--;
    let end = at;
    while (end < text.length && !isLineEnd(text[end])) end++;
    const opens = start === 0 || isLineEnd(text[start - 1]);
    const def =
      opens && end - start <= MAX_DEFINITION_LINE ? definitionOf(text.slice(start, end).trim()) : null;
    if (def && !refs.has(def.key)) refs.set(def.key, def.url);
    if (colon >= 0 && colon < end) colon = text.indexOf(']:', end);
    if (scheme >= 0 && scheme < end) scheme = text.indexOf('://', end);
  }
  return refs;
}

function isLineEnd(c: string | undefined): boolean {
  return c === '\n' || c === '\r';
}
