export { renderDocsPage, type DocsInput } from './docs-page.js';
export { readWarehouseState, EMPTY_STATE, type WarehouseState, type AssetStatus, type CheckStatus } from './asset-status.js';
export { escapeHtml, anchorOf } from './html-text.js';
