// Test helper: a real PostgreSQL 15 (Debian's binaries) in a temporary
// directory, on 127.0.0.1 and a private unix socket. PostgreSQL refuses to
// run as root, so as root it runs as the `postgres` OS user via runuser.
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { freePort, run } from './processes';

const BIN = '/usr/lib/postgresql/15/bin';

export interface Postgres {
  connStr: string;
  psql(sql: string): Promise<string>;
  stop(): Promise<void>;
}

function asPostgres(cmd: string, args: string[]): [string, string[]] {
  return process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args];
}

export async function startPostgres(): Promise<Postgres> {
  const dir = mkdtempSync(join(tmpdir(), 'kit-pg-'));
  if (process.getuid?.() === 0) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString());
    chownSync(dir, uid, gid);
  }
  const data = join(dir, 'data');
  const port = await freePort();
  const exec = async (cmd: string, args: string[]) => {
    const [c, a] = asPostgres(cmd, args);
    const r = await run(c, a);
    if (r.code !== 0) throw new Error(`${cmd} failed:\n${r.stdout}${r.stderr}`);
    return r.stdout;
  };
  await exec(`${BIN}/initdb`, ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
  await exec(`${BIN}/pg_ctl`, [
    '-D',
    data,
    '-w',
    '-l',
    join(dir, 'postgres.log'),
    '-o',
    `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir} -c fsync=off`,
    'start',
  ]);
  const connStr = `postgres://postgres@127.0.0.1:${port}/postgres?sslmode=disable`;
  return {
    connStr,
    psql: (sql) => exec(`${BIN}/psql`, [connStr, '-tAc', sql]).then((s) => s.trim()),
    async stop() {
      await exec(`${BIN}/pg_ctl`, ['-D', data, '-w', '-m', 'fast', 'stop']).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
