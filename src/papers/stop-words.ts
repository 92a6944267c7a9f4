/**
 * Words a title or abstract uses whatever it is about, so they never make two papers alike, however rare
 * a small archive makes them look: the function words of English (Snowball's English list), the general
 * adverbs and adjectives of the SMART list (`about`, `old`, `various`, `whole`), and the boilerplate of
 * paper abstracts (`abstract`, `propose`, `things`, `outperforms`, `github`). Words that are filler in
 * prose but topics in machine learning stay out: `value`, `attention`, `zero` (zero-shot), `few` (few-shot),
 * `key` (key-value), `prior`, `strong` (weak-to-strong), `self` (self-supervised), `range`, `example`,
 * `inner`, `style`, `state` space.
 */
const WORDS = [
  // Function words.
  'a about above after again against all also am an and any are as at be because been before being',
  'below between both but by can cannot could did do does doing down during each either else for',
  'from further had has have having he her here hers herself him himself his how i if in into is it its',
  'itself just me more most my myself neither no nor not now of off on once only onto or other others',
  'ought our ours ourselves out over own same she should so some such than that the their theirs them',
  'themselves then there these they this those through thus to too under until up upon us very via was',
  'we were what when where whether which while who whom whose why will with within without would yet',
  'you your yours yourself yourselves',
  // General words of prose (SMART).
  'able according accordingly across actually afterwards almost alone along already although always',
  'among amongst another anybody anyhow anyone anything anyway anywhere apart appear around aside away',
  'became become becomes becoming beforehand behind believe beside besides best better beyond brief',
  'certain certainly clearly come comes concerning consequently consider considering contain containing',
  'contains corresponding currently definitely despite different done downwards due eight elsewhere',
  'enough entirely especially etc even ever every everybody everyone everything everywhere exactly',
  'except far fifth first five followed following follows former formerly forth four',
  'furthermore get gets getting given gives go goes going gone got hardly hence hereafter hereby herein',
  'however ie indeed instead inward keep keeps kept know known knows last lately later latter least less',
  'lest let likely little look looking looks mainly many may maybe meanwhile merely might moreover',
  'mostly much must namely near nearly necessary need needs never nevertheless next nine nobody non none',
  'normally nothing novel nowhere obviously often old one ones otherwise overall particular',
  'particularly per perhaps placed please plus possible presumably probably quite rather really',
  'reasonably regarding regardless regards relatively respectively said saw say saying says second',
  'secondly see seeing seem seemed seeming seems seen selves several shall since six somebody',
  'somehow someone something sometime sometimes somewhat somewhere soon specified specify specifying',
  'still sub sure take taken tell tends thereafter thereby therefore therein thereupon third thorough',
  'thoroughly though three throughout together took toward towards tried tries truly try trying twice',
  'two unfortunately unless unlikely unto usually various viz vs want wants way ways well went whatever',
  'whence whenever whereafter whereas whereby wherein whereupon wherever whither whoever whole',
  'willing wish yes',
  // Boilerplate of paper abstracts.
  'abstract abstracts paper papers article work works study studies studied thing things stuff idea',
  'ideas aspect aspects kind kinds lot lots propose proposes proposed proposing present presents',
  'presented introduce introduces introduced show shows shown showing demonstrate demonstrates',
  'demonstrated achieve achieves achieved achieving approach approaches method methods result results',
  'new existing previous previously recent recently extensive experiments experimental',
  'significant significantly substantially consistently notably remarkably performance improve',
  'improves improved improvement improvements outperform outperforms outperforming superior',
  'art task tasks model models data large code available publicly release released',
  'https http github com www org based use used uses using make makes making often additionally',
  'finally including include includes leverage leverages leveraging provide provides providing enable',
  'enables allow allows address addresses investigate investigates explore explores conduct conducted',
  'further findings important crucial potential remains simple simply effective effectively',
  'several wide stronger competitive',
];

/** The stop words, lowercase. */
export const STOP_WORDS: ReadonlySet<string> = new Set(WORDS.join(' ').split(' '));
