export type { Rule, RuleKind, Severity, StageColumn } from './rule.js';
export { STAGE_COLUMNS, STAGE_COLUMN_TYPES } from './rule.js';
export { compileRule, type CompiledRule } from './compile-rule.js';
export { TRANSACTION_RULES } from './rules/transaction-rules.js';
export { DROP_STAGE, evaluateQuality, loadReferenceData, type QualitySummary } from './evaluate.js';
export { qualityReport, type QualityReport } from './report.js';
