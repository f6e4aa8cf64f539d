import type { Services } from '../app/services.js';
import type { Db } from '../store/database.js';
import { UserError } from '../errors.js';
import { IncidentStore } from './store.js';

const stores = new WeakMap<Services, IncidentStore>();

/**
 * Makes the incident store reachable from commands, which only get the app's `Services`.
 * Idempotent: returns the store already attached, if any.
 */
export function attachIncidentStore(app: { readonly services: Services; readonly db: Db }): IncidentStore {
  let store = stores.get(app.services);
  if (!store) {
    store = new IncidentStore(app.db);
    stores.set(app.services, store);
  }
  return store;
}

/** The incident store of this app; a clear error when nothing attached one. */
export function incidentStoreOf(services: Services): IncidentStore {
  const store = stores.get(services);
  if (!store) {
    throw new UserError('incidents are not enabled in this stackmedic (no incident store attached: run it with `stackmedic serve`)', 'stackmedic_no_incidents');
  }
  return store;
}
