/**
 * `npm run build`'s last step: writes the parsed built-in catalog beside the compiled loader
 * (see catalog-cache.ts), so that one-shot commands do not parse YAML at every start.
 */
import { writeBuiltinCatalogCache } from './catalog.js';

const files = await writeBuiltinCatalogCache();
process.stdout.write(`catalog cache: ${files} built-in signature files\n`);
