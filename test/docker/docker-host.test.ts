import { effectivePort, isTcpHost, parseDockerHost } from '../../src/docker/docker-host.js';
import type { DockerHost } from '../../src/docker/docker-host.js';

describe('parseDockerHost', () => {
  const cases: [string, Omit<DockerHost, 'raw'>][] = [
    ['tcp://docker:2375/', { scheme: 'tcp', host: 'docker', port: 2375, portText: '2375', hasVariables: false }],
    ['tcp://docker:2376', { scheme: 'tcp', host: 'docker', port: 2376, portText: '2376', hasVariables: false }],
    ['tcp://docker', { scheme: 'tcp', host: 'docker', hasVariables: false }],
    ['tcp://localhost:2375', { scheme: 'tcp', host: 'localhost', port: 2375, portText: '2375', hasVariables: false }],
    ['TCP://docker:2375', { scheme: 'tcp', host: 'docker', port: 2375, portText: '2375', hasVariables: false }],
    ['tcp://[::1]:2375', { scheme: 'tcp', host: '::1', port: 2375, portText: '2375', hasVariables: false }],
    ['tcp://[::1]', { scheme: 'tcp', host: '::1', hasVariables: false }],
    ['tcp://0.0.0.0:2375', { scheme: 'tcp', host: '0.0.0.0', port: 2375, portText: '2375', hasVariables: false }],
    ['unix:///var/run/docker.sock', { scheme: 'unix', path: '/var/run/docker.sock', hasVariables: false }],
    ['npipe:////./pipe/docker_engine', { scheme: 'npipe', path: '//./pipe/docker_engine', hasVariables: false }],
    ['fd://', { scheme: 'fd', hasVariables: false }],
    ['ssh://deploy@build-host.internal', { scheme: 'ssh', user: 'deploy', host: 'build-host.internal', hasVariables: false }],
    ['ssh://build-host:2222', { scheme: 'ssh', host: 'build-host', port: 2222, portText: '2222', hasVariables: false }],
    ['tcp://$DIND_HOST:2375', { scheme: 'tcp', port: 2375, portText: '2375', hasVariables: true }],
    ['tcp://${HOST}', { scheme: 'tcp', hasVariables: true }],
    ['tcp://${HOST:-docker}:2376', { scheme: 'tcp', port: 2376, portText: '2376', hasVariables: true }],
    ['tcp://docker:$PORT', { scheme: 'tcp', host: 'docker', portText: '$PORT', hasVariables: true }],
    ['$DOCKER_HOST', { scheme: '', hasVariables: true }],
    ['docker:2375', { scheme: '', host: 'docker', port: 2375, portText: '2375', hasVariables: false }],
    ['docker', { scheme: '', host: 'docker', hasVariables: false }],
    ['/var/run/docker.sock', { scheme: '', path: '/var/run/docker.sock', hasVariables: false }],
  ];

  it.each(cases)('%s', (raw, expected) => {
    expect(parseDockerHost(raw)).toEqual({ raw, ...expected });
  });

  it('trims and returns undefined for empty or blank text', () => {
    expect(parseDockerHost('')).toBeUndefined();
    expect(parseDockerHost('  \n')).toBeUndefined();
    expect(parseDockerHost('  tcp://docker:2376 ')?.raw).toBe('tcp://docker:2376');
  });
});

describe('effectivePort', () => {
  const cases: [string, boolean, number | undefined][] = [
    ['tcp://docker:2375', true, 2375],
    ['tcp://docker:2376', false, 2376],
    ['tcp://docker', true, 2376],
    ['tcp://docker', false, 2375],
    ['tcp://docker/', false, 2375],
    ['tcp://${HOST}', true, 2376],
    ['docker', false, 2375],
    ['tcp://docker:$PORT', true, undefined],
    ['unix:///var/run/docker.sock', true, undefined],
    ['ssh://host', true, undefined],
    ['ssh://host:22', true, 22],
  ];

  it.each(cases)('%s with TLS %s → %s', (raw, tls, port) => {
    const host = parseDockerHost(raw);
    expect(host).toBeDefined();
    if (host) expect(effectivePort(host, tls)).toBe(port);
  });
});

describe('isTcpHost', () => {
  it.each([
    ['tcp://docker:2375', true],
    ['docker:2375', true],
    ['unix:///var/run/docker.sock', false],
    ['ssh://host', false],
    ['fd://', false],
  ] as const)('%s → %s', (raw, tcp) => {
    const host = parseDockerHost(raw);
    expect(host && isTcpHost(host)).toBe(tcp);
  });
});
