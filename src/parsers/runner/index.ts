import type { ModelIssue } from '../../model/pipeline.js';
import type {
  KubernetesVolume,
  LocatedList,
  Runner,
  RunnerConfig,
  RunnerDocker,
  RunnerKubernetes,
} from '../../model/runner.js';
import type { SourceFile } from '../../model/source.js';
import type { Located } from '../../model/span.js';
import { sourceOffsetOf } from '../../model/scalar-offsets.js';
import { asMap, asScalar, asSeq, get, getEntry, type TMap, type Tree } from '../../model/tree.js';
import { loadYaml } from '../yaml/load.js';
import { loadToml } from '../toml/load.js';
import { validateRunnerConfig } from './schema.js';

/** The textual test for a runner config: a broken one is still found, a Hugo config.toml is not. */
export const RUNNERS_LINE = /^[ \t]*\[\[[ \t]*runners[ \t]*\]\]/m;

export function isRunnerConfigText(text: string): boolean {
  return RUNNERS_LINE.test(text);
}

/** Reads a GitLab Runner config.toml. */
export function parseRunnerToml(file: SourceFile): RunnerConfig {
  return fromToml(file, file.text, (o) => o, false);
}

/**
 * Reads the runner config embedded in a GitLab Runner Helm chart's values.yaml (`runners.config`, a
 * TOML string); spans point into values.yaml.
 */
export function parseHelmValues(file: SourceFile): RunnerConfig {
  const loaded = loadYaml(file);
  const issues: ModelIssue[] = loaded.problems.map((p) => ({ kind: p.kind, span: p.span, message: p.message }));
  const doc = asMap(loaded.documents[0]);
  const config = asScalar(get(asMap(get(doc, 'runners')), 'config'));
  if (!config || typeof config.value !== 'string') {
    return { platform: 'runner', file, embedded: true, root: undefined, runners: [], issues };
  }
  const embedded = fromToml(file, config.text, (o) => sourceOffsetOf(config, o), true);
  return { ...embedded, issues: [...issues, ...embedded.issues] };
}

function fromToml(file: SourceFile, text: string, toFileOffset: (o: number) => number, embedded: boolean): RunnerConfig {
  const loaded = loadToml(file, text, toFileOffset);
  if (!loaded.root) {
    const issues: ModelIssue[] = loaded.error ? [{ kind: 'parse-error', span: loaded.error.span, message: loaded.error.message }] : [];
    return { platform: 'runner', file, embedded, root: undefined, runners: [], issues };
  }
  const root = loaded.root;
  const issues: ModelIssue[] = validateRunnerConfig(root).map((f) => ({ kind: 'runner-schema', span: f.span, message: f.message }));
  const config: { -readonly [K in keyof RunnerConfig]: RunnerConfig[K] } = { platform: 'runner', file, embedded, root, runners: [], issues };
  config.runners = (asSeq(get(root, 'runners'))?.items ?? [])
    .map(asMap)
    .filter((m): m is TMap => m !== undefined)
    .map((m, i) => toRunner(config, m, i + 1));
  return config;
}

function toRunner(config: RunnerConfig, m: TMap, index: number): Runner {
  return {
    config,
    span: m.span,
    index,
    name: str(get(m, 'name')),
    executor: str(get(m, 'executor')),
    docker: docker(asMap(get(m, 'docker'))),
    kubernetes: kubernetes(asMap(get(m, 'kubernetes'))),
  };
}

function docker(m: TMap | undefined): RunnerDocker | undefined {
  if (!m) return undefined;
  return {
    span: m.span,
    privileged: bool(get(m, 'privileged')),
    servicesPrivileged: bool(get(m, 'services_privileged')),
    allowedPrivilegedServices: list(m, 'allowed_privileged_services'),
    allowedPrivilegedImages: list(m, 'allowed_privileged_images'),
    volumes: list(m, 'volumes'),
    image: str(get(m, 'image')),
    tlsVerify: bool(get(m, 'tls_verify')),
    securityOpt: list(m, 'security_opt'),
    capAdd: list(m, 'cap_add'),
  };
}

function kubernetes(m: TMap | undefined): RunnerKubernetes | undefined {
  if (!m) return undefined;
  const volumes = asMap(get(m, 'volumes'));
  const vols = (key: string): KubernetesVolume[] =>
    (asSeq(get(volumes, key))?.items ?? [])
      .map(asMap)
      .filter((v): v is TMap => v !== undefined)
      .map((v) => ({
        span: v.span,
        name: str(get(v, 'name')),
        mountPath: str(get(v, 'mount_path')),
        hostPath: str(get(v, 'host_path')),
      }));
  return {
    span: m.span,
    privileged: bool(get(m, 'privileged')),
    allowPrivilegeEscalation: bool(get(m, 'allow_privilege_escalation')),
    hostPaths: vols('host_path'),
    emptyDirs: vols('empty_dir'),
    serviceContainerSecurityContext: asMap(get(m, 'service_container_security_context')),
  };
}

function str(t: Tree | undefined): Located<string> | undefined {
  const s = asScalar(t);
  return s && typeof s.value === 'string' ? { value: s.value, span: s.span } : undefined;
}

function bool(t: Tree | undefined): Located<boolean> | undefined {
  const s = asScalar(t);
  return s && typeof s.value === 'boolean' ? { value: s.value, span: s.span } : undefined;
}

function list(m: TMap, key: string): LocatedList | undefined {
  const entry = getEntry(m, key);
  const seq = asSeq(entry?.value);
  if (!entry || !seq) return undefined;
  const items = seq.items
    .map(asScalar)
    .filter((s) => s !== undefined && typeof s.value === 'string')
    .map((s) => ({ value: s!.text, span: s!.span }));
  return { span: entry.keySpan, valueSpan: seq.span, items };
}
