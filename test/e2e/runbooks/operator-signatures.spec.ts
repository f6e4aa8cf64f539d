import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRig, type RunbookRig } from './harness.js';

/** A site's own signature on the broker log, in the operator's SIGNATURES_DIR. */
const SITE_SIGNATURE = `signatures:
  - id: site-mnesia-enospc
    title: Mnesia could not write its recovery file
    severity: minor
    source:
      logs:
        roles: [controller]
        paths: [/var/log/rabbitmq/*.log]
    patterns:
      - 'recovery\\.dets'
    remediation: Free the disk under /var/lib/rabbitmq, then restart the broker.
`;

describe("the RabbitMQ heal reads the app's catalog, operator signatures included", () => {
  let rig: RunbookRig;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'stackmedic-site-sigs-'));
    writeFileSync(join(dir, 'site.yaml'), SITE_SIGNATURE);
    rig = await startRig({ scenario: 'seed-incident' }, { env: { SIGNATURES_DIR: dir } });
  });
  afterAll(async () => {
    await rig.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('names a SIGNATURES_DIR signature that matched the broker log in its failure-mode check', async () => {
    expect((await rig.run('/cluster free-disk node-10')).reply?.title).toMatch(/done, verified/);
    const { reply } = await rig.run('/rabbit heal node-10 --dry-run');
    expect(reply?.text).toMatch(/failure mode of RabbitMQ on node-10\n.*log signatures: [^\n]*site-mnesia-enospc/);
    // Selected by source, not by id prefix: the built-in broker signatures are there too.
    expect(reply?.text).toMatch(/log signatures: [^\n]*rabbit-disk-alarm/);
  });
});
