import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { makeSourceFile, positionAt } from '../../../src/model/source.js';
import { spanText } from '../../../src/model/span.js';
import { isRunnerConfigText, parseHelmValues, parseRunnerToml } from '../../../src/parsers/runner/index.js';

const fixtures = fileURLToPath(new URL('../../fixtures/runner/', import.meta.url));
const load = (rel: string) => makeSourceFile(fixtures + rel, rel, readFileSync(fixtures + rel, 'utf8'));
const line = (span: { file: Parameters<typeof positionAt>[0]; start: number }) => positionAt(span.file, span.start).line;

describe('runner config.toml', () => {
  const config = parseRunnerToml(load('docker-dind/config.toml'));

  it('models every [[runners]] with executor and docker settings, each with its span', () => {
    expect(config.issues).toEqual([]);
    expect(config.runners.map((r) => [r.name?.value, r.executor?.value])).toEqual([
      ['build-01-dind', 'docker'],
      ['build-01-general', 'docker'],
    ]);
    const [dind, general] = config.runners;
    expect(dind.docker?.privileged?.value).toBe(false);
    expect(dind.docker?.servicesPrivileged?.value).toBe(true);
    expect(dind.docker?.allowedPrivilegedServices?.items.map((i) => i.value)).toEqual(['docker:*-dind', 'docker.io/library/docker:*-dind']);
    expect(dind.docker?.tlsVerify?.value).toBe(false);
    expect(dind.docker?.volumes?.items.map((i) => spanText(i.span))).toEqual(['"/cache"', '"/certs/client"']);
    expect(spanText(dind.span)).toBe('[[runners]]');
    expect(spanText(dind.docker!.span)).toBe('[runners.docker]');
    expect(line(general.docker!.privileged!.span)).toBe(37);
    expect(spanText(general.docker!.privileged!.span)).toBe('true');
    expect(general.docker?.volumes?.items.map((i) => line(i.span))).toEqual([39, 40, 41]);
    expect(spanText(general.docker!.volumes!.span)).toBe('volumes');
  });

  it('models kubernetes runners with host_path and empty_dir volumes', () => {
    const k8s = parseRunnerToml(load('kubernetes/config.toml')).runners[0];
    expect(k8s.kubernetes?.privileged?.value).toBe(true);
    expect(k8s.kubernetes?.allowPrivilegeEscalation?.value).toBe(false);
    expect(k8s.kubernetes?.emptyDirs.map((v) => v.mountPath?.value)).toEqual(['/certs/client']);
    expect(k8s.kubernetes?.hostPaths.map((v) => [v.hostPath?.value, line(v.span)])).toEqual([['/var/run/docker.sock', 17]]);
  });

  it('reports TOML that does not parse as a parse-error at its line', () => {
    const broken = parseRunnerToml(load('broken/config.toml'));
    expect(broken.runners).toEqual([]);
    expect(broken.issues).toHaveLength(1);
    expect(broken.issues[0]).toMatchObject({ kind: 'parse-error' });
    expect(broken.issues[0].message).toMatch(/^invalid TOML: /);
    expect(line(broken.issues[0].span)).toBe(9);
  });

  it('reports a duplicate table', () => {
    const file = makeSourceFile('/x/config.toml', 'config.toml', '[[runners]]\n  [runners.docker]\n    image = "a"\n  [runners.docker]\n    image = "b"\n');
    const c = parseRunnerToml(file);
    expect(c.issues.map((i) => [i.kind, line(i.span)])).toEqual([['parse-error', 4]]);
  });

  it('reads a config of 300 000 values (toml-patch guessed its formatting with one argument per value)', () => {
    const volumes = Array.from({ length: 100 }, (_, v) => `"/v${v}"`).join(', ');
    const runner = (i: number) => `[[runners]]\n  name = "r${i}"\n  [runners.docker]\n    volumes = [${volumes}]\n`;
    const file = makeSourceFile('/x/config.toml', 'config.toml', Array.from({ length: 3_000 }, (_, i) => runner(i)).join(''));
    const c = parseRunnerToml(file);
    expect(c.issues).toEqual([]);
    expect(c.runners).toHaveLength(3_000);
    const last = c.runners[2_999];
    expect(last.name?.value).toBe('r2999');
    expect(last.docker!.volumes!.items.map((v) => v.value).at(-1)).toBe('/v99');
    expect(line(last.span)).toBe(2_999 * 4 + 1);
  });

  it('is recognised by a [[runners]] line, not by its name', () => {
    expect(isRunnerConfigText(readFileSync(fixtures + 'broken/config.toml', 'utf8'))).toBe(true);
    expect(isRunnerConfigText(readFileSync(fixtures + 'hugo/config.toml', 'utf8'))).toBe(false);
  });
});

describe('Helm chart values.yaml', () => {
  it('reads the TOML under runners.config with spans in values.yaml', () => {
    const c = parseHelmValues(load('helm/values.yaml'));
    expect(c.issues).toEqual([]);
    const k = c.runners[0].kubernetes!;
    expect(line(k.privileged!.span)).toBe(13);
    expect(positionAt(k.privileged!.span.file, k.privileged!.span.start).column).toBe(22);
    expect(spanText(k.privileged!.span)).toBe('true');
    expect(k.emptyDirs.map((v) => spanText(v.mountPath!.span))).toEqual(['"/certs/client"']);
  });

  it('maps a TOML error inside values.yaml to its line there', () => {
    const text = 'runners:\n  config: |\n    [[runners]]\n      [runners.docker\n';
    const c = parseHelmValues(makeSourceFile('/x/values.yaml', 'values.yaml', text));
    expect(c.issues.map((i) => [i.kind, line(i.span)])).toEqual([['parse-error', 4]]);
  });
});
