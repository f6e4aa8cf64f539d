import type { Services } from '../app/services.js';
import type { IncidentStore } from './store.js';

/** The incident store of an app (kept for callers that hold the app rather than its services). */
export function attachIncidentStore(app: { readonly services: Services }): IncidentStore {
  return app.services.incidents;
}

/** The incident store behind these services. */
export function incidentStoreOf(services: Services): IncidentStore {
  return services.incidents;
}
