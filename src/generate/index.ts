export {
  CSV_HEADER,
  csvField,
  formatPrice,
  generateRetailData,
  type GenerateOptions,
  type GenerateSummary,
} from './retail-generator.js';
export { buildCatalogue, COUNTRY_WEIGHTS, NON_PRODUCT_CODES, type Catalogue, type Product } from './catalogue.js';
export { Prng, WeightedSampler } from './prng.js';
