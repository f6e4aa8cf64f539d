import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../../src/package-root.js';
import { precompileTemplates } from '../../../src/render/templates.js';
import type { Catalog } from '../../../src/signatures/index.js';
import { warmUp } from '../../../src/slack/warm-up.js';

describe('warmUp (before the Slack adapter listens)', () => {
  it('loads the catalog once, so the first command finds it loaded', async () => {
    const catalog: Catalog = { signatures: [], origin: new Map() };
    let loads = 0;
    let settled = false;
    const loading = new Promise<Catalog>((resolve) => setTimeout(() => resolve(catalog), 20)).then((c) => {
      settled = true;
      return c;
    });
    await warmUp({
      catalog: () => {
        loads++;
        return loading;
      },
    });
    expect(loads).toBe(1);
    expect(settled).toBe(true);
  });

  it('starts even when the catalog does not load (the first command that needs it reports the error)', async () => {
    const broken = Promise.reject(new Error('signatures/extra.yaml: valid YAML'));
    broken.catch(() => undefined);
    await expect(warmUp({ catalog: () => broken })).resolves.toBeUndefined();
    await expect(broken).rejects.toThrow('valid YAML');
  });

  it('compiles every template of templates/', () => {
    const files = readdirSync(join(packageRoot(), 'templates')).filter((f) => f.endsWith('.hbs'));
    expect(files.length).toBeGreaterThan(0);
    expect(precompileTemplates()).toBe(files.length);
  });
});
