/** Discord's documented limits on messages and autocomplete answers. */
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
  /** An embed's link (its title's). */
  embedUrl: 2048,
  /** Message text. */
  content: 2000,
  /** Choices in one autocomplete answer. */
  choices: 25,
  /** Characters in an autocomplete choice's name, and in its value. */
  choiceChars: 100,
} as const;
