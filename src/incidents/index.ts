/** Public API of incidents: the check, the lifecycle, the store, the scheduler, the thread and the publisher it needs. */
export { measureLogFetch, runCheck, type CheckOptions, type CheckResult, type LogFetchMeasurement, type NodeFetch } from './check.js';
export {
  describeEvidence,
  evidenceOf,
  groupProblems,
  planIncidents,
  requestIdsOf,
  type CheckOutcome,
  type EvidenceDescription,
  type IncidentDecision,
  type IncidentSnapshot,
  type LifecyclePolicy,
} from './lifecycle.js';
export { incidentTitle } from './title.js';
export { IncidentMonitor, type IncidentMonitorOptions, type MonitorRun } from './monitor.js';
export {
  evidenceRef,
  isOperatorAction,
  keyEvidence,
  postmortemChart,
  postmortemTimeline,
  postmortemView,
  renderPostmortem,
  runbookButtons,
  summaryReply,
  summaryView,
  type IncidentData,
  type PostmortemData,
  type TimelineEntry,
} from './report.js';
export { pictureText, timelineChart, timelineMermaid, type PictureEntry } from './timeline-picture.js';
export { IncidentScheduler, type SchedulerOptions, type TickOutcome } from './scheduler.js';
export { IncidentThread, evidenceLines, type IncidentThreadOptions, type ThreadSync } from './thread.js';
export type { IncidentPublisher, PublishedMessage } from './publisher.js';
export { IncidentStore, type IncidentPicture } from './store.js';
export type { Evidence, Incident, IncidentEvent, IncidentEventKind, IncidentSlackRef, IncidentStatus, ProblemGroup, StoredEvidence } from './types.js';
