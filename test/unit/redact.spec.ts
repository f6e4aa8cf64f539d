import { describe, expect, it } from 'vitest';
import { redact, redactAndCut, redactDeep } from '../../src/redact.js';

describe('redact', () => {
  it.each([
    ['oslo transport_url', 'transport_url = rabbit://openstack:s3cr3t@192.168.0.5:5673/', 'transport_url = rabbit://openstack:****@192.168.0.5:5673/'],
    [
      'multi-host transport_url',
      'transport_url=rabbit://nova:pw1@10.0.0.1:5672,nova:pw2@10.0.0.2:5672,nova:pw3@10.0.0.3:5672//',
      'transport_url=rabbit://nova:****@10.0.0.1:5672,nova:****@10.0.0.2:5672,nova:****@10.0.0.3:5672//',
    ],
    [
      'sqlalchemy connection',
      'connection = mysql+pymysql://nova:Zx9!q@db.local/nova?charset=utf8',
      'connection = mysql+pymysql://nova:****@db.local/nova?charset=utf8',
    ],
    [
      'amqp URL in a log line',
      'ERROR oslo.messaging Failed to connect to amqp://guest:guest@rabbit:5672/ after 3 tries',
      'ERROR oslo.messaging Failed to connect to amqp://guest:****@rabbit:5672/ after 3 tries',
    ],
    ['ini password line', 'password = hunter2 with spaces', 'password = ****'],
    ['ini admin_password', 'admin_password=Secret123', 'admin_password=****'],
    ['ini rabbit_password', '  rabbit_password = guest', '  rabbit_password = ****'],
    ['openrc export', 'export OS_PASSWORD=pa55', 'export OS_PASSWORD=****'],
    ['env assignment mid-line', 'OS_USERNAME=admin OS_PASSWORD=pa55 openstack server list', 'OS_USERNAME=admin OS_PASSWORD=**** openstack server list'],
    // The quotes stay, so that a JSON or YAML value stays well-formed around the ****.
    ['yaml password', 'db_password: "abc def"', 'db_password: "****"'],
    ['command-line option', 'mysql --password=abc -u root', 'mysql --password=**** -u root'],
    ['slack bot token', 'token xoxb-1234-5678-abcdEFGH', 'token xoxb-****'],
    ['slack app token', 'SLACK_APP_TOKEN xapp-1-A0-123-abc', 'SLACK_APP_TOKEN xapp-****'],
    [
      'X-Auth-Token header',
      'curl -H "X-Auth-Token: gAAAAABkZ0123456789abcdefghijklmnopqrstuvwxyz" http://keystone',
      'curl -H "X-Auth-Token: ****" http://keystone',
    ],
    ['Bearer token', 'Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.payload.sig', 'Authorization: Bearer ****'],
    ['bare Bearer', 'sent Bearer abcdefghijklmnop to the API', 'sent Bearer **** to the API'],
    ['fernet token', 'token gAAAAABkZ0123456789abcdefghijklmnopqrstuvwxyzABCDEF_- expired', 'token **** expired'],
    [
      'private key block',
      'key:\n-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\nAAAA\n-----END OPENSSH PRIVATE KEY-----\ndone',
      'key:\n-----BEGIN OPENSSH PRIVATE KEY----- **** -----END OPENSSH PRIVATE KEY-----\ndone',
    ],
    ['truncated private key block', '-----BEGIN RSA PRIVATE KEY-----\nMIIEow', '-----BEGIN RSA PRIVATE KEY----- **** -----END RSA PRIVATE KEY-----'],
  ])('hides the secret in a %s', (_name, input, expected) => {
    expect(redact(input)).toBe(expected);
  });

  it.each([
    ['a URL without credentials', 'http://192.168.0.5:5000/v3'],
    ['an URL with a port and path only', 'rabbit://192.168.0.5:5673/'],
    ['a log line about a password change', 'user alice changed her password'],
    ['a node:file:line reference', 'node-10:/var/log/nova/nova-compute.log:42'],
    ['df output', '/dev/sda1 41152736 41152736 0 100% /'],
    ['an env reference', 'password = ${DB_PASSWORD}'],
    ['a request id', 'req-3f1c2a9e-1111-2222-3333-444455556666'],
  ])('leaves %s alone', (_name, input) => {
    expect(redact(input)).toBe(input);
  });

  it('is idempotent', () => {
    const once = redact('password = x\nrabbit://u:p@h/\nxoxb-1-2\nAuthorization: Bearer abcdefghijkl');
    expect(redact(once)).toBe(once);
  });

  it('walks Block Kit payloads', () => {
    const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: '```admin_password=x```' } }, { type: 'divider' }];
    expect(redactDeep(blocks)).toEqual([{ type: 'section', text: { type: 'mrkdwn', text: '```admin_password=****```' } }, { type: 'divider' }]);
  });

  it('keeps Maps and Sets as they are while redacting their values', () => {
    const out = redactDeep({ byNode: new Map([['node-10', 'rabbit_password = guest1']]), seen: new Set(['token=abc123def']) });
    expect(out.byNode).toBeInstanceOf(Map);
    expect(out.byNode.get('node-10')).toBe('rabbit_password = ****');
    expect([...out.seen]).toEqual(['token=****']);
  });

  it('keeps line breaks when asked, one **** per line of a multi-line secret', () => {
    const text = 'a\n-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\nx7Q2mZ9vL4cW8nR1\n-----END RSA PRIVATE KEY-----\nb';
    const out = redact(text, { keepLines: true });
    expect(out.split('\n')).toEqual(['a', '-----BEGIN RSA PRIVATE KEY-----', '****', '****', '-----END RSA PRIVATE KEY-----', 'b']);
  });

  it('redacts before it cuts', () => {
    expect(redactAndCut('admin_password = Secret123 and more text after it', 30)).toBe('admin_password = ****');
    expect(redactAndCut(`id ${'a'.repeat(30)} ghp_Lk8Jh6Gf4Ds2Aq1Ws3Ed5Rf7Tg9Yh0Uj2Ik4Ol`, 40)).toBe(`id ${'a'.repeat(30)} ghp...`);
  });
});

describe('redact on a megabyte of hostile text', () => {
  // Each rule reads the text in one pass (look-behinds keep patterns from restarting inside a run,
  // scans resume after what they read): if one did not, these would not finish.
  const MB = 1 << 20;
  const fill = (unit: string): string => unit.repeat(Math.ceil(MB / unit.length)).slice(0, MB);

  it.each([
    ['one letter', fill('a')],
    ['one name', fill('password')],
    ['dotted words', fill('a.a.')],
    ['JWT starts', fill('eyJ-')],
    ['colons', fill('x:')],
    ['spaces before a secret', `${fill(' ')}x`],
    ['scheme characters', fill('a+b-c.d')],
    ['at signs', fill('@')],
  ])('leaves %s unchanged', (_name, text) => {
    expect(redact(text)).toBe(text);
  });

  it.each([
    ['names and equals signs', fill('key=')],
    ['unterminated private keys', fill('-----BEGIN RSA PRIVATE KEY-----')],
    ['one secret line', `password: ${fill('y')}`],
    ['escaped quotes', `"password": "${fill('a\\')}`],
    ['quoted values', fill('password="')],
    ['flags', fill('sshpass -p ')],
    ['mysql flags', fill('mysql -p')],
    ['URL credentials', fill('rabbit://u:p@')],
    ['XML elements', fill('<password>s3cr3t')],
    ['space-separated names', fill('passwd s3cr3t ')],
    ['base64 before an orphan END', `${fill('QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo=\n')}-----END RSA PRIVATE KEY-----`],
    ['lines of secrets', fill('\npassword = x')],
    ['spaced settings on one line', fill('db_password = x ')],
    ['table rows', fill('| secret | s3cr3t ')],
  ])('redacts %s, and redacting again changes nothing', (_name, text) => {
    const once = redact(text, { cut: true });
    expect(once).not.toBe(text);
    expect(redact(once, { cut: true })).toBe(once);
  });
});
