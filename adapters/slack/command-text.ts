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
