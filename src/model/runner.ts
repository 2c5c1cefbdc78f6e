import type { ModelIssue } from './pipeline.js';
import type { SourceFile } from './source.js';
import type { Located, Span } from './span.js';
import type { TMap } from './tree.js';

/** A GitLab Runner `config.toml` (or the TOML inside a Helm chart's values.yaml). */
export interface RunnerConfig {
  readonly platform: 'runner';
  readonly file: SourceFile;
  /**
   * The TOML is a string inside a Helm chart's values.yaml: findings map back into it, but fixes,
   * which edit TOML text, leave it alone.
   */
  readonly embedded: boolean;
  /** Undefined when the TOML does not parse. */
  readonly root: TMap | undefined;
  readonly runners: readonly Runner[];
  readonly issues: readonly ModelIssue[];
}

export interface LocatedList {
  /** The key (`volumes = ...`), where a finding about the whole list points. */
  readonly span: Span;
  /** The array itself, `[` to `]`. */
  readonly valueSpan: Span;
  readonly items: readonly Located<string>[];
}

export interface Runner {
  readonly config: RunnerConfig;
  /** The `[[runners]]` header. */
  readonly span: Span;
  /** 1-based position among the file's runners, to name it when it has no `name`. */
  readonly index: number;
  readonly name: Located<string> | undefined;
  readonly executor: Located<string> | undefined;
  readonly docker: RunnerDocker | undefined;
  readonly kubernetes: RunnerKubernetes | undefined;
}

export interface RunnerDocker {
  /** The `[runners.docker]` header. */
  readonly span: Span;
  readonly privileged: Located<boolean> | undefined;
  readonly servicesPrivileged: Located<boolean> | undefined;
  readonly allowedPrivilegedServices: LocatedList | undefined;
  readonly allowedPrivilegedImages: LocatedList | undefined;
  readonly volumes: LocatedList | undefined;
  readonly image: Located<string> | undefined;
  readonly tlsVerify: Located<boolean> | undefined;
  readonly securityOpt: LocatedList | undefined;
  readonly capAdd: LocatedList | undefined;
}

export interface KubernetesVolume {
  readonly span: Span;
  readonly name: Located<string> | undefined;
  readonly mountPath: Located<string> | undefined;
  /** `host_path` volumes only. */
  readonly hostPath: Located<string> | undefined;
}

export interface RunnerKubernetes {
  /** The `[runners.kubernetes]` header. */
  readonly span: Span;
  readonly privileged: Located<boolean> | undefined;
  readonly allowPrivilegeEscalation: Located<boolean> | undefined;
  readonly hostPaths: readonly KubernetesVolume[];
  readonly emptyDirs: readonly KubernetesVolume[];
  readonly serviceContainerSecurityContext: TMap | undefined;
}

/** How a runner is named in messages: its `name`, else its position in the file. */
export function runnerLabel(r: Runner): string {
  return r.name ? `runner "${r.name.value}"` : `runner #${r.index}`;
}

export function isKubernetes(r: Runner): boolean {
  return r.executor?.value === 'kubernetes';
}

/** Executors that run jobs in Docker containers (where `[runners.docker]` applies). */
export function isDockerExecutor(r: Runner): boolean {
  const e = r.executor?.value ?? '';
  return e === 'docker' || e.startsWith('docker+') || e === 'docker-autoscaler' || e === 'docker-windows' || e === 'docker-ssh';
}
