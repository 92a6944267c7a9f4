/*
 * The tables behind latex-text.ts: which LaTeX commands become which Unicode characters, which keep their
 * argument, which vanish. Data only, apart from the letter-style mapping.
 */

/** Math and text symbols, by macro name (without the backslash). */
// biome-ignore format: a table reads best packed, as a table.
export const SYMBOLS: Record<string, string> = {
  // Greek
  alpha: 'α', beta: 'β', gamma: 'γ', delta: 'δ', epsilon: 'ϵ', varepsilon: 'ε', zeta: 'ζ', eta: 'η',
  theta: 'θ', vartheta: 'ϑ', iota: 'ι', kappa: 'κ', lambda: 'λ', mu: 'μ', nu: 'ν', xi: 'ξ', pi: 'π',
  varpi: 'ϖ', rho: 'ρ', varrho: 'ϱ', sigma: 'σ', varsigma: 'ς', tau: 'τ', upsilon: 'υ', phi: 'ϕ',
  varphi: 'φ', chi: 'χ', psi: 'ψ', omega: 'ω', Gamma: 'Γ', Delta: 'Δ', Theta: 'Θ', Lambda: 'Λ', Xi: 'Ξ',
  Pi: 'Π', Sigma: 'Σ', Upsilon: 'Υ', Phi: 'Φ', Psi: 'Ψ', Omega: 'Ω',
  // Operators and relations
  times: '×', cdot: '·', div: '÷', pm: '±', mp: '∓', ast: '∗', star: '⋆', circ: '∘', bullet: '•', oplus: '⊕',
  otimes: '⊗', odot: '⊙', leq: '≤', le: '≤', geq: '≥', ge: '≥', neq: '≠', ne: '≠', approx: '≈', sim: '∼',
  simeq: '≃', cong: '≅', equiv: '≡', propto: '∝', ll: '≪', gg: '≫', lesssim: '≲', gtrsim: '≳', prec: '≺',
  succ: '≻', in: '∈', notin: '∉', ni: '∋', subset: '⊂', subseteq: '⊆', supset: '⊃', supseteq: '⊇', cup: '∪',
  cap: '∩', setminus: '∖', land: '∧', lor: '∨', wedge: '∧', vee: '∨', neg: '¬', lnot: '¬', forall: '∀',
  exists: '∃', emptyset: '∅', varnothing: '∅', top: '⊤', bot: '⊥', perp: '⊥', parallel: '∥', mid: '∣',
  models: '⊨', vdash: '⊢',
  // Big operators, calculus
  sum: '∑', prod: '∏', int: '∫', oint: '∮', nabla: '∇', partial: '∂', infty: '∞', sqrt: '√',
  // Arrows
  rightarrow: '→', to: '→', leftarrow: '←', gets: '←', leftrightarrow: '↔', Rightarrow: '⇒', Leftarrow: '⇐',
  Leftrightarrow: '⇔', implies: '⇒', iff: '⇔', mapsto: '↦', uparrow: '↑', downarrow: '↓', Uparrow: '⇑',
  Downarrow: '⇓', longrightarrow: '⟶', longleftarrow: '⟵', rightleftharpoons: '⇌', hookrightarrow: '↪',
  // Delimiters and dots
  langle: '⟨', rangle: '⟩', lfloor: '⌊', rfloor: '⌋', lceil: '⌈', rceil: '⌉', lvert: '|', rvert: '|',
  vert: '|', Vert: '‖', lVert: '‖', rVert: '‖', ldots: '…', dots: '…', cdots: '⋯', vdots: '⋮', ddots: '⋱',
  lbrace: '{', rbrace: '}',
  // Letter-like
  ell: 'ℓ', hbar: 'ℏ', Re: 'ℜ', Im: 'ℑ', aleph: 'ℵ', wp: '℘', prime: '′', degree: '°', angle: '∠',
  triangle: '△', square: '□', Box: '□', diamond: '◇', checkmark: '✓', dagger: '†', ddagger: '‡',
  // Text-mode symbols
  textbackslash: '\\', textasciitilde: '~', textasciicircum: '^', textless: '<', textgreater: '>',
  textbar: '|', textbullet: '•', textendash: '–', textemdash: '—', textdegree: '°', textdagger: '†',
  textquotedblleft: '“', textquotedblright: '”', textquoteleft: '‘', textquoteright: '’',
  textregistered: '®', texttrademark: '™', textcopyright: '©', copyright: '©', S: '§', P: '¶',
  textsection: '§', textperiodcentered: '·', textmu: 'µ', ss: 'ß', ae: 'æ', AE: 'Æ', oe: 'œ', OE: 'Œ',
  o: 'ø', O: 'Ø', aa: 'å', AA: 'Å', l: 'ł', L: 'Ł', i: 'ı', j: 'ȷ', LaTeX: 'LaTeX', TeX: 'TeX',
  // Spacing
  quad: ' ', qquad: ' ', enspace: ' ', space: ' ', thinspace: ' ', newline: ' ', par: ' ',
};

/** Commands whose one braced argument is shown as it is: fonts, emphasis, text inside math. */
export const KEEP_ARGUMENT = new Set([
  'textsc',
  'textbf',
  'textit',
  'texttt',
  'textrm',
  'textsf',
  'textsl',
  'textup',
  'textmd',
  'textnormal',
  'emph',
  'underline',
  'uline',
  'text',
  'mbox',
  'hbox',
  'mathrm',
  'mathbf',
  'mathit',
  'mathsf',
  'mathtt',
  'mathnormal',
  'boldsymbol',
  'bm',
  'operatorname',
  'mathop',
  'textup',
  'ensuremath',
  'url',
  'fbox',
  'small',
  'footnotesize',
  'large',
  'Large',
  'tiny',
  'huge',
  'mathscr',
  'mathfrak',
]);

/** Commands shown as nothing, with their braced argument: references and layout. */
export const DROP_WITH_ARGUMENT = new Set([
  'cite',
  'citep',
  'citet',
  'ref',
  'eqref',
  'label',
  'vspace',
  'hspace',
]);

/** Commands shown as nothing, without arguments: sizing of delimiters and the like. */
export const DROP = new Set([
  'left',
  'right',
  'big',
  'Big',
  'bigg',
  'Bigg',
  'bigl',
  'bigr',
  'Bigl',
  'Bigr',
  'limits',
  'nolimits',
  'displaystyle',
  'textstyle',
  'scriptstyle',
  'noindent',
  'centering',
  'protect',
  'relax',
  'xspace',
  'bf',
  'it',
  'rm',
  'sf',
  'tt',
  'em',
  'sc',
  'normalfont',
  'mathstrut',
]);

/** Accent commands taking one letter, as the combining mark they add. */
// biome-ignore format: a table reads best packed, as a table.
export const ACCENTS: Record<string, string> = {
  "'": '\u0301', '`': '\u0300', '^': '\u0302', '"': '\u0308', '~': '\u0303', '=': '\u0304', '.': '\u0307',
  u: '\u0306', v: '\u030c', H: '\u030b', c: '\u0327', k: '\u0328', r: '\u030a', d: '\u0323', b: '\u0331',
  hat: '\u0302', widehat: '\u0302', tilde: '\u0303', widetilde: '\u0303', bar: '\u0304', overline: '\u0305',
  vec: '\u20d7', dot: '\u0307', ddot: '\u0308', breve: '\u0306', check: '\u030c', acute: '\u0301',
  grave: '\u0300', mathring: '\u030a',
};

export const SUPERSCRIPTS: Record<string, string> = Object.fromEntries(
  [...'0123456789+-=()niabcdefghjklmoprstuvwxyzABDEGHIJKLMNOPRTUVW'].map((c, i) => [
    c,
    [...'⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱᵃᵇᶜᵈᵉᶠᵍʰʲᵏˡᵐᵒᵖʳˢᵗᵘᵛʷˣʸᶻᴬᴮᴰᴱᴳᴴᴵᴶᴷᴸᴹᴺᴼᴾᴿᵀᵁⱽᵂ'][i] as string,
  ]),
);
SUPERSCRIPTS['∗'] = '*';
SUPERSCRIPTS['*'] = '*';
SUPERSCRIPTS['′'] = '′';
SUPERSCRIPTS['†'] = '†';
SUPERSCRIPTS['∘'] = '°';
export const SUBSCRIPTS: Record<string, string> = Object.fromEntries(
  [...'0123456789+-=()aehijklmnoprstuvx'].map((c, i) => [
    c,
    [...'₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ'][i] as string,
  ]),
);

/** `\mathbb{R}` → ℝ, `\mathcal{L}` → ℒ: the letters with a character of their own, then the block. */
export const DOUBLE_STRUCK: Record<string, string> = {
  C: 'ℂ',
  H: 'ℍ',
  N: 'ℕ',
  P: 'ℙ',
  Q: 'ℚ',
  R: 'ℝ',
  Z: 'ℤ',
  1: '𝟙',
};
export const SCRIPT: Record<string, string> = {
  B: 'ℬ',
  E: 'ℰ',
  F: 'ℱ',
  H: 'ℋ',
  I: 'ℐ',
  L: 'ℒ',
  M: 'ℳ',
  R: 'ℛ',
};

export function letterStyle(text: string, own: Record<string, string>, capitalA: number): string {
  return [...text]
    .map((c) => own[c] ?? (/[A-Z]/.test(c) ? String.fromCodePoint(capitalA + c.charCodeAt(0) - 65) : c))
    .join('');
}
