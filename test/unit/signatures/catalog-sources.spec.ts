import { describe, expect, it } from 'vitest';
import { CatalogError } from '../../../src/signatures/catalog-error.js';
import { buildCatalog } from '../../../src/signatures/catalog.js';
import { logFetchCommand } from '../../../src/signatures/fetch-command.js';
import { isLogSignature } from '../../../src/signatures/schema.js';
import { builtinCatalog } from './support.js';

/** A one-signature catalog file whose shared source carries `extra` (YAML lines under `logs:`). */
function file(extra: string): { file: string; text: string } {
  return {
    file: '/etc/stackmedic/signatures/journal.yaml',
    text: `source:
  logs:
    roles: [controller]
    paths: [/var/log/widget/*.log]
${extra}
signatures:
  - id: widget-broken
    title: Widget broken
    severity: minor
    patterns: ['widget broke']
    remediation: Mend the widget.
    links: [https://example.org/widget]
`,
  };
}

function rejection(run: () => unknown): CatalogError {
  try {
    run();
  } catch (error) {
    if (error instanceof CatalogError) return error;
    throw error;
  }
  throw new Error('expected a CatalogError');
}

describe('log sources beyond files: the journal and the kernel ring buffer', () => {
  it('takes systemd units and unit globs once per file, for every signature of it', () => {
    const { signatures } = buildCatalog([file("    journal: [widget.service, 'widget@*', 'ceph-????????-*@mon.*']\n    kernel: true")]);
    const [widget] = signatures.filter(isLogSignature);
    expect(widget?.source.logs.journal).toEqual(['widget.service', 'widget@*', 'ceph-????????-*@mon.*']);
    expect(widget?.source.logs.kernel).toBe(true);
    const text = logFetchCommand(signatures, ['controller'])?.script.toString() ?? '';
    expect(text).toContain("for u in widget.service 'widget@*' 'ceph-????????-*@mon.*'; do journalctl");
    expect(text).toContain('--label=dmesg');
  });

  it.each(["'widget; reboot'", "'$(reboot)'", "'a b'", "''", "'-widget'", "'../widget'"])('refuses the unit %s when the catalog loads', (unit) => {
    const error = rejection(() => buildCatalog([file(`    journal: [${unit}]`)]));
    expect(error.reason).toBe('schema');
    expect(error.message).toContain('source.logs.journal');
    expect(error.message).toContain('a systemd unit name or glob');
  });

  it('reads journals and dmesg in the built-in catalog only where the services log there', async () => {
    const logs = (await builtinCatalog()).signatures.filter(isLogSignature);
    const units = (id: string): readonly string[] => logs.find((s) => s.id === id)?.source.logs.journal ?? [];
    expect(units('rabbit-stopped')).toEqual(['rabbitmq-server']);
    expect(units('amqp-unreachable')).toEqual(['devstack@*']);
    expect(units('ceph-mon-election-storm')).toEqual(['ceph-????????-????-????-????-????????????@*']);
    // Services that log to files (and, under systemd, also to syslog) are not read twice.
    expect(units('pacemaker-node-lost')).toEqual([]);
    expect(units('galera-non-primary')).toEqual([]);
    expect(logs.filter((s) => s.source.logs.kernel).every((s) => s.source.logs.paths.includes('/var/log/kern.log'))).toBe(true);
    expect(logs.find((s) => s.id === 'host-oom-kill')?.source.logs.kernel).toBe(true);
  });
});
