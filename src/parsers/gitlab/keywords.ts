/** Top-level keys that are not jobs (GitLab CI/CD YAML syntax reference). */
export const GLOBAL_KEYWORDS = new Set([
  'default',
  'include',
  'stages',
  'variables',
  'workflow',
  'image',
  'services',
  'cache',
  'before_script',
  'after_script',
  'types',
  'spec',
]);

/** Keys `default:` may set for every job. */
export const DEFAULTABLE_KEYWORDS = [
  'after_script',
  'artifacts',
  'before_script',
  'cache',
  'hooks',
  'id_tokens',
  'image',
  'interruptible',
  'retry',
  'services',
  'tags',
  'timeout',
] as const;

/** Deprecated top-level keys that act like `default:` ones. */
export const LEGACY_GLOBAL_DEFAULTS = ['image', 'services', 'cache', 'before_script', 'after_script'] as const;

export const JOB_KEYWORDS = new Set([
  'after_script',
  'allow_failure',
  'artifacts',
  'before_script',
  'cache',
  'coverage',
  'dast_configuration',
  'dependencies',
  'environment',
  'extends',
  'hooks',
  'identity',
  'id_tokens',
  'image',
  'inherit',
  'interruptible',
  'manual_confirmation',
  'needs',
  'pages',
  'parallel',
  'release',
  'resource_group',
  'retry',
  'rules',
  'run',
  'script',
  'secrets',
  'services',
  'stage',
  'tags',
  'timeout',
  'trigger',
  'variables',
  'when',
  'only',
  'except',
  'start_in',
]);

/** The keys of an image or service written as a mapping; `variables` is a job keyword as well. */
export const CONTAINER_KEYWORDS = new Set(['name', 'alias', 'entrypoint', 'command', 'variables', 'pull_policy', 'docker', 'kubernetes']);

/** GitLab's limit on `extends` depth and on nested `!reference`. */
export const MAX_EXTENDS_DEPTH = 11;
export const MAX_REFERENCE_DEPTH = 10;
/** GitLab's limit on included files per pipeline. */
export const MAX_INCLUDES = 150;
