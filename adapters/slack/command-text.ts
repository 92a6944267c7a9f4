/**
 * Slack rewrites a URL pasted into a slash command as `<https://arxiv.org/abs/2410.17243>`, or
 * `<https://arxiv.org/abs/2410.17243|arxiv.org/abs/2410.17243>` with the text as it was shown.
 */
const LINK = /<([a-z][a-z0-9+.-]*:[^|>\s]*)(?:\|[^>]*)?>/gi;

/**
 * Turns every Slack link in command text back into its URL, so commands see what the person pasted and
 * never Slack's markup. Only links (a URL scheme after `<`) are unwrapped: mentions such as `<@U123>`
 * and `<!channel>` stay as typed, to be escaped wherever they are shown.
 */
export function unwrapLinks(text: string): string {
  return text.replace(LINK, '$1');
}

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>' };

/**
 * Slack delivers `&`, `<` and `>` typed into a slash command as `&amp;`, `&lt;` and `&gt;` (its markup
 * owns the raw characters). Decoding them in one pass gives back exactly what was typed: `&amp;lt;` (a
 * person typing `&lt;`) becomes `&lt;`, never `<`. The renderer escapes once on the way out, so text is
 * neither shown with visible entities (`&amp;lt;`) nor able to turn into live markup.
 */
export function decodeEntities(text: string): string {
  return text.replace(/&(?:amp|lt|gt);/g, (entity) => ENTITIES[entity] ?? entity);
}

/**
 * A slash command's `text` as the person typed it: Slack's links unwrapped (they are real markup, so this
 * comes first), then the entities decoded.
 */
export function commandText(raw: string): string {
  return decodeEntities(unwrapLinks(raw));
}
