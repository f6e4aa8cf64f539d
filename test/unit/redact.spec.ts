import { describe, expect, it } from 'vitest';
import { redact, redactDeep } from '../../src/redact.js';

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
    ['yaml password', 'db_password: "abc def"', 'db_password: ****'],
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
});
