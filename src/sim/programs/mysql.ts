/** `mysql -e "SHOW ... STATUS ..."` answering Galera's wsrep status variables. */
import { galeraView, isRunning } from '../state/derive.js';
import { fail, result, type ProgramContext, type ProgramDef, type ProgramResult } from '../shell/types.js';

const UUID = '338b06b0-2948-11e4-9d06-bef42f6c52f1';

function mysql(ctx: ProgramContext): ProgramResult {
  const args = [...ctx.args];
  let query = ctx.stdin;
  let header = true;
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '-e' || a === '--execute') query = args[++i] ?? '';
    else if (a.startsWith('--execute=')) query = a.slice(10);
    else if (/^-[a-zA-Z]*N/.test(a) || a === '--skip-column-names') header = false;
  }
  if (!isRunning(ctx.node, 'mysql'))
    return fail("ERROR 2002 (HY000): Can't connect to local MySQL server through socket '/var/run/mysqld/mysqld.sock' (111)", 1);
  const g = galeraView(ctx.cluster);
  const vars: Record<string, string> = {
    wsrep_cluster_conf_id: String(g.primary ? 17 : '18446744073709551615'),
    wsrep_cluster_size: String(g.clusterSize),
    wsrep_cluster_state_uuid: UUID,
    wsrep_cluster_status: g.primary ? 'Primary' : 'non-Primary',
    wsrep_connected: 'ON',
    wsrep_local_state: g.primary ? '4' : '0',
    wsrep_local_state_comment: g.primary ? 'Synced' : 'Initialized',
    wsrep_ready: g.primary ? 'ON' : 'OFF',
  };
  let names = Object.keys(vars);
  const inList = /Variable_name\s+IN\s*\(([^)]*)\)/i.exec(query);
  const like = /LIKE\s+'([^']*)'/i.exec(query);
  if (inList) {
    const wanted = (inList[1] ?? '').split(',').map((s) =>
      s
        .trim()
        .replace(/^['"]|['"]$/g, '')
        .toLowerCase(),
    );
    names = names.filter((n) => wanted.includes(n));
  } else if (like) {
    const re = new RegExp(`^${(like[1] ?? '').replace(/%/g, '.*').replace(/_/g, '.')}$`, 'i');
    names = names.filter((n) => re.test(n));
  } else if (!/SHOW\s+(GLOBAL\s+)?STATUS/i.test(query)) {
    return fail(
      `ERROR 1064 (42000) at line 1: You have an error in your SQL syntax; check the manual that corresponds to your MariaDB server version for the right syntax to use near '${query.slice(0, 40)}' at line 1`,
      1,
    );
  }
  const rows = names.sort().map((n) => `${n}\t${vars[n] ?? ''}\n`);
  return result((header ? 'Variable_name\tValue\n' : '') + rows.join(''));
}

/** MySQL client, on controllers. */
export const mysqlPrograms: Record<string, ProgramDef> = {
  mysql: { roles: ['controller'], containerOnlyOn: ['tripleo'], run: mysql },
};
