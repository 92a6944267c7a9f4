/** Discord's documented message limits. */
export const LIMITS = {
  embeds: 10,
  /** Title + description + field names/values + footer text + author name, over all embeds. */
  totalChars: 6000,
  title: 256,
  description: 4096,
  footer: 2048,
  author: 256,
  rows: 5,
  buttonsPerRow: 5,
  label: 80,
  customId: 100,
  buttonUrl: 512,
  /** Message text. */
  content: 2000,
} as const;
