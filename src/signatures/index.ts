/** Public API of the signature catalog, matcher, causal chain, remote fetching and offline diagnosis. */
export { CatalogError, type CatalogErrorReason } from './catalog-error.js';
export { buildCatalog, defaultBuiltinDir, loadCatalog, parseCatalogText, type LoadCatalogOptions } from './catalog.js';
export { readActivities, type Activity, type ActivityStatus, type ClearScope, type Span } from './activity.js';
export {
  buildCausalChain,
  CAUSAL_GRACE_MS,
  reachability,
  readChain,
  renderCausalChain,
  serviceOfLog,
  type CausalChain,
  type ChainInput,
  type ChainLink,
  type EvidenceRef,
  type LinkEvidence,
  type ReadChainOptions,
  type Recovery,
  type TimeReading,
} from './chain.js';
export {
  diagnoseDirectory,
  diagnosisJson,
  hasCurrentProblem,
  renderDiagnosis,
  renderRunbook,
  runDiagnose,
  type Diagnosis,
  type DiagnosisJson,
  type DiagnoseOptions,
  type RunDiagnoseOptions,
} from './diagnose.js';
export {
  DEFAULT_FETCH_BYTES,
  DEFAULT_JOURNAL_HOURS,
  FETCH_START_MARKER,
  JOURNAL_LABEL_PREFIX,
  JOURNAL_READ_BYTES,
  globWords,
  logFetchCommand,
  logSignaturesForRoles,
  matchFetchedLogs,
  parseLogFetchOutput,
  traceCommand,
  type FetchedLines,
  type FetchedLogs,
} from './fetch-command.js';
export { globToRegExp, unrotatedPath } from './globs.js';
export { applyThresholds } from './threshold.js';
export { LogMatcher, type LogContext, type LogFinding, type MatcherOptions, type RecordListener, type ScanStats } from './matcher.js';
export { evaluateProbeSignatures, type ProbeFinding } from './probe-facts.js';
export {
  isLogSignature,
  isProbeSignature,
  JOURNAL_UNIT_CHARSET,
  probeFactKey,
  type Catalog,
  type FactHit,
  type LogSignature,
  type ProbeFact,
  type ProbeFactRegistry,
  type ProbeSignature,
  type Severity,
  type Signature,
} from './schema.js';
export { logTimestampIso, parseLogTimestamp, type TimestampOptions } from './timestamp.js';
export {
  renderUnrecognised,
  UnrecognisedCollector,
  type Classification,
  type RecordRef,
  type UnrecognisedGroup,
  type UnrecognisedOptions,
  type UnrecognisedReport,
} from './unrecognised.js';
