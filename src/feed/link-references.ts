/*
 * Reference-style links: `[Title][1]` in the text and `[1]: https://huggingface.co/papers/2401.12345` in a list
 * of definitions, which converters (turndown's `full` style, html2text) put at the end of the copy. The page is
 * read in one pass, so the definitions are gathered first, in a scan of the text that looks only at lines
 * holding `]:`.
 */

/** `[label]: <url> "title"`, as CommonMark writes a link reference definition. */
const DEFINITION =
  /^ {0,3}\[([^\]]{1,64})\]:[ \t]*<?([^\s<>]+)>?(?:[ \t]+(?:"[^"]*"|'[^']*'|\([^()]*\)))?[ \t]*$/;

/**
 * The most definitions kept: a papers page has a few links per card, a few hundred in all. Past it, later
 * definitions are ignored (their links read as text), so a hostile list costs bounded memory.
 */
const MAX_DEFINITIONS = 50_000;
/** The longest line read as a definition: a label, a URL and a title. */
const MAX_DEFINITION_LINE = 4096;

/** Link reference labels match case-insensitively and with runs of spaces as one (CommonMark). */
export function referenceKey(label: string): string {
  return label.trim().replace(/\s+/g, ' ').toLowerCase();
}

/** The definition a line is, or null: `[1]: https://…` → label `1` and its URL. */
export function definitionOf(line: string): { key: string; url: string } | null {
  if (!line.includes(']:')) return null;
  const m = DEFINITION.exec(line);
  if (!m?.[1] || !m[2] || !/^(?:https?:\/\/|\/)/.test(m[2])) return null;
  return { key: referenceKey(m[1]), url: m[2] };
}

/** The link reference definitions of a text, by label; the first definition of a label wins, as in CommonMark. */
export function linkReferences(text: string): Map<string, string> {
  const refs = new Map<string, string>();
  let at = text.indexOf(']:');
  while (at >= 0 && refs.size < MAX_DEFINITIONS) {
    const start = Math.max(text.lastIndexOf('\n', at), text.lastIndexOf('\r', at)) + 1;
    let end = at;
    while (end < text.length && text[end] !== '\n' && text[end] !== '\r') end++;
    // A definition is a short line; a `]:` far into a long line opens none, and the line is not read again.
    const def =
      at - start <= 70 && end - start <= MAX_DEFINITION_LINE
        ? definitionOf(text.slice(start, end).trim())
        : null;
    if (def && !refs.has(def.key)) refs.set(def.key, def.url);
    at = text.indexOf(']:', end);
  }
  return refs;
}
