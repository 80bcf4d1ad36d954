// A fault-injecting proxy in front of the real registry (test/registry/harness.ts), listening on 127.0.0.1.
import * as http from 'http';
import type { AddressInfo } from 'net';

export type ProxyFault = { kind: 'reset' } | { kind: 'digest'; digest: string };

export interface FaultProxy {
  /** 127.0.0.1:PORT: use it as the image reference's registry */
  host: string;
  close(): Promise<void>;
}

/**
 * Forwards every request to the registry unchanged (Host header included, so upload Locations name the
 * proxy). When `fault` names a fault for a request whose answer is a success, the registry has done the
 * work and the proxy loses the answer (reset) or rewrites its Docker-Content-Digest.
 */
export async function startFaultProxy(target: string, fault: (method: string, path: string) => ProxyFault | undefined): Promise<FaultProxy> {
  const [targetHost, targetPort] = target.split(':');
  const server = http.createServer((req, res) => {
    const upstream = http.request({ host: targetHost, port: Number(targetPort), method: req.method, path: req.url, headers: req.headers }, (up) => {
      const status = up.statusCode ?? 502;
      const f = status >= 200 && status < 300 ? fault(req.method ?? '', new URL(req.url ?? '/', 'http://x').pathname) : undefined;
      if (f?.kind === 'reset') {
        up.resume();
        up.on('end', () => req.socket.destroy());
        return;
      }
      const headers = { ...up.headers };
      if (f?.kind === 'digest') headers['docker-content-digest'] = f.digest;
      res.writeHead(status, headers);
      up.pipe(res);
    });
    upstream.on('error', () => req.socket.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    host: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}
