export { loadAlertsConfig, parseAlertsConfig, defaultAlertsFile, type AlertsConfig, type AlertRule, type AlertCondition, type AlertSource, type NotifierConfig } from './alert-config.js';
export { evaluateCondition, median, type Observation } from './conditions.js';
export { transition, noticeFor, silenceMatches, initialState, type AlertState, type AlertStatus, type Change, type Silence } from './state-machine.js';
export { groupNotices, titleOf, linesOf, type GroupNotice, type NoticeAlert } from './grouping.js';
export { createNotifiers, webhookBody, emailText, type Notifier } from './notifiers/index.js';
export { seriesOf, sqlSeries, metricSeries, type Series } from './sources.js';
export { loadStates, listAlertEvents, activeSilences, createSilence, deleteSilence, type AlertEventRow } from './alert-store.js';
export { evaluateAlerts, fingerprintOf, type AlertDeps, type AlertLogger, type EvaluationReport } from './evaluate-alerts.js';
export { startIntervalRunner, type IntervalRunner } from './alert-runner.js';
