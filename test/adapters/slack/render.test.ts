import { describe, expect, it } from 'vitest';
import { escapeText, firstSentence, fitText, safeUrl } from '../../../adapters/slack/mrkdwn.ts';
import { renderReply, SHARE_ACTION_ID, SLACK_LIMITS } from '../../../adapters/slack/render.ts';
import type { PaperItem, Reply } from '../../../src/chat/platform.ts';
import type { StoredPaper } from '../../../src/store/port.ts';

function paper(over: Partial<StoredPaper> = {}): StoredPaper {
  return {
    id: '2410.17243',
    arxivId: '2410.17243',
    title: 'Breaking the Memory Barrier',
    abstract: 'We scale contrastive loss. It works well.',
    authors: ['Ada Lovelace', 'Alan Turing'],
    authorCount: 2,
    organization: null,
    publishedAt: '2024-10-22',
    feedDate: '2024-10-25',
    upvotes: 42,
    comments: 3,
    teamVotes: 1,
    teamReplies: 0,
    firstSeenAt: '2024-10-25T00:00:00.000Z',
    ...over,
  };
}

const reply = (papers: PaperItem[], over: Partial<Reply> = {}): Reply => ({
  visibility: 'ephemeral',
  papers,
  ...over,
});

/** Every mrkdwn string in a rendered message (section texts, context elements, the fallback). */
function texts(r: Reply): string[] {
  const msg = renderReply(r);
  const out = [msg.text];
  for (const b of msg.blocks) {
    if (b.type === 'section' && b.text) out.push(b.text.text);
    if (b.type === 'context') for (const e of b.elements) if ('text' in e) out.push(e.text);
  }
  return out;
}

/** Slack's control sequences in text: `<@U…>`, `<!here>`, `<#C…>`, and links. */
const controls = (s: string) => [...s.matchAll(/<([^>]*)>/g)].map((m) => m[1] ?? '');

describe('fitText', () => {
  it.each([
    ['short stays', 'hello world', 20, 'hello world'],
    ['cut at a word boundary with an ellipsis', 'alpha beta gamma delta', 15, 'alpha beta…'],
    ['trailing punctuation dropped before the ellipsis', 'alpha, beta gamma', 9, 'alpha…'],
    ['one long word is cut inside', 'abcdefghijklmnop', 8, 'abcdefg…'],
    ['escapes are counted and never split', 'a & b & c & d', 12, 'a &amp; b…'],
  ])('GIVEN %s', (_what, raw, max, want) => {
    const got = fitText(raw, max);
    expect(got).toBe(want);
    expect(got.length).toBeLessThanOrEqual(max);
  });
});

describe('firstSentence / safeUrl', () => {
  it.each([
    ['We do X. Then Y.', 'We do X.'],
    ['No full stop here', 'No full stop here'],
    ['Version 2.5 is out! More.', 'Version 2.5 is out!'],
  ])('firstSentence(%j) = %j', (text, want) => expect(firstSentence(text)).toBe(want));

  it.each([
    ['https://github.com/a/b', 'https://github.com/a/b'],
    ['https://x.org/?a=1&b=<2>|3', 'https://x.org/?a=1&amp;b=%3C2%3E%7C3'],
    ['javascript:alert(1)', null],
    ['', null],
  ])('safeUrl(%j) = %j', (url, want) => expect(safeUrl(url)).toBe(want));
});

describe('renderReply: escaping', () => {
  const hostile = '<!channel> <!here> <@U123> & <#C1|x> <https://evil.example|click>';
  const cases: [string, PaperItem][] = [
    ['title', { paper: paper({ title: hostile }) }],
    ['abstract', { paper: paper({ abstract: hostile }) }],
    ['ai summary', { paper: paper({ aiSummary: hostile }) }],
    ['authors', { paper: paper({ authors: [hostile] }) }],
    ['organisation', { paper: paper({ organization: { id: 'x', name: hostile } }) }],
    ['note', { paper: paper(), sharedBy: 'slack:U0SHARER', note: hostile }],
    ['sharer name', { paper: paper(), sharedBy: 'discord:42', sharedByName: hostile }],
  ];
  it.each(cases)('GIVEN a hostile %s THEN it pings nobody and is shown escaped', (_field, item) => {
    const all = texts(reply([item], { title: hostile, text: hostile }));
    for (const t of all) {
      for (const c of controls(t)) {
        // The only control sequences: our own links and the validated sharer mention.
        expect(c === '@U0SHARER' || /^https:\/\/(arxiv\.org|huggingface\.co)\//.test(c)).toBe(true);
      }
      expect(t).not.toMatch(/<!|<@U123|<#C1/);
    }
    expect(all.join('\n')).toContain('&lt;!channel&gt; &lt;!here&gt; &lt;@U123&gt; &amp;');
  });

  it('GIVEN a sharer THEN the mention is the only one, built from the user id', () => {
    const [, section, credit] = texts(
      reply([{ paper: paper(), sharedBy: 'slack:U0SHARER', note: 'read it' }]),
    );
    expect(credit).toBe('Shared by <@U0SHARER>: read it');
    expect(section).not.toContain('<@');
  });

  it.each([['slack:U1>x'], ['slack:<!channel>'], ['U123'], ['slack:u123']])(
    'GIVEN a malformed sharer ref %j THEN no mention is generated',
    (ref) => {
      const all = texts(reply([{ paper: paper(), sharedBy: ref, sharedByName: 'Ada' }])).join('\n');
      expect(all).not.toContain('<@');
      expect(all).toContain('Shared by Ada');
    },
  );

  it('GIVEN voters THEN names are shown without mentions, unnamed voters counted', () => {
    const item = { paper: paper(), voters: ['slack:U1', 'slack:U2', 'slack:U3'] };
    const names = new Map([['slack:U1', 'Ada <!here>']]);
    const msg = renderReply(reply([item]), { names });
    expect(JSON.stringify(msg.blocks)).toContain('Voted by Ada &lt;!here&gt; and 2 others');
    expect(JSON.stringify(msg.blocks)).not.toContain('<@');
    expect(texts(reply([item])).join()).toContain('Voted by 3 people');
  });

  it('GIVEN mrkdwn markers in a title THEN they cannot open or close formatting', () => {
    const [, section] = texts(reply([{ paper: paper({ title: 'A *bold* _claim_ ~x~ `code`' }) }]));
    const label = /\|([^>]*)>/.exec(section ?? '')?.[1] ?? '';
    expect(label).not.toMatch(/[*_~`]/);
    expect(section).toMatch(
      /^\*<https:\/\/huggingface\.co\/papers\/2410\.17243\|A ∗bold∗ ˍclaimˍ ∼x∼ ˋcodeˋ>\*/,
    );
  });
});

describe('renderReply: content', () => {
  it('GIVEN a shareable search result THEN it shows every field and a Share button with the paper id', () => {
    const msg = renderReply(
      reply([{ paper: paper({ githubRepo: 'https://github.com/a/b' }), shareable: true, rank: 1 }]),
    );
    const [main] = msg.blocks;
    expect(main?.type).toBe('section');
    const text = main?.type === 'section' ? (main.text?.text ?? '') : '';
    expect(text.split('\n')).toEqual([
      '*1. <https://huggingface.co/papers/2410.17243|Breaking the Memory Barrier>*',
      'Ada Lovelace, Alan Turing · 2024-10-25 · 42 HF upvotes · 1 team vote',
      'We scale contrastive loss.',
      '<https://arxiv.org/abs/2410.17243|arXiv> · <https://arxiv.org/pdf/2410.17243|PDF> · <https://huggingface.co/papers/2410.17243|Hugging Face> · <https://github.com/a/b|Code>',
    ]);
    expect(main?.type === 'section' && main.accessory).toMatchObject({
      type: 'button',
      action_id: SHARE_ACTION_ID,
      value: '2410.17243',
    });
  });

  it('GIVEN no HF upvotes, an organisation, many authors and an AI summary THEN the byline adapts', () => {
    const [, a, b] = texts(
      reply([
        { paper: paper({ upvotes: null, organization: { id: 'm', name: 'Meta' }, aiSummary: 'Short.' }) },
        { paper: paper({ authors: ['A', 'B', 'C', 'D'], arxivId: null, id: 'title:1' }) },
      ]),
    );
    expect(a?.split('\n')[1]).toBe('Meta · 2024-10-25 · 1 team vote');
    expect(a?.split('\n')[2]).toBe('Short.');
    expect(b?.split('\n')[0]).toBe('*Breaking the Memory Barrier*');
    expect(b?.split('\n')[1]).toMatch(/^A, B, C et al\. · /);
  });

  it('GIVEN a paper no feed listed THEN its date is its arXiv date, as on Discord and the console', () => {
    const [, a] = texts(reply([{ paper: paper({ feedDate: null, upvotes: null }) }]));
    expect(a?.split('\n')[1]).toBe('Ada Lovelace, Alan Turing · 2024-10-22 · 1 team vote');
  });

  it('GIVEN a huge abstract THEN the summary is trimmed at a word boundary with an ellipsis', () => {
    const abstract = `${'word '.repeat(2000)}end.`;
    const [, section] = texts(reply([{ paper: paper({ abstract, aiSummary: null }) }]));
    const summary = section?.split('\n')[2] ?? '';
    expect(summary.endsWith('word…')).toBe(true);
    expect(summary.length).toBeLessThanOrEqual(400);
  });
});

describe('renderReply: limits', () => {
  it.each([1, 24, 25, 26, 60, 200])(
    'GIVEN %i shared papers THEN at most 50 blocks and a count of the rest',
    (n) => {
      const items = Array.from({ length: n }, (_, i) => ({
        paper: paper({ id: `p${i}`, title: `Paper ${i}` }),
        sharedBy: 'slack:U1',
      }));
      const msg = renderReply(reply(items, { title: 'Top', text: 'Intro' }));
      expect(msg.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
      const shown = msg.blocks.filter((b) => b.type === 'section').length - 2;
      const last = JSON.stringify(msg.blocks.at(-1));
      if (shown < n) expect(last).toContain(`and ${n - shown} more not shown`);
      else expect(shown).toBe(n);
    },
  );

  it.each([
    ['a long body', { text: 'x '.repeat(10_000) }],
    ['a body of ampersands', { text: '&'.repeat(10_000) }],
    ['a long title', { title: '<'.repeat(5000) }],
    [
      'long paper fields',
      { papers: [{ paper: paper({ title: '&'.repeat(5000), authors: ['<'.repeat(5000)] }) }] },
    ],
    ['a long note', { papers: [{ paper: paper(), sharedBy: 'slack:U1', note: '>'.repeat(9000) }] }],
  ])('GIVEN %s THEN every text is at most 3000 characters', (_what, over) => {
    const msg = renderReply({ visibility: 'channel', ...over } as Reply);
    for (const t of texts({ visibility: 'channel', ...over } as Reply)) {
      expect(t.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
      expect(t).not.toMatch(/&(?!amp;|lt;|gt;)/);
    }
    expect(msg.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
  });

  it('GIVEN a feed’s code and project links thousands of characters long THEN the card stays whole, without them', () => {
    const long = paper({
      githubRepo: `https://github.com/${'a'.repeat(1600)}`,
      projectPage: `https://example.org/${'b&'.repeat(800)}`,
    });
    const [text] = texts(reply([{ paper: long, shareable: true }])).slice(1);
    expect(text?.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
    // Every link closes and every entity is whole: nothing shows as raw markup.
    expect(text?.split('<').length).toBe(text?.split('>').length);
    expect(text).not.toMatch(/&(?!amp;|lt;|gt;)/);
    const linkLine = text?.split('\n').at(-1);
    expect(linkLine).toBe(
      '<https://arxiv.org/abs/2410.17243|arXiv> · <https://arxiv.org/pdf/2410.17243|PDF> · <https://huggingface.co/papers/2410.17243|Hugging Face>',
    );
    const usual = paper({ githubRepo: 'https://github.com/a/b', projectPage: 'https://a.example/?x=1&y=2' });
    expect(
      texts(reply([{ paper: usual }]))[1]
        ?.split('\n')
        .at(-1),
    ).toContain('<https://github.com/a/b|Code> · <https://a.example/?x=1&amp;y=2|Project page>');
  });

  it('GIVEN an empty reply THEN one valid section', () => {
    expect(renderReply({ visibility: 'ephemeral' }).blocks).toEqual([
      { type: 'section', text: { type: 'mrkdwn', text: 'Nothing to show.' } },
    ]);
  });

  it('escapeText escapes exactly & < >', () => {
    expect(escapeText(`&<>"'*_`)).toBe(`&amp;&lt;&gt;"'*_`);
  });
});
