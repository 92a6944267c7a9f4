import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { parse } from '@retorquere/bibtex-parser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConsolePlatform } from '../../../adapters/console/platform.ts';
import { loadConfig } from '../../../src/app/config.ts';
import { startBot } from '../../../src/app/main.ts';
import { Bot } from '../../../src/chat/bot.ts';
import { SqliteStore } from '../../../src/store/sqlite/store.ts';
import { type Archive, clients, NOW, openArchive } from '../../commands/archive.ts';

/**
 * The console, end to end with the real bot on a fixture archive: `/papers cite` prints the entry, and
 * `/papers export` writes the file into the configured folder and says where.
 */
describe('the console: cite and export', () => {
  let archive: Archive;
  let dir: string;
  let out: string;
  let input: PassThrough;
  let platform: ConsolePlatform;
  beforeEach(async () => {
    archive = await openArchive();
    dir = mkdtempSync(join(tmpdir(), 'paperboy-export-'));
    out = '';
    input = new PassThrough();
    platform = new ConsolePlatform({
      input,
      output: { write: (s: string) => (out += s) },
      now: () => NOW,
      fileDir: dir,
    });
    const bot = new Bot({ store: archive.store, ...clients(), upvoteEmoji: ['+1'], now: () => NOW });
    await platform.start(bot.handlersFor(platform));
  });
  afterEach(async () => {
    await platform.stop();
    await archive.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function session(...lines: string[]): Promise<string> {
    input.end(`${lines.join('\n')}\n`);
    await platform.closed;
    return out;
  }

  it('help lists cite and export with their usage', async () => {
    const text = await session('/papers help');
    expect(text).toContain("/papers cite <paper>  A paper's BibTeX entry, as arXiv gives it");
    expect(text).toContain('/papers export [source] [bibtex|csv|markdown]  A file of papers');
  });

  it('cite prints the BibTeX entry of an archived paper', async () => {
    const text = await session('/papers cite https://arxiv.org/abs/2410.17243v2');
    expect(text).toContain('== BibTeX for arXiv 2410.17243 ==');
    const entry = text.slice(text.indexOf('@misc{'));
    const lib = parse(entry.slice(0, entry.indexOf('\n}\n') + 3), { english: false });
    expect(lib.errors).toEqual([]);
    expect(lib.entries[0]?.fields.eprint).toBe('2410.17243');
    expect(lib.entries[0]?.fields.url).toBe('https://arxiv.org/abs/2410.17243');
  });

  it('export writes a search as CSV into the folder, twice without overwriting, and prints the paths', async () => {
    const text = await session('/papers export unlearning csv', '/papers export unlearning csv');
    const files = readdirSync(dir).sort();
    expect(files).toEqual(['search-unlearning-2025-11-12-2.csv', 'search-unlearning-2025-11-12.csv']);
    for (const f of files) expect(text).toContain(`Saved to ${join(dir, f)}`);
    expect(text).toMatch(/CSV of \d+ papers: papers matching "unlearning"\./);
    const csv = readFileSync(join(dir, files[1] ?? ''), 'utf8');
    expect(csv.startsWith('arxiv id,title,authors,year,url,hf upvotes,team votes\r\n')).toBe(true);
    expect(csv.toLowerCase()).toContain('unlearning');
  });

  it('export with no votes, or of an empty reading list, says why and writes nothing', async () => {
    const text = await session('/papers export top week', '/papers export list');
    expect(text).toContain('No votes this week yet, so there is nothing to export.');
    expect(text).toContain("This channel's reading list is empty, so there is nothing to export.");
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a folder that does not exist is named with what to do, not the system error', async () => {
    rmSync(dir, { recursive: true, force: true });
    const text = await session('/papers export unlearning csv');
    expect(text).toContain(
      `The file could not be saved in ${dir}: that folder does not exist; create it, or set CONSOLE_EXPORT_DIR to another folder.`,
    );
    expect(text).not.toContain('ENOENT');
  });

  it('saves into CONSOLE_EXPORT_DIR when the application starts the console', async () => {
    await archive.store.close();
    const config = loadConfig({
      DATABASE_URL: `sqlite:${archive.path}`,
      CONSOLE_EXPORT_DIR: dir,
      LOG_LEVEL: 'silent',
    });
    const keys = new PassThrough();
    let screen = '';
    const bot = await startBot(config, {
      platforms: ['console'],
      input: keys,
      output: { write: (s: string) => (screen += s) },
      now: () => NOW,
    });
    keys.end('/papers export hallucinations markdown\n');
    await bot.closed;
    await bot.stop();
    archive.store = SqliteStore.open(archive.path);
    expect(readdirSync(dir)).toEqual(['search-hallucinations-2025-11-12.md']);
    expect(screen).toContain(`Saved to ${join(dir, 'search-hallucinations-2025-11-12.md')}`);
  });
});
