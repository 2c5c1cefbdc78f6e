import { containsVariable, indexOutsideVariables, lastIndexOutsideVariables } from './text.js';

/** A Docker daemon address as written in `DOCKER_HOST` or `-H`/`--host`. */
export interface DockerHost {
  raw: string;
  /** Lower-cased text before `://` (`tcp`, `unix`, `ssh`, `npipe`, `fd`, …); '' when there is none. */
  scheme: string;
  /**
   * For tcp/ssh (and scheme-less `host:port`), IPv6 literals without brackets; unset when the host
   * part contains a variable.
   */
  host?: string;
  /** Only a port written as a number. */
  port?: number;
  /** The port as written, also when it is a variable (`tcp://docker:$PORT`). */
  portText?: string;
  /** For ssh: the part before `@`. */
  user?: string;
  /** For unix/npipe sockets. */
  path?: string;
  hasVariables: boolean;
}

const SOCKET_SCHEMES = new Set(['unix', 'npipe']);

export function parseDockerHost(raw: string): DockerHost | undefined {
  const text = raw.trim();
  if (text === '') return undefined;
  const separator = text.indexOf('://');
  const scheme = separator >= 0 ? text.slice(0, separator).toLowerCase() : '';
  const rest = separator >= 0 ? text.slice(separator + 3) : text;
  const parsed: DockerHost = { raw: text, scheme, hasVariables: containsVariable(text) };
  if (SOCKET_SCHEMES.has(scheme) || (scheme === '' && rest.startsWith('/'))) {
    if (rest !== '') parsed.path = rest;
    return parsed;
  }
  if (scheme === 'fd') return parsed;
  return { ...parsed, ...parseAuthority(authorityOf(rest)) };
}

function authorityOf(rest: string): string {
  const slash = indexOutsideVariables(rest, '/');
  return slash >= 0 ? rest.slice(0, slash) : rest;
}

function parseAuthority(authority: string): Pick<DockerHost, 'host' | 'port' | 'portText' | 'user'> {
  const result: Pick<DockerHost, 'host' | 'port' | 'portText' | 'user'> = {};
  const at = lastIndexOutsideVariables(authority, '@');
  if (at >= 0) result.user = authority.slice(0, at);
  const hostPort = authority.slice(at + 1);
  const { host, portText } = splitHostPort(hostPort);
  if (host !== '' && !containsVariable(host)) result.host = host;
  if (portText !== undefined) {
    result.portText = portText;
    if (/^\d+$/.test(portText)) result.port = Number(portText);
  }
  return result;
}

function splitHostPort(hostPort: string): { host: string; portText?: string } {
  if (hostPort.startsWith('[')) {
    const close = hostPort.indexOf(']');
    if (close >= 0) {
      const after = hostPort.slice(close + 1);
      return { host: hostPort.slice(1, close), ...(after.startsWith(':') && { portText: after.slice(1) }) };
    }
  }
  const colon = lastIndexOutsideVariables(hostPort, ':');
  if (colon < 0) return { host: hostPort };
  return { host: hostPort.slice(0, colon), portText: hostPort.slice(colon + 1) };
}

/** True for addresses Docker dials over TCP; the CLI and dockerd read a bare `host:port` as tcp. */
export function isTcpHost(h: DockerHost): boolean {
  return h.scheme === 'tcp' || (h.scheme === '' && h.path === undefined);
}

/**
 * The port a client or daemon uses: the explicit one, else Docker's default for tcp — 2376 with
 * TLS on, 2375 without. Undefined when the port is a variable or the address is not tcp.
 */
export function effectivePort(h: DockerHost, tlsOn: boolean): number | undefined {
  if (h.port !== undefined) return h.port;
  if (h.portText !== undefined && h.portText !== '') return undefined;
  if (!isTcpHost(h)) return undefined;
  return tlsOn ? 2376 : 2375;
}
