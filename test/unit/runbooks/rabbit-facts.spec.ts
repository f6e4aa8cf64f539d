import { describe, expect, it } from 'vitest';
import { limitArgs, parseConfiguredLimit, rabbitNameOf } from '../../../src/runbooks/rabbit-facts.js';
import { RESOURCE_ID } from '../../../src/runbooks/pacemaker-cleanup.js';

describe('rabbitNameOf', () => {
  it.each([
    ['node-10', ['rabbit@node-10', 'rabbit@node-11'], 'rabbit@node-10'],
    ['node-10', ['rabbit@messaging-node-10', 'rabbit@messaging-node-11'], 'rabbit@messaging-node-10'],
    ['node-10', ['rabbit@node-10.domain.tld'], 'rabbit@node-10.domain.tld'],
    ['rabbit-b', ['rabbit-a@localhost', 'rabbit-b@localhost'], 'rabbit-b@localhost'],
    ['node-1', ['rabbit@node-10', 'rabbit@node-11'], undefined],
    ['node-10', ["rabbit@node-10';reboot"], undefined],
  ])('%s among %j is %s', (node, known, expected) => {
    expect(rabbitNameOf(node, known)).toBe(expected);
  });
});

describe('the configured disk_free_limit, as application:get_env prints it', () => {
  it.each([
    ['{ok,50000000}', ['50000000']],
    ['{ok,"2GB"}', ['2GB']],
    ['{ok,{mem_relative,1.5}}', ['mem_relative', '1.5']],
  ])('%s becomes set_disk_free_limit %j', (text, args) => {
    const parsed = parseConfiguredLimit(text);
    expect(parsed && limitArgs(parsed)).toEqual(args);
  });

  it('reads nothing it does not understand', () => {
    expect(parseConfiguredLimit('undefined')).toBeUndefined();
    expect(parseConfiguredLimit('{ok,"1GB; rm -rf /"}')).toBeUndefined();
  });
});

describe('RESOURCE_ID', () => {
  it.each(['p_rabbitmq-server', 'clone_p_mysqld', 'p_odd.name-1_x', 'p_rabbitmq-server:0', 'vip__public'])('accepts %s', (id) => {
    expect(RESOURCE_ID.test(id)).toBe(true);
  });
  it.each(['9p', '-p', 'p;reboot', 'p x', "p'", '$(x)', ''])('refuses %j', (id) => {
    expect(RESOURCE_ID.test(id)).toBe(false);
  });
});
