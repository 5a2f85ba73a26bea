// One bound ldapts connection to the directory, opened on first use and opened again after the
// directory went away. Every operation goes through `use`: a connection-level failure drops
// the client so the next call reconnects (the agent's loop adds the backoff).
import { Client } from 'ldapts';
import type { Entry, SearchOptions } from 'ldapts';
import type { AgentConfig } from './config.ts';
import { isUnreachable } from './errors.ts';

export interface Directory {
  config: AgentConfig;
  use<T>(fn: (client: Client) => Promise<T>): Promise<T>;
  /** Binds as the service account; throws when the directory cannot be reached. */
  probe(): Promise<void>;
  /** Paged subtree search (RFC 2696), every page read. */
  search(base: string, options: SearchOptions): Promise<Entry[]>;
  /** True when `dn` and `password` bind (a separate connection; the service binding is untouched). */
  verifyBind(dn: string, password: string): Promise<boolean>;
  close(): Promise<void>;
}

export function createDirectory(config: AgentConfig, secret: string, ca?: string): Directory {
  const { url, bindDN, timeoutMs, tls } = config.directory;
  const tlsOptions = { rejectUnauthorized: tls.rejectUnauthorized, ...(ca ? { ca: [ca] } : {}) };
  let current: Promise<Client> | undefined;

  const newClient = () => new Client({ url, timeout: timeoutMs, connectTimeout: timeoutMs, ...(url.startsWith('ldaps://') ? { tlsOptions } : {}) });

  const connect = async (): Promise<Client> => {
    const client = newClient();
    if (tls.startTLS) await client.startTLS(tlsOptions);
    await client.bind(bindDN, secret);
    return client;
  };

  const drop = async () => {
    const was = current;
    current = undefined;
    if (was) await was.then((c) => c.unbind()).catch(() => undefined);
  };

  const use = async <T>(fn: (client: Client) => Promise<T>): Promise<T> => {
    current ??= connect();
    let client: Client;
    try {
      client = await current;
    } catch (error) {
      current = undefined;
      throw error;
    }
    try {
      return await fn(client);
    } catch (error) {
      if (isUnreachable(error) || !client.isConnected) await drop();
      throw error;
    }
  };

  return {
    config,
    use,
    probe: () => use(async () => undefined),
    search: (base, options) => use(async (client) => (await client.search(base, { scope: 'sub', paged: { pageSize: 500 }, ...options })).searchEntries),
    async verifyBind(dn, password) {
      if (password === '') return false; // an empty password is an unauthenticated bind, not a login
      const client = newClient();
      try {
        if (tls.startTLS) await client.startTLS(tlsOptions);
        await client.bind(dn, password);
        return true;
      } catch (error) {
        if (isUnreachable(error)) throw error;
        return false;
      } finally {
        await client.unbind().catch(() => undefined);
      }
    },
    close: drop,
  };
}
