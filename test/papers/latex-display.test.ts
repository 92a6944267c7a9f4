import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { renderReply as renderConsole } from '../../adapters/console/render.ts';
import { renderReply as renderSlack } from '../../adapters/slack/render.ts';
import { COMMANDS, parseCommandText } from '../../commands/index.ts';
import { searchCommand } from '../../commands/search.ts';
import { searchPapers } from '../../src/papers/search.ts';
import { type Archive, context, openArchive } from '../commands/archive.ts';
import { paper } from '../contract/store.contract.ts';

/**
 * The archive keeps a paper's LaTeX as it came (so its words stay searchable); what a person reads is
 * rendered from it. Real store, real command, real renderers.
 */
describe('a paper with LaTeX in its title and abstract', () => {
  let archive: Archive;
  beforeEach(async () => {
    archive = await openArchive([]);
    await archive.store.upsertPapers([
      paper({
        arxivId: '2410.09342',
        title: 'LLM$\\times$MapReduce: Simplified Long-Sequence Processing using Large Language Models',
        abstract:
          'We propose \\textsc{LLM$\\times$MapReduce}, which costs \\$0.0007 a query and is $10\\times$ faster.',
      }),
    ]);
  });
  afterEach(() => archive.close());

  it.each([['LLM MapReduce'], ['LLM×MapReduce'], ['mapreduce'], ['times mapreduce']])(
    'GIVEN the query %j THEN the paper is found',
    async (query) => {
      const reply = await searchCommand.run(context(archive.store), { query });
      expect(reply.papers?.map((p) => p.paper.arxivId)).toEqual(['2410.09342']);
    },
  );

  const run = (text: string) => {
    const parsed = parseCommandText(text, COMMANDS);
    if ('error' in parsed) throw new Error(parsed.error);
    return parsed.command.run(context(archive.store), parsed.args);
  };

  it('GIVEN LLM×MapReduce THEN an export finds it as a search does', async () => {
    const reply = await run('export LLM×MapReduce csv');
    expect(reply.file?.text).toContain('2410.09342');
  });

  it('GIVEN LLM×MapReduce THEN a watch is of both words, and already matches the paper', async () => {
    const reply = await run('watch LLM×MapReduce');
    expect(reply.text).toContain('Watching “llm mapreduce”:');
    expect(reply.text).not.toContain('""');
    expect(reply.papers?.map((p) => p.paper.arxivId)).toEqual(['2410.09342']);
  });

  it('GIVEN LLM×MapReduce THEN the search every other entry point runs (the CLI) finds it', async () => {
    const outcome = await searchPapers(archive.store, 'LLM×MapReduce', { limit: 5, today: '2025-11-12' });
    expect(outcome.ok && outcome.results.map((r) => r.paper.arxivId)).toEqual(['2410.09342']);
  });

  it('THEN the console and Slack show × and plain text, never the LaTeX', async () => {
    const reply = await searchCommand.run(context(archive.store), { query: 'mapreduce' });
    const text = renderConsole(reply);
    expect(text).toContain('LLM×MapReduce: Simplified Long-Sequence Processing');
    expect(text).toContain('We propose LLM×MapReduce, which costs $0.0007 a query and is 10× faster.');
    expect(text).not.toMatch(/\\times|\\textsc|\\\$/);
    const slack = JSON.stringify(renderSlack(reply));
    expect(slack).toContain('LLM×MapReduce: Simplified');
    expect(slack).not.toContain('\\\\times');
  });
});
