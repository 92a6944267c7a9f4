/**
 * Paper titles and abstracts arrive from arXiv (through Hugging Face) with the authors' LaTeX still in
 * them: `LLM$\times$MapReduce`, `\textsc{Tulu}`, `\$0.0007`, `$\mathcal{O}(n^{2})$`. The archive keeps that
 * text as it came, so the words in it stay searchable; this module turns it into what a reader expects to
 * see (`LLM×MapReduce`, `Tulu`, `$0.0007`, `𝒪(n²)`) when a paper is shown. Pure; text with no LaTeX in it
 * comes back unchanged.
 *
 * Written here rather than taken from npm: `unicodeit` (MIT, last released 2023) replaces macro names as
 * bare substrings (`\intro` becomes `∫ro`), handles no text-mode commands, escapes or `$` delimiters, and
 * pulls a browser autocomplete widget into production dependencies; `unicode2latex` (ISC, 1.9 MB) is a
 * BibTeX-oriented table with no parser, and maps `\nabla` to a mathematical italic nabla (U+1D6FB) that
 * many chat fonts lack. What abstracts use is a few hundred macros, listed in latex-symbols.ts.
 */

import {
  ACCENTS,
  DOUBLE_STRUCK,
  DROP,
  DROP_WITH_ARGUMENT,
  KEEP_ARGUMENT,
  letterStyle,
  SCRIPT,
  SUBSCRIPTS,
  SUPERSCRIPTS,
  SYMBOLS,
} from './latex-symbols.ts';

/** A quick test: text without any of these characters has no LaTeX to convert. */
const MAYBE_LATEX = /[\\$^_~{}]|--/;

/** How deep groups may nest before the rest of a group is copied as it is. */
const MAX_DEPTH = 32;

/** The longest span a `$…$` math run may cover; a `$` with no partner that close is a dollar sign. */
const MAX_MATH_CHARS = 400;

/**
 * `text` as a reader expects to see it: math macros as Unicode (`\times` ×, `\nabla` ∇, `\alpha` α,
 * `\leq` ≤, `\rightarrow` →, `\infty` ∞, `\pm` ±), super- and subscripts as Unicode where it has them
 * (`^{2}` ², `_i` ᵢ; others as `^(…)`), formatting commands dropped with their text kept
 * (`\textsc{X}` → X, `\emph{x}` → x), `\$ \% \& \_ \# \{ \}` unescaped, `$` math delimiters removed,
 * `~` between words as a space and `--`/`---` between words as dashes. Unknown commands lose their backslash only
 * (`\method` → method). Pure; never throws.
 */
export function latexToText(text: string): string {
  if (!MAYBE_LATEX.test(text)) return text;
  return new Reader(text).run().normalize('NFC');
}

/** The spans of the words holding `://` (links), in order: found from each `://`, never by backtracking. */
function linkSpans(s: string): [number, number][] {
  const spans: [number, number][] = [];
  let at = s.indexOf('://');
  while (at >= 0) {
    let start = at;
    while (start > 0 && !/\s/.test(s[start - 1] as string)) start--;
    let end = at + 3;
    while (end < s.length && !/\s/.test(s[end] as string)) end++;
    if (start >= (spans.at(-1)?.[1] ?? 0)) spans.push([start, end]);
    at = s.indexOf('://', end);
  }
  return spans;
}

class Reader {
  #i = 0;
  #math = false;
  #depth = 0;
  #links: [number, number][] | undefined;
  #linkAt = 0;
  constructor(readonly s: string) {}

  run(): string {
    return this.#until(() => false);
  }

  /**
   * Converts text until `stop()` is true at the current position (or the end). Groups nest by recursion;
   * past {@link MAX_DEPTH} levels (no paper nests that deep, a hostile feed might) the rest of the group is
   * copied as it is, so the stack stays bounded.
   */
  #until(stop: () => boolean): string {
    let out = '';
    this.#depth++;
    if (this.#depth > MAX_DEPTH) {
      while (this.#i < this.s.length && !stop()) out += this.s[this.#i++];
    } else {
      while (this.#i < this.s.length && !stop()) out += this.#next();
    }
    this.#depth--;
    return out;
  }

  /** Converts one unit at the current position: a command, a group, a script, a delimiter or a character. */
  #next(): string {
    const s = this.s;
    const c = s[this.#i] as string;
    if (c === '\\') return this.#command();
    if (c === '$') return this.#dollar();
    if (c === '{') return this.#braces();
    if (c === '}') {
      this.#i++;
      return this.#math ? '' : '}';
    }
    if ((c === '^' || c === '_') && this.#scriptAllowed()) return this.#script(c);
    if (
      c === '~' &&
      // LaTeX's tie sits between two words (`Difference~(TD)`, `Fig.~3`); a spaced one is a tilde
      // (`~5% faster`, `~x~`), and so is one in a link.
      /[^\s/]/.test(s[this.#i - 1] ?? ' ') &&
      /\S/.test(s[this.#i + 1] ?? ' ') &&
      !this.#inLink()
    ) {
      this.#i++;
      return ' ';
    }
    if (c === '-' && !this.#math) return this.#dashes();
    this.#i++;
    return c;
  }

  /** Whether the current position is inside a link (`https://host/~user`): a word holding `://`. */
  #inLink(): boolean {
    // The links' spans, found once per text on the first tilde; tildes come in order, so one pointer.
    this.#links ??= linkSpans(this.s);
    while (this.#linkAt < this.#links.length && (this.#links[this.#linkAt]?.[1] ?? 0) <= this.#i)
      this.#linkAt++;
    const link = this.#links[this.#linkAt];
    return link !== undefined && link[0] <= this.#i;
  }

  /**
   * A `^`/`_` is a script in math. Outside it only a `^` right after a word and before a digit or group is
   * (`nabla^2DFT`, what Hugging Face leaves of `$\nabla^2$DFT`): an `_` there is a name (`gpt_4o`).
   */
  #scriptAllowed(): boolean {
    if (this.#math) return true;
    if (this.s[this.#i] !== '^') return false;
    const after = this.s[this.#i + 1] ?? '';
    return /\S/.test(this.s[this.#i - 1] ?? ' ') && /[\d{]/.test(after);
  }

  #script(kind: '^' | '_'): string {
    this.#i++;
    const table = kind === '^' ? SUPERSCRIPTS : SUBSCRIPTS;
    let body: string;
    if (this.s[this.#i] === '{') {
      this.#i++;
      const outer = this.#math;
      this.#math = true;
      body = this.#until(() => this.s[this.#i] === '}');
      this.#math = outer;
      this.#i++;
    } else if (this.s[this.#i] === '\\') {
      body = this.#command();
    } else {
      body = this.s[this.#i] ?? '';
      this.#i++;
    }
    const chars = [...body.trim()];
    if (chars.length > 0 && chars.every((ch) => table[ch] !== undefined)) {
      return chars.map((ch) => table[ch]).join('');
    }
    if (chars.length === 0) return '';
    return chars.length === 1 ? `${kind}${body.trim()}` : `${kind}(${body.trim()})`;
  }

  /** `$` opens or closes math; `$$` too. A `$` with no closing partner nearby is a dollar sign. */
  #dollar(): string {
    const double = this.s[this.#i + 1] === '$';
    const width = double ? 2 : 1;
    if (this.#math) {
      this.#math = false;
      this.#i += width;
      return '';
    }
    const close = this.s.slice(this.#i + width, this.#i + MAX_MATH_CHARS).indexOf(double ? '$$' : '$');
    if (close < 0) {
      this.#i += width;
      return double ? '$$' : '$';
    }
    this.#math = true;
    this.#i += width;
    return '';
  }

  /**
   * A bare `{…}` group: grouping in math (dropped), and around a word outside it (`{BERT}`, BibTeX's case
   * protection); other braces in prose are kept as typed.
   */
  #braces(): string {
    // Looked for within a word's length only, so a run of unclosed braces costs linear time.
    const near = this.s.slice(this.#i, this.#i + 82).indexOf('}');
    const inner = near < 0 ? '' : this.s.slice(this.#i + 1, this.#i + near);
    if (this.#math || (near > 0 && /^[\p{L}\p{N}\\ -]*$/u.test(inner))) {
      this.#i++;
      const body = this.#until(() => this.s[this.#i] === '}');
      this.#i++;
      return body;
    }
    this.#i++;
    return '{';
  }

  /** `--` and `---` between words (or digits, as in page ranges) as – and —; a flag like `--help` stays. */
  #dashes(): string {
    const run = /^-{2,3}/.exec(this.s.slice(this.#i, this.#i + 3))?.[0];
    const before = this.s[this.#i - 1] ?? ' ';
    const after = this.s[this.#i + (run?.length ?? 1)] ?? ' ';
    const spaced = /\s/.test(before) && /\s/.test(after);
    const digits = /\d/.test(before) && /\d/.test(after);
    if (run && (spaced || digits || this.#i === 0)) {
      this.#i += run.length;
      return run.length === 3 ? '—' : '–';
    }
    this.#i++;
    return '-';
  }

  /** Reads the braced argument after a command (skipping spaces), converted; '' when there is none. */
  #argument(): string | null {
    let j = this.#i;
    while (this.s[j] === ' ') j++;
    if (this.s[j] !== '{') return null;
    this.#i = j + 1;
    let depth = 0;
    const body = this.#until(() => {
      const ch = this.s[this.#i];
      if (ch === '{') depth++;
      if (ch === '}') {
        if (depth === 0) return true;
        depth--;
      }
      return false;
    });
    this.#i++;
    return body;
  }

  /** A single letter or a braced argument (accents take either: `\'e`, `\'{e}`). */
  #letterArgument(): string {
    const arg = this.#argument();
    if (arg !== null) return arg;
    const ch = this.s[this.#i] ?? '';
    this.#i++;
    return ch === '\\' ? this.#commandAfterBackslash() : ch;
  }

  #command(): string {
    this.#i++;
    return this.#commandAfterBackslash();
  }

  #commandAfterBackslash(): string {
    const s = this.s;
    const c = s[this.#i] ?? '';
    if (c === '') return '\\';
    // Escaped characters and one-character commands.
    if ('$%&_#{}'.includes(c)) {
      this.#i++;
      return c;
    }
    if (c === '\\') {
      this.#i++;
      return ' ';
    }
    if (',;:! '.includes(c)) {
      this.#i++;
      return c === '!' ? '' : ' ';
    }
    if (c === '(' || c === '[') {
      this.#i++;
      this.#math = true;
      return '';
    }
    if (c === ')' || c === ']') {
      this.#i++;
      this.#math = false;
      return '';
    }
    if (c === '|') {
      this.#i++;
      return '‖';
    }
    if (ACCENTS[c] !== undefined && !/[a-zA-Z]/.test(c)) {
      this.#i++;
      return this.#accent(c);
    }
    const name = /^[a-zA-Z]+/.exec(s.slice(this.#i, this.#i + 40))?.[0];
    if (!name) {
      this.#i++;
      return c;
    }
    this.#i += name.length;
    return this.#named(name);
  }

  #accent(name: string): string {
    const base = this.#letterArgument();
    const mark = ACCENTS[name] ?? '';
    const chars = [...base];
    if (chars.length === 0) return '';
    // A wide accent over several letters marks each; a one-letter accent marks the letter.
    return mark === '\u0305' || name.startsWith('wide')
      ? chars.map((ch) => ch + mark).join('')
      : (chars[0] as string) + mark + chars.slice(1).join('');
  }

  #named(name: string): string {
    if (ACCENTS[name] !== undefined && /^[a-z]/i.test(name) && (name.length > 1 || this.#accentFollows())) {
      return this.#accent(name);
    }
    const symbol = SYMBOLS[name];
    if (symbol !== undefined) {
      // A word-like command ends at the space after it (`\times 2`), which TeX swallows too.
      if (name === 'sqrt') return this.#sqrt();
      this.#skipEmptyGroup();
      return symbol;
    }
    if (KEEP_ARGUMENT.has(name)) {
      const arg = this.#argument();
      if (name === 'mathfrak' || name === 'mathscr') return letterStyle(arg ?? '', SCRIPT, 0x1d49c);
      return arg ?? '';
    }
    if (name === 'mathbb') return letterStyle(this.#argument() ?? '', DOUBLE_STRUCK, 0x1d538);
    if (name === 'mathcal') return letterStyle(this.#argument() ?? '', SCRIPT, 0x1d49c);
    if (name === 'frac' || name === 'dfrac' || name === 'tfrac') return this.#fraction();
    if (name === 'href') {
      this.#argument();
      return this.#argument() ?? '';
    }
    if (DROP_WITH_ARGUMENT.has(name)) {
      this.#argument();
      return '';
    }
    if (DROP.has(name)) return '';
    // An unknown command, often an author's own macro (`\method`): its name reads better than nothing.
    return name;
  }

  /** One-letter accent commands (`\c`, `\v`, `\u`) only when a letter or group follows, not `\u` in prose. */
  #accentFollows(): boolean {
    return /^(?:\{|\s?[a-zA-Z](?![a-zA-Z]))/.test(this.s.slice(this.#i, this.#i + 3));
  }

  #skipEmptyGroup(): void {
    if (this.s.startsWith('{}', this.#i)) this.#i += 2;
  }

  #sqrt(): string {
    const arg = this.#argument();
    if (arg === null) return '√';
    return [...arg].length === 1 ? `√${arg}` : `√(${arg})`;
  }

  #fraction(): string {
    const wrap = (x: string) => (/^[\p{L}\p{N}.]+$/u.test(x) ? x : `(${x})`);
    const top = this.#argument() ?? '';
    const bottom = this.#argument() ?? '';
    return `${wrap(top)}/${wrap(bottom)}`;
  }
}
