import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { repo, run, scratch } from './helpers.js';

const fixtures = fileURLToPath(new URL('../fixtures/runner/', import.meta.url));

function copy(name: string): string {
  const dir = scratch('cilint-runner-');
  cpSync(join(fixtures, name), dir, { recursive: true });
  return dir;
}

const findings = (stdout: string) =>
  (JSON.parse(stdout).findings as { rule: string; file: string; line: number; message: string }[]).map(
    (f) => `${f.file}:${f.line} ${f.rule}`,
  );

describe('cilint lint with runner configs', () => {
  it('reports runner-only findings for a config.toml linted alone', () => {
    const dir = copy('docker-dind');
    const r = run(['config.toml', '--format', 'json'], dir);
    expect(r.code).toBe(1);
    expect(findings(r.stdout)).toEqual([
      'config.toml:37 privileged-runner',
      'config.toml:40 socket-mount',
      'config.toml:41 docker-binary-mount',
    ]);
  });

  it('never prints a runner token, in any format', () => {
    const dir = copy('docker-dind');
    for (const format of ['json', 'stylish']) {
      const r = run(['--format', format], dir);
      expect(r.stdout + r.stderr).not.toMatch(/SECRET|glrt-/);
    }
  });

  it('reports cross-file findings for a directory with a pipeline and the runner that runs it', () => {
    const dir = copy('socket');
    const out = findings(run(['--format', 'json'], dir).stdout);
    expect(out).toEqual(
      expect.arrayContaining([
        '.gitlab-ci.yml:7 socket-with-dind',
        '.gitlab-ci.yml:7 dind-not-allowed',
        'runner.toml:6 certs-volume-missing',
        'runner.toml:6 socket-mount',
      ]),
    );
    const msg = JSON.parse(run(['--format', 'json'], dir).stdout).findings.find((f: { rule: string }) => f.rule === 'socket-with-dind').message;
    expect(msg).toContain('runner.toml:6');
  });

  it('makes privileged-runner an error when no linted pipeline needs privilege', () => {
    const dir = repo({
      'config.toml': '[[runners]]\n  executor = "docker"\n  [runners.docker]\n    privileged = true\n',
      '.gitlab-ci.yml': 'test:\n  image: node:20\n  script: npm test\n',
    });
    const f = JSON.parse(run(['--format', 'json'], dir).stdout).findings.find((x: { rule: string }) => x.rule === 'privileged-runner');
    expect(f.severity).toBe('error');
    const alone = JSON.parse(run(['config.toml', '--format', 'json'], dir).stdout).findings[0];
    expect(alone.severity).toBe('warning');
  });

  it('uses kubernetes service hostnames when every runner is a kubernetes one', () => {
    const pipeline =
      'variables:\n  DOCKER_TLS_CERTDIR: /certs\n  DOCKER_HOST: tcp://localhost:2376\n  DOCKER_TLS_VERIFY: 1\n  DOCKER_CERT_PATH: /certs/client\nbuild:\n  image: docker:27\n  services: [docker:27-dind]\n  script: docker info\n';
    const k8s = repo({ '.gitlab-ci.yml': pipeline, 'config.toml': '[[runners]]\n  executor = "kubernetes"\n  [runners.kubernetes]\n    privileged = true\n    [[runners.kubernetes.volumes.empty_dir]]\n      name = "certs"\n      mount_path = "/certs/client"\n' });
    expect(findings(run(['--format', 'json'], k8s).stdout).filter((f) => !f.includes('privileged'))).toEqual([]);
    const docker = repo({ '.gitlab-ci.yml': pipeline });
    expect(findings(run(['--format', 'json'], docker).stdout)).toContain('.gitlab-ci.yml:3 docker-host-mismatch');
  });

  it('finds runner configs in Helm values files and skips TOML files without [[runners]]', () => {
    const dir = copy('helm');
    cpSync(join(fixtures, 'hugo/config.toml'), join(dir, 'config.toml'));
    expect(findings(run(['--format', 'json'], dir).stdout)).toEqual(['values.yaml:13 privileged-runner']);
  });

  it('lints any file as a runner config with --kind runner', () => {
    const dir = repo({ 'runner.conf': '[[runners]]\n  executor = "docker"\n  [runners.docker]\n    privileged = true\n' });
    expect(findings(run(['runner.conf', '--kind', 'runner', '--format', 'json'], dir).stdout)).toEqual(['runner.conf:4 privileged-runner']);
  });
});
