import type { CommandArgs, CommandDefinition, OptionDefinition } from './types.ts';

/** A command with its arguments, or one sentence telling the person what was wrong. */
export type ParsedCommand = { command: CommandDefinition; args: CommandArgs } | { error: string };

/** The subcommand that free text falls back to when its first word names no subcommand. */
export const SEARCH_COMMAND = 'search';
/** The subcommand that empty text runs. */
export const HELP_COMMAND = 'help';

/** Longest piece of user text echoed back in an error, so a 5,000-character paste stays readable. */
const ECHO_CHARS = 60;

/** User text quoted for an error message: shortened, on one line. */
export function echo(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > ECHO_CHARS ? `${flat.slice(0, ECHO_CHARS - 1)}…` : flat;
}

/** How a subcommand is typed, e.g. `/papers top [week|month|all]` or `/papers share <paper> [note]`. */
export function usageOf(command: CommandDefinition): string {
  const parts = command.options.map((o) => {
    const inner = o.choices ? o.choices.join('|') : o.name;
    return o.required ? `<${inner}>` : `[${inner}]`;
  });
  return ['/papers', command.name, ...parts].join(' ');
}

/** One whitespace-separated word of the text, or a double-quoted group, with where it ends. */
interface Word {
  value: string;
  end: number;
}

/** Reads the next word at or after `from`; a quote without its closing partner runs to the end. */
function nextWord(text: string, from: number): Word | null {
  let i = from;
  while (i < text.length && /\s/.test(text.charAt(i))) i++;
  if (i >= text.length) return null;
  const open = text.charAt(i);
  if (open === '"' || open === '“') {
    const close = text.slice(i + 1).search(/["”]/);
    const end = close === -1 ? text.length : i + 1 + close + 1;
    const value = text.slice(i + 1, close === -1 ? text.length : end - 1);
    return { value: value.trim(), end };
  }
  let j = i;
  while (j < text.length && !/\s/.test(text.charAt(j))) j++;
  return { value: text.slice(i, j), end: j };
}

/**
 * Checks one value against its option: integers must be whole numbers, choices are matched ignoring case
 * and returned as declared. Returns the value to use, or an error sentence naming the allowed values.
 * The sentences name the subcommand, never the option: option names are identifiers (`what`, `n`), not
 * words that fit a sentence.
 */
export function checkOption(
  command: CommandDefinition,
  option: OptionDefinition,
  raw: string | number | boolean,
): { value: string | number } | { error: string } {
  if (option.type === 'integer') {
    const n = typeof raw === 'number' ? raw : /^[+-]?\d{1,15}$/.test(String(raw).trim()) ? Number(raw) : NaN;
    if (!Number.isSafeInteger(n)) {
      return {
        error: `/papers ${command.name} expects a whole number where you typed "${echo(String(raw))}". Usage: ${usageOf(command)}`,
      };
    }
    return { value: n };
  }
  const value = String(raw).trim();
  if (option.choices) {
    const match = option.choices.find((c) => c.toLowerCase() === value.toLowerCase());
    if (match === undefined) {
      return {
        error: `"${echo(value)}" is not a choice of /papers ${command.name}: choose ${listChoices(option.choices)}. Usage: ${usageOf(command)}`,
      };
    }
    return { value: match };
  }
  return { value };
}

function listChoices(choices: readonly string[]): string {
  if (choices.length < 2) return choices.join('');
  return `${choices.slice(0, -1).join(', ')} or ${choices.at(-1)}`;
}

/** Reports the first required option without a value, with the command's usage. */
function missingRequired(command: CommandDefinition, args: CommandArgs): { error: string } | null {
  const missing = command.options.find(
    (o) => o.required && (args[o.name] === undefined || args[o.name] === ''),
  );
  if (!missing) return null;
  return { error: `Tell me the ${missing.name}. Usage: ${usageOf(command)}` };
}

/**
 * Validates options a platform parsed itself (Discord's slash-command options) against the subcommand
 * named `subcommand`, with the same rules as {@link parseCommandText}. Unknown option names are ignored
 * (a stale registration must not break a command); booleans are read as text.
 */
export function resolveOptions(
  subcommand: string,
  options: Readonly<Record<string, string | number | boolean>>,
  commands: readonly CommandDefinition[],
): ParsedCommand {
  const command = commands.find((c) => c.name === subcommand.trim().toLowerCase());
  if (!command) return { error: `There is no /papers ${echo(subcommand)}. Try /papers help.` };
  const args: CommandArgs = {};
  for (const option of command.options) {
    const raw = options[option.name];
    if (raw === undefined || raw === '') continue;
    const checked = checkOption(command, option, raw);
    if ('error' in checked) return checked;
    // Only spaces is no value, as an empty option is (Discord lets a person send either).
    if (checked.value === '') continue;
    args[option.name] = checked.value;
  }
  return missingRequired(command, args) ?? { command, args };
}

/**
 * Parses the free text after `/papers` (Slack's `command.text`, a console line). The first word names a
 * subcommand, ignoring case; any other first word makes the whole text a search query. Empty text is
 * help, and so are `--help`, `-h` and `?` alone. Options are positional in definition order; an option with `rest` takes the remaining text as
 * typed (quotes and all, so a search keeps its `"phrases"`). Never throws, whatever the text.
 */
export function parseCommandText(text: string, commands: readonly CommandDefinition[]): ParsedCommand {
  const trimmed = text.trim();
  const byName = (name: string) => commands.find((c) => c.name === name);
  // What people type when they want the help of a command line tool: help, not a search for "help".
  if (trimmed === '' || /^(?:--?help|-h|\?)$/i.test(trimmed)) {
    const help = byName(HELP_COMMAND);
    return help ? { command: help, args: {} } : { error: 'Type a subcommand or some words to search for.' };
  }
  // Only a bare first word names a subcommand: `"top k" sampling` is a phrase search.
  const first = /^[^\s"“”]+/.exec(trimmed)?.[0] ?? '';
  const named = byName(first.toLowerCase());
  if (!named) {
    const search = byName(SEARCH_COMMAND);
    const query = search?.options[0];
    if (!search || !query) return { error: `There is no /papers ${echo(first || trimmed)}.` };
    return { command: search, args: { [query.name]: trimmed } };
  }
  return parseOptions(named, trimmed, first.length);
}

function parseOptions(command: CommandDefinition, text: string, from: number): ParsedCommand {
  const args: CommandArgs = {};
  let at = from;
  for (const option of command.options) {
    if (option.rest) {
      const rest = text.slice(at).trim();
      at = text.length;
      if (rest === '') continue;
      const checked = checkOption(command, option, rest);
      if ('error' in checked) return checked;
      args[option.name] = checked.value;
      continue;
    }
    const word = nextWord(text, at);
    if (!word) break;
    at = word.end;
    const checked = checkOption(command, option, word.value);
    if ('error' in checked) return checked;
    args[option.name] = checked.value;
  }
  const extra = text.slice(at).trim();
  if (extra !== '') {
    return { error: `/papers ${command.name} does not take "${echo(extra)}". Usage: ${usageOf(command)}` };
  }
  return missingRequired(command, args) ?? { command, args };
}
