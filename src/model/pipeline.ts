import type { SourceFile } from './source.js';
import type { Located, Span } from './span.js';
import type { TMap, Tree } from './tree.js';

/**
 * The common model every parser produces and every rule reads. It speaks of jobs, the containers they
 * run in, their variables and their shell steps, whatever platform wrote them.
 */

export type Platform = 'gitlab' | 'jenkins';

/** Something a parser noticed that is not a Docker hazard but the user must hear about. */
export interface ModelIssue {
  kind: 'parse-error' | 'duplicate-key' | 'include-unresolved' | 'include-error' | 'bad-reference' | 'runner-schema' | 'schema';
  span: Span;
  message: string;
}

export interface Variable {
  readonly name: string;
  /** The value as a string; undefined when it is not a scalar (GitLab rejects those). */
  readonly value: string | undefined;
  readonly nameSpan: Span;
  /** Where the value is written; the name's span when there is no value. */
  readonly span: Span;
}

export type Variables = ReadonlyMap<string, Variable>;

/** A host path bind-mounted into a container (`-v /var/run/docker.sock:/var/run/docker.sock`, hostPath volumes). */
export interface Mount {
  readonly hostPath: string;
  readonly containerPath: string | undefined;
  /** Where the mount is written. */
  readonly span: Span;
}

export interface Container {
  readonly role: 'image' | 'service';
  /** The image reference as written (variables unexpanded). */
  readonly image: Located<string>;
  /** The whole entry: a string item or the `- name: ...` mapping. */
  readonly span: Span;
  readonly aliases: readonly Located<string>[];
  /** The container's own variables (GitLab: a service's `variables:`). */
  readonly variables: Variables;
  readonly command: readonly Located<string>[];
  readonly entrypoint: readonly Located<string>[];
  /**
   * Set where the pipeline itself decides (Jenkins `--privileged`, a pod's securityContext); on GitLab
   * the runner decides, so it is undefined.
   */
  readonly privileged?: Located<boolean>;
  /** Host paths the pipeline mounts into the container (GitLab: none, the runner decides). */
  readonly mounts: readonly Mount[];
  /** GitLab: the entry as written (an image string or a `name:` mapping), for fixes that edit it. */
  readonly node?: Tree;
  /**
   * Jenkins: the hostnames under which the job's steps reach this container, as the pipeline decides
   * them (`localhost` in a pod, a `--link` alias); `complete` when no other name can reach it. GitLab:
   * undefined, the runner derives the names from the image and `alias`.
   */
  readonly hostnames?: { readonly names: readonly string[]; readonly complete: boolean };
}

export interface ScriptStep {
  readonly section: string;
  /** The shell text as the runner receives it (Jenkins: interpolations kept as `${...}` text). */
  readonly text: string;
  /** Where the step is written: the YAML scalar or the Groovy string literal. */
  readonly span: Span;
  /** Maps an offset inside `text` to an offset in the file. */
  sourceOffset(offset: number): number;
  /**
   * Whether `text` stands in the file as written between mapped offsets (plain and literal YAML
   * scalars, Groovy strings without escapes), so a fix can edit inside it exactly.
   */
  readonly editable: boolean;
  /**
   * How shell text that a fix inserts is written inside the step's source: a Groovy string escapes its
   * own quote, backslashes and, when it interpolates, `$`; undefined when it cannot be written there.
   * Absent when text is written as it is (YAML plain and literal scalars).
   */
  escape?(text: string): string | undefined;
}

export interface Job {
  readonly platform: Platform;
  readonly name: string;
  /** The job's key where it is defined. */
  readonly nameSpan: Span;
  /** A hidden job (`.name`): a template, judged on its own only when nothing uses it. */
  readonly hidden: boolean;
  readonly image: Container | undefined;
  readonly services: readonly Container[];
  /** Effective variables: global ones the job inherits, then the job's own (which win). */
  readonly variables: Variables;
  readonly scripts: readonly ScriptStep[];
  /** GitLab: the job's effective configuration after includes, `!reference`, `extends` and `default:`. */
  readonly config: TMap | undefined;
}

export interface Pipeline {
  readonly platform: Platform;
  readonly root: SourceFile;
  /** Every file read for this pipeline: the root and its includes. */
  readonly files: readonly SourceFile[];
  readonly jobs: readonly Job[];
  /** Hidden jobs with job keywords, keyed by where they are defined (see `templateId`). */
  readonly templates: readonly Job[];
  /** Identities (`templateId`) of hidden jobs that a job of this pipeline uses. */
  readonly usedTemplates: ReadonlySet<string>;
  readonly issues: readonly ModelIssue[];
  /** The merged configuration (includes applied, references resolved), for `cilint resolve`. */
  readonly merged: TMap | undefined;
}

/** The job's containers: its image, then its services. */
export function jobContainers(job: Job): readonly Container[] {
  return job.image ? [job.image, ...job.services] : job.services;
}

export function templateId(job: Pick<Job, 'nameSpan'>): string {
  return `${job.nameSpan.file.path}:${job.nameSpan.start}`;
}
