/**
 * Seeded product catalogue, customer base and country mix for the synthetic
 * "Online Retail" generator. Everything here is built once per seed and then
 * only read, so the hot loop can work with precomputed strings.
 */

import { Prng, WeightedSampler } from './prng.js';

/** RFC 4180 field: quoted when it holds a comma, a quote or a line break. */
export function csvField(value: string): string {
  if (/[",\r\n]/.test(value)) return `"${value.replace(/"/g, '""')}"`;
  return value;
}

/**
 * Formats an amount in pence the way the real files do (Python float repr):
 * `2.55`, `2.1`, `18.0`, `0.0`, `-11062.06`.
 */
export function formatPrice(pence: number): string {
  if (!Number.isInteger(pence)) throw new RangeError(`price in pence must be an integer, got ${pence}`);
  if (pence < 0) return `-${formatPrice(-pence)}`;
  const whole = Math.floor(pence / 100);
  const frac = pence % 100;
  if (frac === 0) return `${whole}.0`;
  if (frac % 10 === 0) return `${whole}.${frac / 10}`;
  return `${whole}.${frac < 10 ? '0' : ''}${frac}`;
}

/** Countries with their share of lines in the real data (line counts). */
export const COUNTRY_WEIGHTS: readonly (readonly [country: string, lines: number])[] = [
  ['United Kingdom', 495478],
  ['Germany', 9495],
  ['France', 8557],
  ['EIRE', 8196],
  ['Spain', 2533],
  ['Netherlands', 2371],
  ['Belgium', 2069],
  ['Switzerland', 2002],
  ['Portugal', 1519],
  ['Australia', 1259],
  ['Norway', 1086],
  ['Italy', 803],
  ['Channel Islands', 758],
  ['Finland', 695],
  ['Cyprus', 622],
  ['Sweden', 462],
  ['Unspecified', 446],
  ['Austria', 401],
  ['Denmark', 389],
  ['Japan', 358],
  ['Poland', 341],
  ['Israel', 297],
  ['USA', 291],
  ['Hong Kong', 288],
  ['Singapore', 229],
  ['Iceland', 182],
  ['Canada', 151],
  ['Greece', 146],
  ['Malta', 127],
  ['United Arab Emirates', 68],
  ['European Community', 61],
  ['RSA', 58],
  ['Lebanon', 45],
  ['Lithuania', 35],
  ['Brazil', 32],
  ['Czech Republic', 30],
  ['Bahrain', 19],
  ['Saudi Arabia', 10],
];

/** Share of a country's lines bought by guests (empty CustomerID). */
function guestShareFor(country: string): number {
  switch (country) {
    case 'United Kingdom':
      return 0.268;
    case 'Hong Kong':
      return 1;
    case 'Unspecified':
      return 0.45;
    case 'EIRE':
    case 'France':
    case 'Israel':
    case 'Switzerland':
    case 'Bahrain':
      return 0.02;
    default:
      return 0;
  }
}

/** Where a non-product stock code may appear. */
export type NonProductContext = 'sale' | 'cancel';

export interface NonProductCode {
  readonly code: string;
  readonly description: string;
  /** Relative frequency in the real data. */
  readonly weight: number;
  readonly contexts: readonly NonProductContext[];
  /** Unit price in pence, or a literal price text (PADS is 0.001). */
  price(rng: Prng): number | string;
  /** Absolute quantity. */
  quantity(rng: Prng): number;
}

const one = (): number => 1;

/** The non-product stock codes of the real data with plausible prices. */
export const NON_PRODUCT_CODES: readonly NonProductCode[] = [
  {
    code: 'POST',
    description: 'POSTAGE',
    weight: 1256,
    contexts: ['sale', 'cancel'],
    price: (r) => r.pick([1500, 1800, 1800, 1800, 2800, 4000]),
    quantity: (r) => r.weighted([1, 2, 3, 4, 5], [10, 4, 2, 1, 1]),
  },
  {
    code: 'DOT',
    description: 'DOTCOM POSTAGE',
    weight: 710,
    contexts: ['sale'],
    price: (r) => Math.round(r.logNormal(15000, 0.8)),
    quantity: one,
  },
  {
    code: 'M',
    description: 'Manual',
    weight: 571,
    contexts: ['sale', 'cancel'],
    price: (r) => Math.max(1, Math.round(r.logNormal(300, 1.3))),
    quantity: (r) => r.weighted([1, 2, 4, 6, 12], [12, 2, 1, 1, 1]),
  },
  {
    code: 'C2',
    description: 'CARRIAGE',
    weight: 144,
    contexts: ['sale'],
    price: (r) => r.pick([5000, 5000, 5000, 4000]),
    quantity: one,
  },
  {
    code: 'D',
    description: 'Discount',
    weight: 77,
    contexts: ['cancel'],
    price: (r) => Math.max(1, Math.round(r.logNormal(2500, 1.0))),
    quantity: one,
  },
  {
    code: 'S',
    description: 'SAMPLES',
    weight: 63,
    contexts: ['cancel'],
    price: (r) => Math.max(1, Math.round(r.logNormal(800, 1.1))),
    quantity: one,
  },
  {
    code: 'BANK CHARGES',
    description: 'Bank Charges',
    weight: 37,
    contexts: ['sale', 'cancel'],
    price: () => 1500,
    quantity: one,
  },
  {
    code: 'AMAZONFEE',
    description: 'AMAZON FEE',
    weight: 34,
    contexts: ['sale', 'cancel'],
    price: (r) => Math.round(r.logNormal(550000, 0.7)),
    quantity: one,
  },
  {
    code: 'CRUK',
    description: 'CRUK Commission',
    weight: 16,
    contexts: ['cancel'],
    price: (r) => Math.max(1, Math.round(r.logNormal(1500, 0.8))),
    quantity: one,
  },
  {
    code: 'PADS',
    description: 'PADS TO MATCH ALL CUSHIONS',
    weight: 4,
    contexts: ['sale'],
    price: () => '0.001',
    quantity: one,
  },
];

export interface Product {
  readonly code: string;
  readonly description: string;
  /** Trade unit price in pence. */
  readonly pricePence: number;
  /** `CODE,DESCRIPTION` with the description already CSV-quoted. */
  readonly codeDesc: string;
  /** `CODE,` for lines whose description is missing. */
  readonly codeOnly: string;
  /** Price text paid by registered (trade) customers. */
  readonly priceText: string;
  /** Price text paid by guests (retail prices are higher, as in the real data). */
  readonly guestPriceText: string;
}

export interface CountryInfo {
  readonly name: string;
  /** Probability that an invoice from this country is a guest purchase. */
  readonly guestShare: number;
  /** Customer ids already formatted as in the real files (`17850.0`). */
  readonly customers: readonly string[];
}

export interface Catalogue {
  readonly products: readonly Product[];
  /** Samples a product index, skewed towards best sellers. */
  readonly productSampler: WeightedSampler;
  readonly countries: readonly CountryInfo[];
  /** Samples a country index by its share of lines. */
  readonly countrySampler: WeightedSampler;
  /** Index of 'United Kingdom' in {@link countries}. */
  readonly ukIndex: number;
  readonly nonProduct: {
    readonly sale: readonly NonProductCode[];
    readonly saleSampler: WeightedSampler;
    readonly cancel: readonly NonProductCode[];
    readonly cancelSampler: WeightedSampler;
  };
}

export interface CatalogueOptions {
  /** Number of distinct products (default 4000, like the real data). */
  products?: number;
  /** Number of registered customers (default 4372, like the real data). */
  customers?: number;
}

// ---------------------------------------------------------------------------
// Word lists for descriptions, in the style of the real catalogue.

const PREFIXES = [
  'SET OF 3', 'SET OF 4', 'SET OF 6', 'SET/10', 'SET 2', 'PACK OF 12', 'PACK OF 20', 'PACK OF 60',
  'PACK OF 72', 'JUMBO', 'LARGE', 'SMALL', 'MINI', 'MEDIUM', 'GIANT', 'VINTAGE', 'ANTIQUE', 'RETRO',
  'HANGING', 'GLASS', 'WOODEN', 'CERAMIC', 'METAL', 'ENAMEL', 'PAPER', 'FELT', 'KNITTED', 'ZINC',
  'WICKER', 'PORCELAIN', 'CHILDRENS', 'DOLLY', 'FRENCH', 'REGENCY', 'EDWARDIAN', 'SWEETHEART',
];
const COLOURS = [
  'WHITE', 'RED', 'PINK', 'BLUE', 'GREEN', 'IVORY', 'CREAM', 'BLACK', 'SILVER', 'GOLD', 'PURPLE',
  'ORANGE', 'YELLOW', 'PASTEL', 'LIGHT PINK', 'HOT PINK', 'BABY BLUE', 'SKY BLUE', 'RED/WHITE',
  'CHOCOLATE', 'NATURAL', 'ASSORTED COLOUR', 'CLEAR', 'TURQUOISE', 'LILAC', 'GREY',
];
const THEMES = [
  'RETROSPOT', 'PAISLEY', 'POLKADOT', 'SPACEBOY', 'DOLLY GIRL', 'WOODLAND', 'CHRISTMAS', 'HEART',
  'BIRD', 'FLORAL', 'UNION FLAG', 'SKULL', 'PANTRY', 'ROSES', 'OWL', 'CIRCUS PARADE', 'SPOTTY',
  'STRIPE', 'GINGHAM', 'LOVE', 'VINTAGE LEAF', 'BAROQUE', 'ENGLISH ROSE', 'JAM MAKING', 'TEA TIME',
  'BUTTERFLY', 'FAIRY CAKE', 'SNOWFLAKE', 'STAR', 'CUPID', 'ZINC HEART', 'DINER', 'GARDEN',
  'MAGIC GARDEN', 'NEW ENGLAND', 'ALPHABET', 'PARISIENNE', 'MOROCCAN', 'SCANDINAVIAN',
];
const ITEMS = [
  'T-LIGHT HOLDER', 'LANTERN', 'COAT HANGER', 'HOT WATER BOTTLE', 'CAKESTAND 3 TIER', 'LUNCH BAG',
  'JUMBO BAG', 'CAKE CASES', 'MUG', 'TEA TOWEL', 'DOORMAT', 'CANDLE', 'BUNTING', 'GIFT WRAP',
  'NAPKINS', 'PHOTO FRAME', 'WALL CLOCK', 'CUSHION COVER', 'NOTEBOOK', 'PENCILS', 'CHALKBOARD',
  'DOOR STOP', 'TRINKET BOX', 'JEWELLERY BOX', 'TEACUP AND SAUCER', 'PLATE', 'BOWL', 'TUMBLER',
  'STORAGE JAR', 'BAKING SET', 'APRON', 'OVEN GLOVE', 'PURSE', 'SHOPPER BAG', 'WASHBAG',
  'HAND WARMER', 'PLASTERS IN TIN', 'TISSUES', 'PARTY BAG', 'PAPER CHAIN KIT', 'GARLAND',
  'WALL ART', 'METAL SIGN', 'KEY FOB', 'HOOK', 'COAT RACK', 'BIRD FEEDER', 'PLANT POT', 'WATERING CAN',
  'MILK JUG', 'SUGAR BOWL', 'TEAPOT', 'EGG CUP', 'SPOON', 'CHOPSTICKS', 'ALARM CLOCK BAKELIKE',
  'NIGHT LIGHT', 'FAIRY LIGHTS', 'WRAP', 'GREETING CARD', 'BIRTHDAY CARD', 'STICKER SHEET',
  'SNACK BOX', 'PICNIC BASKET', 'WATER BOTTLE', 'UMBRELLA', 'RAIN HAT', 'HAIR CLIP', 'BRACELET',
  'NECKLACE', 'EARRINGS', 'MIRROR', 'DRAWER KNOB', 'TRAY', 'COASTER', 'PLACEMAT', 'BUNNY',
  'DECORATION', 'BAUBLE', 'WREATH', 'STOCKING', 'ADVENT CALENDAR', 'TREE', 'BELL', 'FRIDGE MAGNET',
];
/** Words with non-ASCII letters (and the pound sign), used by a few percent of descriptions. */
const FOREIGN_WORDS = [
  'CAFÉ', 'CRÈME BRÛLÉE', 'MÜNCHEN', 'SMØRREBRØD', 'PIÑATA', 'FAÇADE', 'NOËL', 'JOYEUX NOËL',
  'ÉTOILE', 'FRÜHLING', 'GÂTEAU', 'SØSTRENE', 'MAÑANA', 'GARÇON', 'BRÜDER', 'HYGGE STUE ØST',
  'BELLE ÉPOQUE', 'PÂTISSERIE', 'ZÜRICH', 'ÅLESUND',
];
const LOWER_SUFFIXES = ['pack/12', 'pack/6', 'jalapeño', 'façon', 'crème', 'smørbrød'];
const EXTRAS_WITH_COMMA = [
  'TEA,COFFEE,SUGAR', 'A,B,C', 'STARS,TREES', 'BREAKFAST IN BED', 'DINER STYLE, IVORY',
  '1 HANGER ,MAGIC GARDEN', 'BACK DOOR ', 'FRONT DOOR ', 'SHED', 'COAL BLACK', 'HOT PINK',
];
const QUOTED_ITEMS = [
  'RECORD FRAME 7" SINGLE SIZE ', 'PHOTO FRAME 5" X 7" ', 'CAKE TIN 8"', '"HOME SWEET HOME" SIGN',
  'DOORMAT "WELCOME"', '12" RULER', 'VINYL RECORD FRAME 12" ',
];
const SUFFIX_LETTERS = 'ABCDEFGHJKLMNPRSTW';

function productDescription(rng: Prng): string {
  const r = rng.float();
  let text: string;
  if (r < 0.006) {
    text = rng.pick(QUOTED_ITEMS);
  } else if (r < 0.016) {
    // comma variants: "FEATHER PEN,HOT PINK", "TRAY, BREAKFAST IN BED"
    const item = rng.chance(0.5) ? `${rng.pick(THEMES)} ${rng.pick(ITEMS)}` : rng.pick(ITEMS);
    text = `${item}${rng.chance(0.5) ? ', ' : ','}${rng.pick(rng.chance(0.5) ? EXTRAS_WITH_COMMA : COLOURS)}`;
  } else {
    const parts: string[] = [];
    if (rng.chance(0.35)) parts.push(rng.pick(PREFIXES));
    if (rng.chance(0.45)) parts.push(rng.pick(COLOURS));
    if (rng.chance(0.6)) parts.push(rng.pick(THEMES));
    parts.push(rng.pick(ITEMS));
    if (rng.chance(0.015)) parts.splice(rng.int(0, parts.length - 1), 0, rng.pick(FOREIGN_WORDS));
    text = parts.join(rng.chance(0.02) ? '  ' : ' ');
    if (rng.chance(0.006)) text += `,${rng.pick(LOWER_SUFFIXES)}`;
    else if (rng.chance(0.004)) text = `£${rng.pick([1, 2, 5, 10])} ${text}`;
  }
  // A good share of the real descriptions carry a trailing space.
  if (!text.endsWith(' ') && rng.chance(0.15)) text += ' ';
  return text;
}

/** Retail-style rounding: pennies under £1, else 5p steps, sometimes ...9. */
function shopPrice(rng: Prng): number {
  const raw = rng.logNormal(185, 0.95);
  if (raw < 100) return Math.max(4, Math.round(raw));
  const fivePence = Math.max(100, Math.round(raw / 5) * 5);
  return rng.chance(0.3) ? fivePence - 1 : fivePence;
}

function buildProducts(rng: Prng, count: number): Product[] {
  const products: Product[] = [];
  const usedCodes = new Set<string>();
  const usedDescriptions = new Set<string>();
  const make = (code: string, description: string, pricePence: number, guestPence: number): void => {
    usedCodes.add(code);
    usedDescriptions.add(description);
    const desc = csvField(description);
    products.push({
      code,
      description,
      pricePence,
      codeDesc: `${code},${desc}`,
      codeOnly: `${code},`,
      priceText: formatPrice(pricePence),
      guestPriceText: formatPrice(guestPence),
    });
  };
  // A handful of gift vouchers, as in the real data (non-standard codes, £ sign).
  for (const pounds of [10, 20, 30, 40, 50]) {
    if (products.length >= count) break;
    make(`gift_0001_${pounds}`, `Dotcomgiftshop Gift Voucher £${pounds}.00`, pounds * 100, pounds * 100);
  }
  let guard = 0;
  while (products.length < count) {
    if (++guard > count * 50) throw new Error('could not build a catalogue of unique products');
    const base = rng.int(10002, 90214);
    const variants = rng.chance(0.3) ? rng.int(2, 5) : 1;
    const suffixStart = variants > 1 ? 0 : rng.chance(0.08) ? rng.int(0, 5) : -1;
    const baseDescription = productDescription(rng);
    const basePrice = shopPrice(rng);
    for (let v = 0; v < variants && products.length < count; v++) {
      const letterIndex = suffixStart >= 0 ? suffixStart : v;
      const letter = variants > 1 || suffixStart >= 0 ? (SUFFIX_LETTERS[letterIndex] ?? 'Z') : '';
      const code = `${base}${rng.chance(0.01) ? letter.toLowerCase() : letter}`;
      let description = baseDescription;
      if (variants > 1) {
        const colour = rng.pick(COLOURS);
        description = baseDescription.trimEnd().includes(',')
          ? `${baseDescription.trimEnd()} ${colour}`
          : `${colour} ${baseDescription}`;
      }
      if (usedCodes.has(code) || usedDescriptions.has(description)) continue;
      const guest = Math.round(basePrice * rng.pick([1.65, 1.95, 2.0, 2.05]));
      make(code, description, basePrice, Math.max(basePrice, guest));
    }
  }
  return products;
}

function buildCountries(rng: Prng, customerCount: number): CountryInfo[] {
  // Spread ids over the real range 12346..18287 in a seeded order.
  const ids: number[] = [];
  for (let id = 12346; id <= 18287; id++) ids.push(id);
  rng.shuffle(ids);
  const total = COUNTRY_WEIGHTS.reduce((s, [, w]) => s + w, 0);
  let next = 0;
  return COUNTRY_WEIGHTS.map(([name, lines]) => {
    const guestShare = guestShareFor(name);
    const size = guestShare >= 1 ? 0 : Math.max(1, Math.round((customerCount * lines) / total));
    const customers: string[] = [];
    for (let i = 0; i < size; i++) {
      const id = ids[next % ids.length] as number;
      next++;
      customers.push(`${id}.0`);
    }
    return { name, guestShare, customers };
  });
}

/** Builds the catalogue for a seed. Same seed and options, same catalogue. */
export function buildCatalogue(seed: number, options: CatalogueOptions = {}): Catalogue {
  const productCount = options.products ?? 4000;
  const customerCount = options.customers ?? 4372;
  if (!Number.isInteger(productCount) || productCount < 1) throw new RangeError('products must be a positive integer');
  if (!Number.isInteger(customerCount) || customerCount < 1) throw new RangeError('customers must be a positive integer');

  const products = buildProducts(new Prng(seed, 0x0c47), productCount);
  // Popularity: Zipf-like with a random order, so best sellers are scattered.
  const popularityRng = new Prng(seed, 0x709);
  const ranks = popularityRng.shuffle(products.map((_, i) => i));
  const weights = new Array<number>(products.length);
  ranks.forEach((productIndex, rank) => {
    // Gift vouchers (non-numeric codes) stay rare whatever their rank.
    const rare = /^gift_/.test(products[productIndex]?.code ?? '');
    weights[productIndex] = (rare ? 0.02 : 1) / Math.pow(rank + 8, 0.9);
  });
  const countries = buildCountries(new Prng(seed, 0xc057), customerCount);

  const sale = NON_PRODUCT_CODES.filter((c) => c.contexts.includes('sale'));
  const cancel = NON_PRODUCT_CODES.filter((c) => c.contexts.includes('cancel'));
  return {
    products,
    productSampler: new WeightedSampler(weights),
    countries,
    countrySampler: new WeightedSampler(COUNTRY_WEIGHTS.map(([, w]) => w)),
    ukIndex: countries.findIndex((c) => c.name === 'United Kingdom'),
    nonProduct: {
      sale,
      saleSampler: new WeightedSampler(sale.map((c) => c.weight)),
      cancel,
      cancelSampler: new WeightedSampler(cancel.map((c) => c.weight)),
    },
  };
}
