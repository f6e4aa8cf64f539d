import type { Services } from '../app/services.js';
import { precompileTemplates } from '../render/templates.js';

/**
 * Loads, before the adapter listens, what the first commands would otherwise load while Slack
 * waits for acks: the signature catalog (YAML parse and validation of every signature) and the
 * compiled templates. Both are synchronous work of hundreds of milliseconds on a busy machine,
 * which the first `/cluster status` used to do in the middle of other requests (the ack bench's
 * p99 was that one stall). A catalog that fails to load is not an error here: its promise keeps
 * the error, and the first command that needs the catalog reports it as before.
 */
export async function warmUp(services: Pick<Services, 'catalog'>): Promise<void> {
  precompileTemplates();
  await services.catalog().catch(() => undefined);
}
